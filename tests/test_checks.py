"""The contributor checks: language, spelling, page metadata, overdue reviews, workflows.
Each failure must read as an instruction: file, line, what to change."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, add_hook, mkdocs
from hooks import page_meta
from tools import check, language


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's checks with one page to spoil."""
    (tmp_path / "docs").mkdir()
    shutil.copytree(ROOT / "checks", tmp_path / "checks")
    shutil.copy(ROOT / "references.bib", tmp_path)
    for name in ("README.md", "CONTRIBUTING.md"):
        (tmp_path / name).write_text("# Fine\n", encoding="utf-8")
    (tmp_path / "docs" / "page.md").write_text(
        "---\ntitle: Page\ndescription: A page.\nlast_reviewed: 2026-01-01\nnext_review: 2027-01-01\n---\n\n"
        "# Page\n\nPeople using services [@hendy2023].\n", encoding="utf-8")
    return tmp_path


def spoil(project: Path, text: str) -> None:
    page = project / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_language_check_names_file_line_term_reason_and_suggestion(project: Path) -> None:
    spoil(project, "\nSome people are suffering from distress.\nIt helps, e.g. in meetings.\n")
    found = language.check(project)
    assert [str(f) for f in found] == [
        "docs/page.md:12: must change: 'suffering from': it frames people as victims of their experience. "
        "Write \"living with\", \"experiencing\" or \"has\" instead.",
        "docs/page.md:13: please consider: 'e.g.': abbreviations like this are hard for many readers and "
        "screen readers. Write \"for example\" instead.",
    ]


def test_quotations_and_code_are_exempt(project: Path) -> None:
    spoil(project, '\nShe said "they commit suicide" once.\n\n> the mentally ill\n\n`click here`\n\n'
                   "```\nsuffering from\n```\n")
    assert language.check(project) == []


def test_site_has_no_term_that_must_change() -> None:
    assert [str(f) for f in language.check(ROOT) if f.hard] == []


def test_every_hard_and_soft_term_is_caught() -> None:
    for rule, _ in language.load_rules():
        assert any(__import__("re").search(rule["pattern"], sample, __import__("re").I)
                   for sample in (rule["term"], rule["term"].replace("commit suicide", "committed suicide")))


def test_misspelling_and_unknown_key_fail_make_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spoil(project, "\nThe recieved wisdom [@seikula2008].\n")
    assert check.main(project) == 1
    out = capsys.readouterr().out
    assert "docs/page.md:12: unknown citation key 'seikula2008' (did you mean 'seikkula2008'?)" in out
    assert "docs/page.md:12: spelling: 'recieved' looks misspelt; did you mean 'received'?" in out


def test_real_site_passes_make_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert check.main(ROOT) == 0, capsys.readouterr().out


def test_page_metadata_problems_are_explained() -> None:
    assert page_meta.problems({"title": "T", "description": "D", "last_reviewed": "2026-13-01",
                               "next_review": datetime.date(2027, 1, 1)}, "docs/x.md") == [
        "docs/x.md: 'last_reviewed: 2026-13-01' is not a date: write it as YYYY-MM-DD, for example 2026-11-27"]
    assert page_meta.problems({"title": "T"}, "docs/x.md")[0] == "docs/x.md: front matter needs 'description'"


def test_overdue_review_is_listed_but_does_not_fail(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = project / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("2027-01-01", "2026-02-01"), encoding="utf-8")
    assert check.main(project) == 0
    assert "docs/page.md: review was due on 2026-02-01" in capsys.readouterr().out


def test_page_without_review_dates_fails_the_build(fixture_site: Path) -> None:
    add_hook(fixture_site, "hooks/page_meta.py")
    result = mkdocs("build", "--strict", "--site-dir", str(fixture_site.parent / "out"), cwd=fixture_site)
    assert result.returncode != 0
    assert "docs/index.md: front matter needs 'description'" in result.stderr


