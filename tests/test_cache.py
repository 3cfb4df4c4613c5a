"""markdown_citations.cache: cache files named by what they depend on, written whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from markdown_citations.cache import cache_file, write


def test_the_name_changes_with_what_it_depends_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POD_CITATION_CACHE", raising=False)
    first = cache_file(tmp_path, "csl", [b"a", b"b"])
    assert first is not None and first.parent == tmp_path and first.name.startswith("csl-")
    assert cache_file(tmp_path, "csl", [b"a", b"b"]) == first
    assert cache_file(tmp_path, "csl", [b"a", b"c"]) != first
    assert cache_file(tmp_path, "csl", [b"ab"]) != cache_file(tmp_path, "csl", [b"a", b"b"])


def test_no_cache_for_a_cold_build_or_without_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POD_CITATION_CACHE", "off")
    assert cache_file(tmp_path, "csl", [b"a"]) is None
    monkeypatch.delenv("POD_CITATION_CACHE")
    assert cache_file(None, "csl", [b"a"]) is None


def test_write_replaces_the_file_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "new folder" / "citations.json"
    write(target, "first")
    write(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert sorted(path.name for path in target.parent.iterdir()) == ["citations.json"]
