"""The search settings in mkdocs.yml, and the question file behind `make search-eval`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import material
from conftest import ROOT
from tools import search_eval
from tools.offline_zip import read_config


def _search_settings() -> dict:
    return next(p["search"] for p in read_config(ROOT / "mkdocs.yml")["plugins"] if isinstance(p, dict) and "search" in p)


def test_separator_drops_exactly_the_stop_words_of_materials_search_worker() -> None:
    """The separator lists lunr's English stop words (each with a capital first letter too);
    a Material update that changes the worker's list shows up here."""
    worker = next((Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    listed = re.search(r"stopWordFilter=\w+\.generateStopWordFilter\(\[([^\]]+)\]\)", worker.read_text(encoding="utf-8"))
    assert listed, f"{worker}: the stop-word list was not found; has Material's search worker changed?"
    theirs = set(re.findall(r'"(\w+)"', listed.group(1)))
    separator = _search_settings()["separator"]
    ours = re.search(r"\\b\(\?:(.*)\)\\b$", separator).group(1).split("|")
    assert {word[1].lower() + word[4:] for word in ours} == theirs
    assert all(word[1] == word[2].upper() for word in ours)  # [Ww]hen: typed capitals too
    compiled = re.compile(separator)
    assert [t for t in compiled.split("When should I share it in the room") if t] == ["share", "room"]
    assert [t for t in compiled.split("intentional theory into history") if t] == ["intentional", "theory", "history"]


def test_a_bad_question_file_names_the_file_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "questions.yml"
    bad.write_text("- q: tuning in\n  who: peer practitioner\n  page: principles/attunement/\n"
                   "- q: printable summary\n  who: trainer\n  pages: principles/handout/\n"
                   "- q: Tuning in\n  who: trainer\n  page: principles/attunement\n", encoding="utf-8")
    with pytest.raises(search_eval.QuestionError) as error:
        search_eval.load(bad)
    lines = str(error.value).splitlines()
    assert lines[0].startswith(f"{bad}:4: unknown key(s) pages") and "missing key(s) page" in lines[0]
    assert lines[1] == f"{bad}:7: question 'Tuning in' is already at line 1"
    assert lines[2].startswith(f"{bad}:7: page 'principles/attunement': write the page's path in the built site")


def test_the_question_file_is_usable() -> None:
    questions = search_eval.load()
    assert len(questions) >= 40 and {q.who for q in questions} >= {"peer practitioner", "trainer", "family", "commissioner"}
