"""Releases an organisation can deploy without building, and builds anyone can reproduce.

* The release workflow (.github/workflows/release.yml) calls only `make` targets that exist
  and that `make -n` accepts, and so does every other workflow.
* `make release` builds, verifies and packages into dist/ with SHA256SUMS, and two runs of
  it on the same files under different clocks, time zones and umasks (Debian's `faketime`)
  give byte-identical zips, sums and sites: every date comes from SOURCE_DATE_EPOCH, the
  last commit's time (tools/source_date.py), not from the clock. Each run is in its own
  copy of the working tree, committed at the project's SOURCE_DATE_EPOCH. The first run is
  the session's `release` fixture (tests/conftest.py), whose book tests/test_pdf.py reads.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import CLOCKS, ROOT, digests, make_release
from tools import offline_zip, release, source_date

WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def make_calls(workflow: dict) -> list[list[str]]:
    """Each `make ...` command in the workflow's run steps, as its words."""
    calls = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                for match in re.finditer(r"(?:^|&&|;)\s*make\s+([^;&|#]+)", line):
                    calls.append(match.group(1).split())
    return calls


def test_release_workflow_runs_on_version_tags_and_attaches_dist() -> None:
    workflow = _workflow(WORKFLOWS / "release.yml")
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}  # runs the project's tools
    assert workflow["jobs"]["publish"]["permissions"] == {"contents": "write"}  # runs only gh on dist/
    runs = "\n".join(str(step.get("run", "")) for job in workflow["jobs"].values() for step in job["steps"])
    assert ["release"] in make_calls(workflow)
    assert "tools.release --check-tag" in runs
    assert "tools.release --notes" in runs and "--notes-file" in runs
    assert re.search(r"gh release create \"\$GITHUB_REF_NAME\" dist/\*", runs)


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_every_make_target_a_workflow_calls_exists(path: Path) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for words in make_calls(_workflow(path)):
        targets = [w for w in words if "=" not in w and not w.startswith("-")]
        for target in targets:
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"{path.name}: make {target}: no such target"
        dry = subprocess.run(["make", "-n", *words], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert dry.returncode == 0, f"{path.name}: make -n {' '.join(words)}:\n{dry.stderr}"


def test_release_notes_are_the_changelog_entry_of_the_version() -> None:
    notes = release.notes(offline_zip.version())
    assert notes.strip() and not notes.startswith("## ")
    assert "### " in notes
    release.check_tag(f"v{offline_zip.version()}")
    with pytest.raises(SystemExit, match="does not match extra.version"):
        release.check_tag("v99.0.0")
    with pytest.raises(SystemExit, match=r"no '## \[99.0.0\]' section"):
        release.notes("99.0.0")


def test_sums_and_pdf(tmp_path: Path) -> None:
    (tmp_path / "b.zip").write_bytes(b"b")
    (tmp_path / "book.pdf").write_bytes(b"%PDF")
    pdf = release.add_pdf(None, tmp_path)
    assert pdf.name == f"pod-practice-principles-{offline_zip.version()}.pdf" and not (tmp_path / "book.pdf").exists()
    sums = release.write_sums(tmp_path).read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in sums]
    assert names == ["b.zip", f"pod-practice-principles-{offline_zip.version()}.pdf"]
    assert f"{hashlib.sha256(b'b').hexdigest()}  b.zip" in sums
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_source_date_comes_from_the_commit_or_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    commit = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert source_date.source_date_epoch(ROOT) == int(commit)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("x")
    (tmp_path / "mkdocs.yml").write_text("x")
    os.utime(tmp_path / "docs" / "index.md", (1_700_000_000, 1_700_000_000))
    os.utime(tmp_path / "mkdocs.yml", (1_600_000_000, 1_600_000_000))
    assert source_date.source_date_epoch(tmp_path) == 1_700_000_000  # outside git: the newest source file
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert source_date.source_date_epoch(tmp_path) == 1234567890


@pytest.mark.slow  # a second `make release` (the first is the session's `release` fixture)
def test_make_release_is_reproducible_under_different_clocks(release: Path, tmp_path: Path) -> None:
    epoch = os.environ["SOURCE_DATE_EPOCH"]
    commit_day = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    first = release / "copy"
    second = make_release(tmp_path, CLOCKS[1])
    dist = digests(first / "dist")
    assert dist == digests(second / "dist"), "dist/ differs between the two clocks"
    version = offline_zip.version()
    assert set(dist) >= {"SHA256SUMS", f"pod-practice-principles-{version}-site.zip",
                         f"pod-practice-principles-{version}-offline.zip"}
    trees = {folder: digests(first / folder) for folder in ("site", "site-offline")}
    for folder, tree in trees.items():
        assert tree == digests(second / folder), f"{folder}/ differs between the two clocks"
    # The dates come from the commit, not from either clock.
    sitemap = (first / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {commit_day}
    with gzip.open(first / "site" / "sitemap.xml.gz") as opened:
        assert opened.read().decode() == sitemap
    # The site zip, which organisations serve, keeps the Brotli copies nginx sends; the offline one has none.
    with zipfile.ZipFile(first / "dist" / f"pod-practice-principles-{version}-site.zip") as opened:
        assert any(name.endswith("/principles/attunement/index.html.br") for name in opened.namelist())
    with zipfile.ZipFile(first / "dist" / f"pod-practice-principles-{version}-offline.zip") as opened:
        names = opened.namelist()
        assert not [name for name in names if name.endswith(".br")]
        assert names == sorted(names, key=lambda n: n)
        stamps = {info.date_time for info in opened.infolist()}
    even = int(epoch) - int(epoch) % 2  # zip keeps seconds in steps of two
    assert stamps == {tuple(datetime.datetime.fromtimestamp(even, datetime.timezone.utc).timetuple()[:6])}
    print(f"\nmake release under {CLOCKS[0][0]} ({CLOCKS[0][1]}) and {CLOCKS[1][0]} ({CLOCKS[1][1]}): "
          f"dist/ {len(dist)} files identical (SHA256SUMS {dist['SHA256SUMS'][:12]}), "
          f"site/ {len(trees['site'])} and site-offline/ {len(trees['site-offline'])} files identical; "
          f"every date is {commit_day} (SOURCE_DATE_EPOCH={epoch})")