def test_every_page_shows_review_dates_edit_link_and_citation(built_site: Path) -> None:
    for html in built_site.rglob("index.html"):
        text = html.read_text(encoding="utf-8")
        assert "Page last reviewed:" in text and "Next review due:" in text, html
        assert "Cite this page" in text and "@misc{pod-" in text, html
        assert 'title="Edit this page"' in text and "/edit/main/docs/" in text, html


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_files_parse(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["name"] and workflow["jobs"]
    assert True in workflow or "on" in workflow  # YAML reads the key `on` as True
    for job in workflow["jobs"].values():
        assert job.get("steps") or job.get("uses") or job.get("needs"), path.name


def test_ci_workflow_is_read_only_and_runs_ci_run() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert any(step.get("run") == "bash .ci/run" for step in ci["jobs"]["test"]["steps"])
    # Every workflow and job is listed here on purpose, with the most it may do. The token has
    # no permission for the workflow as a whole; each job is granted only what it uses, and
    # no job that runs the project's own tools may write.
    allowed = {"a11y.yml": {"a11y": {"contents": "read"}}, "ci.yml": {"test": {"contents": "read"}},
               "deploy.yml": {"build": {"contents": "read"}, "deploy": {"pages": "write", "id-token": "write"}},
               "links.yml": {"check": {"contents": "read"}, "report": {"issues": "write"}},
               "release.yml": {"build": {"contents": "read"}, "publish": {"contents": "write"}}}
    assert [p.name for p in WORKFLOWS] == sorted(allowed)
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] == {}, path.name
        assert {name: job.get("permissions") for name, job in workflow["jobs"].items()} == allowed[path.name], path.name
        trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
        assert "pull_request_target" not in trigger and "workflow_run" not in trigger, path.name


def test_broken_link_is_reported_with_line_and_suggestion(project: Path) -> None:
    from tools import links

    (project / "docs" / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    spoil(project, "\nSee [the glossary](glosary.md) and [a term](glossary.md#term).\n`[code](nowhere.md)`\n")
    assert links.check(project) == [
        "docs/page.md:12: the link to 'glosary.md' goes nowhere: there is no docs/glosary.md (did you mean 'glossary.md'?)"]
    assert links.check(ROOT) == []


def test_third_principle_is_never_summarised_as_more_equal(project: Path) -> None:
    spoil(project, "\nPeers can meet people more equally.\n\nThey build an equal relationship.\n\n"
                   "They connect in a more equal way.\n\nThey are open to a more mutual relationship.\n\n"
                   "Viewpoints are seen as equally valid.\n")
    found = [f for f in language.check(project) if f.hard]
    assert [f.line for f in found] == [12, 14, 16]
    assert all('"a more mutual relationship"' in str(f) for f in found)


def test_make_check_reports_glossary_declared_source_and_clutter(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs" / "glossary.md").write_text(
        "# Glossary\n\nNetwork\n:   The people who matter to a person.\n\nPolyphony\n\n"
        "Dialogism\n:   " + " ".join(["word"] * 30) + ".\n", encoding="utf-8")
    page = project / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("title: Page\n", "title: Page\nsource: hendy2032\n")
                    + "Again [@hendy2023].\n", encoding="utf-8")
    assert check.main(project) == 1
    out = capsys.readouterr().out
    assert "docs/glossary.md:6: 'Polyphony' has no definition" in out
    assert "docs/glossary.md:9: please consider: the short definition of 'Dialogism' has 30 words" in out
    assert "docs/page.md:3: front matter 'source: hendy2032' is not a key in references.bib (did you mean 'hendy2023'?)" in out
    assert "docs/page.md:12: this paragraph cites hendy2023 twice (also on line 11)" in out


def test_citation_key_in_an_include_names_the_include_and_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "includes").mkdir()
    (project / "includes" / "note.md").write_text("!!! info \"A note\"\n\n    Said once [@hendy203].\n", encoding="utf-8")
    assert check.main(project) == 1
    assert "includes/note.md:3: unknown citation key 'hendy203' (did you mean 'hendy2023'?)" in capsys.readouterr().out
