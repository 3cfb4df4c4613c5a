"""tools/proper_nouns.py: names of more than one word in .bib titles keep their braces."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from tools import proper_nouns


def test_references_bib_protects_every_name() -> None:
    assert proper_nouns.check(ROOT / "references.bib") == []


def test_a_listed_name_without_braces_is_reported(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("% a comment\n@book{mead2014,\n  author = {Mead, Shery},\n"
                   "  title  = {Intentional Peer Support: An Alternative Approach},\n}\n", encoding="utf-8")
    [problem] = proper_nouns.check(bib, "x.bib")
    assert str(problem).startswith("x.bib:4: entry 'mead2014': the title has 'Intentional Peer Support' without braces")
    assert "write {Intentional Peer Support}" in str(problem)


def test_capitalised_words_in_a_sentence_case_title_are_reported(tmp_path: Path) -> None:
    """Not in the list: found because the rest of the title is in sentence case."""
    bib = tmp_path / "x.bib"
    bib.write_text("@article{pilling2022,\n  title = {Open Dialogue compared to treatment as usual for adults\n"
                   "    experiencing a crisis: Protocol for the {ODDESSI} trial},\n}\n", encoding="utf-8")
    [problem] = proper_nouns.check(bib, "x.bib", names=[])
    assert problem.line == 2 and problem.key == "pilling2022" and problem.words == "Open Dialogue"
    assert "print it as 'Open dialogue'" in str(problem)


def test_braces_and_title_case_are_left_alone(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("@book{a,\n  title = {The Saturated Self: Dilemmas of Identity in Contemporary Life},\n}\n"
                   "@article{b,\n  title = {Peer supported {Open Dialogue} in the {National Health Service}: A study},\n}\n"
                   "@incollection{c,\n  booktitle = {Women's Growth in Connection: Writings from the {Stone Center}},\n}\n",
                   encoding="utf-8")
    assert proper_nouns.check(bib, "x.bib") == []
