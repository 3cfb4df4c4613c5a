"""markdown_citations/formats.py: the .bib as CSL-JSON (pandoc's reading, two things
corrected) and as RIS, converted once per .bib content. The real site's downloads are read
back with other parsers in tests/test_reference_managers.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypandoc
import pytest

from conftest import FIXTURE_BIB
from markdown_citations import formats

OTHERS = """@misc{group2020,
  author = {Group, Writing and others},
  title = {A leaflet},
  year = {2020},
}

@book{book2019,
  author = {{von Peter}, Sebastian and Bee, Ann},
  editor = {Editor, Ed},
  title = {A book},
  publisher = {Press},
  address = {Leeds},
  year = {2019},
  url = {https://example.org/book},
}
"""


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    found: list[str] = []
    real = pypandoc.convert_file
    monkeypatch.setattr(pypandoc, "convert_file", lambda *a, **k: found.append(a[1]) or real(*a, **k))
    return found


def test_csl_items_leave_out_others_and_type_every_item(tmp_path: Path) -> None:
    bib = tmp_path / "others.bib"
    bib.write_text(OTHERS, encoding="utf-8")
    items = {item["id"]: item for item in formats.csl_items(bib, None)}
    assert items["group2020"]["author"] == [{"family": "Group", "given": "Writing"}]  # no person called "others"
    assert items["group2020"]["type"] == "document"  # pandoc gives @misc no type
    assert items["book2019"]["type"] == "book" and items["book2019"]["publisher-place"] == "Leeds"


def test_the_bib_is_converted_once_per_content_and_kept_on_disk(tmp_path: Path, conversions: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POD_CITATION_CACHE", raising=False)
    bib = tmp_path / "references.bib"
    shutil.copy(FIXTURE_BIB, bib)
    bib.write_text(bib.read_text(encoding="utf-8") + f"\n% {tmp_path.name}\n", encoding="utf-8")  # content no test had
    cache = tmp_path / "cache"
    first = formats.csl_items(bib, cache)
    assert formats.csl_items(bib, cache) == first and conversions == ["csljson"]
    [stored] = cache.glob("csl-*.json")
    formats._convert.cache_clear()  # as in a new process: read from disk, not converted again
    assert formats.csl_items(bib, cache) == first and conversions == ["csljson"]
    stored.unlink()
    formats._convert.cache_clear()
    assert formats.csl_items(bib, cache) == first and conversions == ["csljson", "csljson"]


def test_ris_has_one_record_per_work_without_counter_lines() -> None:
    text = formats.ris_text(formats.csl_items(FIXTURE_BIB, None))
    assert text.split("ER  - \n")[0] == (
        "TY  - JOUR\nID  - seikkula2008\nAU  - Seikkula, Jaakko\n"
        "TI  - Inner and outer voices in the present moment of family and network therapy\n"
        "T2  - Journal of Family Therapy\nVL  - 30\nPY  - 2008\nSP  - 478\nEP  - 491\n")
    assert text.count("TY  - ") == text.count("ER  - ") == 4
    assert "TY  - GEN\nID  - mead2014\nAU  - Mead, Shery\nPY  - 2014\nER  - " in text  # incomplete: only what is verified
    assert "DO  - 10.1108/MHSI-03-2017-0011" in text
    assert not [line for line in text.splitlines() if line and not line[:2].isupper()]  # no "1." lines


def test_ris_carries_editors_particles_places_and_addresses(tmp_path: Path) -> None:
    bib = tmp_path / "others.bib"
    bib.write_text(OTHERS, encoding="utf-8")
    book = formats.ris_text(formats.csl_items(bib, None)).split("ER  - ")[1]
    for line in ("TY  - BOOK", "AU  - von Peter, Sebastian", "AU  - Bee, Ann", "ED  - Editor, Ed", "PB  - Press",
                 "CY  - Leeds", "UR  - https://example.org/book", "PY  - 2019"):
        assert line in book, line


def test_an_unbraced_particle_is_kept(tmp_path: Path) -> None:
    bib = tmp_path / "particle.bib"
    bib.write_text("@book{b,\n  author = {von Peter, Sebastian},\n  title = {T},\n  year = {2019},\n}\n", encoding="utf-8")
    assert "AU  - von Peter, Sebastian" in formats.ris_text(formats.csl_items(bib, None))


def test_csl_json_text_is_the_items_as_json() -> None:
    items = formats.csl_items(FIXTURE_BIB, None)
    text = formats.csl_json_text(items)
    assert text.endswith("}\n]\n") and json.loads(text) == items
