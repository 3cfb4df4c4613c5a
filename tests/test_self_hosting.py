"""Self-hosting: an organisation's override file changes name, address and crisis contacts
everywhere, without touching the content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT


def test_contacts_replace_the_defaults_on_home_and_every_vignette(organisation_site: Path) -> None:
    pages = [organisation_site / "index.html"] + sorted((organisation_site / "vignettes").glob("*/index.html"))
    assert len(pages) >= 11
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Example crisis line" in text and "0800 000 0000" in text, page
        assert "Samaritans" not in text and "116 123" not in text, page


def test_sub_path_and_name_are_used_everywhere(organisation_site: Path) -> None:
    for page in organisation_site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
        assert canonical.startswith("https://intranet.example.nhs.uk/pod/"), page
        assert "Example NHS Foundation Trust" in text, page
        assert "pod-principles.github.io" not in text, page
    sitemap = (organisation_site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(loc.startswith("https://intranet.example.nhs.uk/pod/") for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap))


def test_content_is_the_same_as_the_default_build(organisation_site: Path, built_site: Path) -> None:
    def article(page: Path) -> str:
        text = page.read_text(encoding="utf-8")
        text = text[text.index('<article class="md-content__inner'): text.index('<aside class="page-meta"')]
        # The crisis contacts are the organisation's own (the test above checks them).
        return re.sub(r'<aside class="crisis-support".*?</aside>', "", text, flags=re.DOTALL)

    page = Path("principles/attunement/index.html")
    assert article(organisation_site / page) == article(built_site / page)


def test_offline_config_keeps_every_hook_and_plugin_of_the_main_one() -> None:
    """offline.yml restates the lists it extends (INHERIT replaces lists): keep them in step.
    It leaves out only hooks/precompress.py: opened from disk, nothing reads the Brotli files."""
    from tools.offline_zip import read_config

    main, offline = read_config(ROOT / "mkdocs.yml"), read_config(ROOT / "offline.yml")
    assert "hooks/precompress.py" in main["hooks"]
    assert offline["hooks"] == [h for h in main["hooks"] if h != "hooks/precompress.py"] + ["hooks/offline_shim.py"]
    assert offline["plugins"] == main["plugins"] + ["offline"]


def test_version_is_kept_in_one_place() -> None:
    from tools.offline_zip import version

    assert f'version: "{version()}"' in (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"## [{version()}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
