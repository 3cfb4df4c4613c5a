"""Reading grades (tools/readability.py): what is measured, and that a hard text fails."""

from __future__ import annotations

from pathlib import Path

from tools import readability

HARD = ("Notwithstanding considerable methodological heterogeneity, contemporary investigations "
        "consistently demonstrate substantial organisational implications for multidisciplinary "
        "interprofessional collaboration.\n")
EASY = "We meet. We talk. You can say how you feel.\n"


def test_only_prose_is_measured() -> None:
    markdown = ("# A very long heading with many complicated multisyllabic words\n\n"
                "> A quotation, verbatim, with extraordinarily complicated vocabulary throughout.\n\n"
                "We meet [@hendy2023, p. 3] at [the place](https://example.org/a-long-path).\n\n"
                "- a list item\n- another\n\n<!-- a comment -->\n<div markdown>\n\n`code here`\n\n</div>\n")
    assert readability.prose(markdown) == "We meet at the place.\na list item.\nanother."


def test_hard_text_fails_and_plain_text_passes(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "principles"
    docs.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("---\ntitle: Home\n---\n\n# Home\n\n" + HARD, encoding="utf-8")
    (docs / "index.md").write_text("# Overview\n\n" + EASY, encoding="utf-8")
    (docs / "attunement.md").write_text("# A\n\n## In brief\n\n" + EASY + "\n## In practice\n\n" + HARD, encoding="utf-8")
    found = {grade.where: grade for grade in readability.grades(tmp_path)}
    assert list(found) == ["docs/index.md", "docs/principles/index.md", "docs/principles/attunement.md § In brief"]
    assert found["docs/index.md"].too_hard
    assert str(found["docs/index.md"]).startswith("docs/index.md:5: reads at Flesch-Kincaid grade ")
    assert not found["docs/principles/index.md"].too_hard
    assert not found["docs/principles/attunement.md § In brief"].too_hard  # the harder section after it is not counted
