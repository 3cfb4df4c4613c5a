"""hooks/prune_css.py: one pruned stylesheet per site (unit and end to end; the browser
comparison of pruned and unpruned pages is tests/browser/test_pruned_css.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from conftest import ROOT, mkdocs
from hooks import prune_css

SHEETS = ["assets/stylesheets/main.1234abcd.min.css", "assets/stylesheets/palette.5678abcd.min.css",
          "stylesheets/extra.css"]
HEAD = ('<link rel="stylesheet" href="{p}assets/stylesheets/main.1234abcd.min.css">\n'
        '<link rel="stylesheet" href="{p}assets/stylesheets/palette.5678abcd.min.css">\n'
        '<link rel="stylesheet" href="{p}stylesheets/extra.css">\n')


def test_relink_points_a_nested_page_at_the_combined_file() -> None:
    html = "<head>\n" + HEAD.format(p="../../") + '<link rel="icon" href="../../images/favicon.svg">\n</head>'
    out = prune_css.relink(html, "principles/attunement/index.html", SHEETS, "assets/stylesheets/site.00ff00ff.min.css")
    assert re.findall(r'rel="stylesheet" href="([^"]+)"', out) == ["../../assets/stylesheets/site.00ff00ff.min.css"]
    assert 'rel="icon"' in out


def test_relink_keeps_absolute_links_under_the_site_path() -> None:
    html = HEAD.format(p="/pod/")
    out = prune_css.relink(html, "404.html", SHEETS, "assets/stylesheets/site.00ff00ff.min.css", base="/pod/")
    assert re.findall(r'href="([^"]+)"', out) == ["/pod/assets/stylesheets/site.00ff00ff.min.css"]


def test_relink_refuses_a_page_with_only_some_of_the_stylesheets() -> None:
    html = HEAD.format(p="").replace('<link rel="stylesheet" href="stylesheets/extra.css">\n', "")
    with pytest.raises(PluginError, match="index.html: links the stylesheets"):
        prune_css.relink(html, "index.html", SHEETS, "assets/stylesheets/site.00ff00ff.min.css")


def test_lost_variables_are_those_still_used_but_no_longer_defined() -> None:
    original = "[data-md-color-scheme=slate]{--md-hue:232;--md-bg:hsla(var(--md-hue),15%,14%,1)}:root{--unused:1}"
    pruned = "[data-md-color-scheme=slate]{--md-bg:hsla(var(--md-hue),15%,14%,1)}body{color:var(--md-tooltip-x)}"
    assert prune_css.lost_variables(original, pruned) == {"--md-hue"}  # --md-tooltip-x is set by script


def test_unused_components_follow_the_configuration(tmp_path: Path) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert prune_css.unused_components(config) == ["md-annotation", "md-version", "md-tag", "md-dialog"]
    config.theme["features"] = [*config.theme["features"], "content.code.annotate", "content.code.copy"]
    assert prune_css.unused_components(config) == ["md-version", "md-tag"]


def _with_prune_hook(site: Path) -> None:
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"].append("hooks/prune_css.py")
    config["extra_css"] = ["stylesheets/extra.css"]
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (site / "docs" / "stylesheets").mkdir(exist_ok=True)
    (site / "docs" / "stylesheets" / "extra.css").write_text(
        ".used-by-a-page { color: #123456; }\n.used-by-nothing { color: #654321; }\n", encoding="utf-8")
    page = next((site / "docs").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + '\n<p class="used-by-a-page">Styled.</p>\n', encoding="utf-8")
    (site / "purgecss.config.cjs").write_text((ROOT / "purgecss.config.cjs").read_text(encoding="utf-8"))


def test_a_fixture_site_gets_one_pruned_stylesheet(fixture_site: Path) -> None:
    _with_prune_hook(fixture_site)
    (fixture_site / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    out = fixture_site.parent / "out"
    # -f with a relative path, as the Makefile runs it: PurgeCSS runs in the site folder.
    result = mkdocs("build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(out), cwd=fixture_site)
    assert result.returncode == 0, result.stderr
    css = list((out / "assets" / "stylesheets").glob("site.*.min.css"))
    assert len(css) == 1 and re.fullmatch(r"site\.[0-9a-f]{8}\.min\.css", css[0].name)
    assert not list((out / "assets" / "stylesheets").glob("main.*"))  # the linked originals are gone
    text = css[0].read_text(encoding="utf-8")
    assert ".used-by-a-page" in text and ".used-by-nothing" not in text
    assert ".md-annotation" not in text and ".md-search-result" in text  # search results come from script
    assert not (out / "stylesheets" / "extra.css").exists()
    for page in out.rglob("*.html"):
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page.read_text(encoding="utf-8"))
        assert len(links) == 1 and links[0].endswith(css[0].name), (page, links)


def test_without_purgecss_the_build_stops_and_says_what_to_do(fixture_site: Path) -> None:
    _with_prune_hook(fixture_site)  # no node_modules beside this site
    out = fixture_site.parent / "out"
    result = mkdocs("build", "--strict", "--site-dir", str(out), cwd=fixture_site)
    assert result.returncode != 0
    assert "PurgeCSS is not installed" in result.stderr and "make install" in result.stderr
