"""The GitHub workflows as a security reviewer checks them (tools/workflows.py, in `make check`).

zizmor, run offline, finds nothing at medium severity or above in the real workflows, and
a workflow spoilt in a temporary copy (an action by tag again, a checkout that keeps the
token, write permissions for the whole workflow) fails with the file, the line and the fix.
Every action is pinned to a commit SHA with its version in a comment, and every job that
needs Debian's packages runs in a Debian 12 container (Python's official image, since
Debian's own python3 is older than the pinned packages allow).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from tools import workflows

WORKFLOWS = ROOT / ".github" / "workflows"
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
PIN = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
# make targets that need Debian's browsers, nginx, faketime or Java (tools/system-packages.sh)
DEBIAN_TARGETS = {"test", "a11y", "pdf", "release", "lighthouse", "search-eval", "system-packages", "engines"}


def _copy(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    """A project folder holding only .github/workflows/`name` with `old` replaced by `new`
    (once), and the line (from 1) where `new` begins."""
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert old in text, f"{name} no longer has {old!r}"
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path, text[:text.index(old)].count("\n") + 1


def test_real_workflows_and_dependabot_have_no_finding() -> None:
    assert (ROOT / ".github" / "dependabot.yml").is_file()
    assert workflows.check(ROOT) == []


def test_an_action_by_tag_fails_naming_file_line_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, line = _copy(tmp_path, "ci.yml", CHECKOUT, "actions/checkout@v7")
    assert workflows.check(root) == [
        f".github/workflows/ci.yml:{line}: 'actions/checkout@v7' names the action by a tag or branch, which "
        "whoever controls that repository can move to other code: pin it to the full 40-character commit SHA of "
        "the release, with the version in a comment, as in 'uses: actions/checkout@<commit SHA> # vX.Y.Z' "
        "(docs/self-hosting.md says how) [zizmor unpinned-uses, high: https://docs.zizmor.sh/audits/#unpinned-uses]"]
    assert workflows.main([str(root)]) == 1
    assert capsys.readouterr().out.endswith("workflows: 1 problem to fix\n")


@pytest.mark.parametrize(("name", "old", "new", "expected"), [
    ("deploy.yml", "        with:\n          persist-credentials: false\n", "",
     "actions/checkout keeps the token in the checkout, where a later step or an uploaded file can carry it: "
     "add 'persist-credentials: false' under the checkout's 'with:' [zizmor artipacked, medium"),
    ("ci.yml", "    permissions:\n      contents: read   # to check out the code\n", "    permissions: write-all\n",
     "the token may do more than this job needs (uses write-all permissions): set 'permissions: {}' at the top "
     "of the workflow and grant each job only what it uses"),
    ("ci.yml", "  pull_request:\n", "  pull_request_target:\n",
     "pull_request_target is almost always used insecurely: a pull request from a fork could run code with write "
     "permissions or secrets; use 'pull_request' instead"),
], ids=["checkout keeps the token", "write-all", "pull_request_target"])
def test_other_findings_name_file_line_and_fix(tmp_path: Path, name: str, old: str, new: str, expected: str) -> None:
    root, line = _copy(tmp_path, name, old, new)
    if not new:
        line -= 1  # the finding is on the checkout's `uses:` line, just above what was removed
    found = workflows.check(root)
    assert len(found) == 1 and found[0].startswith(f".github/workflows/{name}:{line}: "), found
    assert expected in found[0]


def test_a_workflow_zizmor_cannot_read_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUST_BACKTRACE", "1")  # zizmor then adds a stack trace, which is left out
    root, _ = _copy(tmp_path, "ci.yml", "    steps:\n", "    stepz:\n")
    found = workflows.check(root)
    assert len(found) == 1 and found[0].startswith(".github: zizmor could not check the workflows: "), found
    assert ".github/workflows/ci.yml" in found[0] and "'stepz' was unexpected" in found[0]
    assert "Stack backtrace" not in found[0]


def test_nothing_to_check_is_no_problem(tmp_path: Path) -> None:
    assert workflows.check(tmp_path) == []


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_action_is_pinned_with_its_version_and_debian_jobs_run_in_debian(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*(- )?uses:", line):
            assert PIN.match(line), f"{path.name}:{number}: want 'uses: owner/action@<40 hex> # vX.Y.Z': {line}"
    workflow = yaml.safe_load(text)
    for name, job in workflow["jobs"].items():
        runs = "\n".join(str(step.get("run", "")) for step in job["steps"])
        targets = {word for call in re.findall(r"(?:^|&&|;)\s*make\s+([^;&|#\n]+)", runs, re.M)
                   for word in call.split() if "=" not in word}
        if targets & DEBIAN_TARGETS or ".ci/run" in runs:
            assert (job.get("container") or {}).get("image") == "python:3.11-bookworm", \
                f"{path.name}: job {name} needs Debian's packages"
        if job.get("container"):
            first = job["steps"][0]["run"]
            assert all(f" {package}" in first for package in ("git", "make", "nodejs", "npm"))
            assert any("safe.directory" in str(step.get("run", "")) for step in job["steps"]), name
