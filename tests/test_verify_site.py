"""`make verify-site DIR=path` (tools/verify_site.py): the guard outside the build.

It must pass on the real build and fail, naming pages and raw citations, on a site built
without any of our code: a builder that skips hooks and plugins, with a configuration that
does not list the citations extensions. That build is simulated here by a full copy of
mkdocs.yml without `hooks:`, the `citations` plugin and the `markdown_citations` extensions
(INHERIT cannot remove list items).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, mkdocs
from tools import verify_site

STAMPS = ("-o", ".venv/.installed")  # use the installed environment; never reinstall it here


def make_verify_site(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *STAMPS, "verify-site", f"DIR={folder}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


class _EnvLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, taking each `!ENV [NAME, default]` at its default."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def _named(item: object) -> str:
    return item if isinstance(item, str) else next(iter(item))  # type: ignore[call-overload]


def config_without_our_code() -> dict:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    config.pop("hooks")
    config["plugins"] = [p for p in config["plugins"] if _named(p) not in ("citations", "bibtex")]
    config["markdown_extensions"] = [e for e in config["markdown_extensions"]
                                     if not _named(e).startswith("markdown_citations")]
    return config


@pytest.fixture(scope="module")
def hookless_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = config_without_our_code()
    original = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    assert set(original) - set(config) == {"hooks"} and len(config["plugins"]) == len(original["plugins"]) - 1
    assert len(config["markdown_extensions"]) == len(original["markdown_extensions"]) - 2
    out = tmp_path_factory.mktemp("hookless") / "site"
    # The copy sits beside mkdocs.yml so that every relative path in it means the same.
    config_file = ROOT / f".test-hookless-{out.parent.name}.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        # Not --strict: a builder that skips the hooks does not stop on what they would catch.
        result = mkdocs("build", "-f", config_file.name, "--site-dir", str(out), cwd=ROOT)
    finally:
        config_file.unlink()
    assert result.returncode == 0, result.stderr
    return out


def test_verify_site_fails_on_a_build_without_our_code(hookless_site: Path) -> None:
    result = make_verify_site(hookless_site)
    print("\n" + result.stdout)
    assert result.returncode != 0
    out = result.stdout
    assert f"{hookless_site}/principles/attunement/index.html: " in out
    assert "raw citation(s) left as text: '[-@hendy2023]'" in out
    written = set(re.findall(r"\[[^\[\]]*@[^\[\]]*\]", (ROOT / "docs" / "principles" / "attunement.md").read_text(encoding="utf-8")))
    named = set(re.findall(r"'(\[[^']*@[^']*\])'", out.split("principles/attunement/index.html: ", 1)[1].split("\n", 1)[0]))
    assert named and named <= written, f"raw citations named {sorted(named)} are not as written in attunement.md"
    assert "no References section" in out
    assert f"{hookless_site}/references/index.html: no site-wide list of references" in out
    assert "verify-site: FAILED:" in out and "the citation plugin and hooks did not run" in out


def test_verify_site_passes_on_the_real_build(built_site: Path) -> None:
    result = make_verify_site(built_site)
    print("\n" + result.stdout)
    assert result.returncode == 0, result.stdout
    assert f"verify-site: {built_site} OK:" in result.stdout
    keys = verify_site.bib_keys(ROOT / "references.bib")
    assert f"{len(keys)} of {len(keys)} references.bib entries listed" in result.stdout


def test_make_verify_site_without_a_folder_says_how_to_use_it() -> None:
    result = subprocess.run(["make", "--no-print-directory", *STAMPS, "verify-site"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "usage: make verify-site DIR=" in result.stdout


PAGE = ('<html><body><article><h1 id="t">T</h1><p>{body}</p>{references}</article>'
        '<pre><code>[@example2020] in code is fine</code></pre></body></html>')
REFERENCES = ('<h2 id="references">References</h2><div class="footnote"><ol>'
              '<li id="fn:mead2014"><p>Mead, S. (2014).</p></li></ol></div>')
CITE = ('<span class="citation" data-cites="mead2014">(<a id="fnref:mead2014" href="#fn:{target}" '
        'class="footnote-ref">Mead, 2014</a>)</span>')


def _site(tmp_path: Path, body: str, references: str = REFERENCES, listed: tuple[str, ...] = ("mead2014",)) -> Path:
    site = tmp_path / "site"
    (site / "page").mkdir(parents=True)
    (site / "page" / "index.html").write_text(PAGE.format(body=body, references=references), encoding="utf-8")
    (site / "references").mkdir()
    items = "".join(f'<li id="ref-{key}" class="csl-entry"></li>' for key in listed)
    (site / "references" / "index.html").write_text(f'<ul class="references-all">{items}</ul>', encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@book{mead2014,\n  title = {T},\n}\n@misc{olson2014,\n  title = {U},\n}\n")
    return site


@pytest.mark.parametrize(("body", "references", "listed", "expected"), [
    (CITE.format(target="mead2014"), REFERENCES, ("mead2014", "olson2014"), None),
    ("As [see @mead2014, p. 3] says", REFERENCES, ("mead2014", "olson2014"), "page/index.html: 1 raw citation(s) left as text: '[see @mead2014, p. 3]'"),
    ("Seikkula [-@seikkula2008] says", REFERENCES, ("mead2014", "olson2014"), "raw citation(s) left as text: '[-@seikkula2008]'"),
    ("a note[^1]", REFERENCES, ("mead2014", "olson2014"), "raw citation(s) left as text: '[^1]'"),
    ("(Mead, 2014; seikula2008?)", REFERENCES, ("mead2014", "olson2014"), None),
    ("(seikula2008?)", REFERENCES, ("mead2014", "olson2014"), "pandoc could not find these keys (it wrote '(key?)'): seikula2008"),
    ("(why?) is a question", REFERENCES, ("mead2014", "olson2014"), None),
    (CITE.format(target="mead2041"), REFERENCES, ("mead2014", "olson2014"), "citation links to anchors that are not on the page: #fn:mead2041"),
    (CITE.format(target="mead2014"), "", ("mead2014", "olson2014"), "the page cites works but has no 'References' section"),
    (CITE.format(target="mead2014"), REFERENCES, ("mead2014",), "references/index.html: References page does not list 1 entry of references.bib: olson2014"),
])
def test_verify_site_names_page_and_problem(tmp_path: Path, body: str, references: str, listed: tuple[str, ...],
                                            expected: str | None) -> None:
    site = _site(tmp_path, body, references, listed)
    report = verify_site.verify(site, tmp_path / "refs.bib")
    if expected is None:
        assert report.problems == []
    else:
        assert any(expected in problem for problem in report.problems), report.problems
