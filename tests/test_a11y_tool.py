"""tools/a11y.py (make a11y): the Nu HTML checker's errors are sorted into ours, which fail,
and the theme's known ones in checks/a11y-known.yml, each with a reason; stale entries fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import a11y

THEME = {"type": "error", "message": "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer."}
OURS = {"type": "error", "message": "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control."}


def test_known_list_is_valid_and_each_entry_has_a_reason() -> None:
    known = a11y.load_known()
    assert len(known) >= 1
    assert all(len(entry.reason) > 40 and entry.since[:2] == "20" for entry in known)


def test_our_errors_fail_and_the_themes_are_set_aside() -> None:
    ours, stale = a11y.sort_messages([THEME, OURS, {"type": "info", "message": "x"}], a11y.load_known())
    assert ours == [OURS]
    assert all("tabindex" not in entry.pattern.pattern for entry in stale)


def test_a_known_error_that_no_longer_occurs_is_reported() -> None:
    ours, stale = a11y.sort_messages([THEME], a11y.load_known())
    assert ours == [] and [entry.pattern.pattern for entry in stale] == [
        entry.pattern.pattern for entry in a11y.load_known() if "tabindex" not in entry.pattern.pattern]


def test_an_entry_without_a_reason_stops_with_its_number(tmp_path: Path) -> None:
    bad = tmp_path / "known.yml"
    bad.write_text("- message: x\n  since: 2026-11-28\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="known.yml: entry 1 needs reason"):
        a11y.load_known(bad)
