"""Vignettes: enough of them, each in its fixed shape and labelled as fiction, and every link
between vignettes and principles derived from the vignettes' own front matter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from conftest import ROOT, add_hook, mkdocs

VIGNETTES = sorted(p for p in (ROOT / "docs" / "vignettes").glob("*.md") if p.name != "index.md")
SECTIONS = ["Setting", "The scene", "What the peer practitioner did and why", "What remained uncertain",
            "Questions for reflection"]
KNOWN = ["attunement", "validation", "connection-and-mutuality", "self-disclosure"]
PAGES = {"attunement": "principles/attunement", "validation": "principles/validation",
         "connection-and-mutuality": "principles/connection-and-mutuality",
         "self-disclosure": "principles/self-disclosure"}
SENSITIVE = re.compile(r"\b(crisis|self-harm|suicid\w*|ending (his|her|their) life|section(ed|ing)|Mental Health Act|detain\w*)\b", re.I)


def meta(path: Path) -> dict:
    return get_data(path.read_text(encoding="utf-8"))[1]


def declared(path: Path) -> list[str]:
    return list(meta(path)["principles"])


def test_at_least_ten_and_three_per_principle() -> None:
    assert len(VIGNETTES) >= 10
    for name in KNOWN:
        assert sum(name in declared(v) for v in VIGNETTES) >= 3, name


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_fixed_shape_and_known_principles(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    body, data = get_data(text)
    assert data["title"] and data["description"]
    assert declared(path) and set(declared(path)) <= set(KNOWN)
    assert re.findall(r"^## (.+)$", body, re.M) == SECTIONS
    questions = body.split("## Questions for reflection", 1)[1]
    assert len(re.findall(r"^\d+\. ", questions, re.M)) == 3
    prose = re.sub(r"^#.*$", "", body, flags=re.M)
    assert 200 <= len(prose.split()) <= 450
    if SENSITIVE.search(body):
        assert data.get("content_note"), f"{path.name} touches crisis or coercion: add a content_note"
    assert "commit suicide" not in body.lower()


def article(site: Path, url: str) -> str:
    text = (site / url / "index.html").read_text(encoding="utf-8")
    return text[text.index('<article class="md-content__inner'): text.index("</article>")]


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_built_vignette_is_labelled_and_links_its_principles(built_site: Path, path: Path) -> None:
    page = article(built_site, f"vignettes/{path.stem}")
    assert "A composite, fictional illustration" in page
    assert page.index("A composite, fictional illustration") < page.index('id="setting"')
    links = re.findall(r'href="\.\./\.\./([^"]+)/"', page.split('id="principles-it-shows"', 1)[1].split("</ul>")[0])
    assert links == [PAGES[name] for name in declared(path)]
    assert "Samaritans" in page and "116 123" in page
    if meta(path).get("content_note"):
        assert "Content note" in page and meta(path)["content_note"] in page
        # A safety notice stays plain text: no glossary links or tooltips inside it.
        assert "glossary-term" not in page.split("content-note", 1)[1].split("</div>", 1)[0]


def test_principle_pages_list_exactly_their_vignettes(built_site: Path) -> None:
    for name, url in PAGES.items():
        page = article(built_site, url)
        section = page.split('id="in-practice"', 1)[1].split("<h2", 1)[0]
        found = set(re.findall(r'href="\.\./\.\./vignettes/([^/"]+)/"', section))
        assert found == {v.stem for v in VIGNETTES if name in declared(v)}, name


def test_index_groups_exactly_by_declared_principle(built_site: Path) -> None:
    page = article(built_site, "vignettes")
    for name in KNOWN:
        heading = re.search(rf'<h2 id="{name}">', page)
        assert heading, name
        section = page[heading.end():].split("<h2", 1)[0]
        found = set(re.findall(r'<li><a href="([a-z0-9-]+)/"', section))
        assert found == {v.stem for v in VIGNETTES if name in declared(v)}, name


def test_unknown_principle_fails_the_build(fixture_site: Path) -> None:
    add_hook(fixture_site, "hooks/vignettes.py")
    config = fixture_site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  principles:\n    attunement: second.md\n",
                      encoding="utf-8")
    (fixture_site / "docs" / "vignettes").mkdir()
    (fixture_site / "docs" / "vignettes" / "a-scene.md").write_text(
        "---\ntitle: A scene\nprinciples: [atunement]\n---\n\n# A scene\n\nText.\n", encoding="utf-8")
    result = mkdocs("build", "--strict", "--site-dir", str(fixture_site.parent / "out"), cwd=fixture_site)
    assert result.returncode != 0
    assert ("docs/vignettes/a-scene.md: unknown principle 'atunement' in 'principles' "
            "(did you mean 'attunement'? known: attunement)") in result.stderr
