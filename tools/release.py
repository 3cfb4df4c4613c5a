"""Assemble a release in dist/: what `make release` and .github/workflows/release.yml attach.

    python -m tools.release SITE OFFLINE_SITE   zip both builds into dist/
    python -m tools.release --add-pdf [PATH]    add the PDF edition (PATH, or the one PDF in dist/)
    python -m tools.release --sums              write dist/SHA256SUMS for every file in dist/
    python -m tools.release --notes VERSION     print that version's CHANGELOG.md entry
    python -m tools.release --check-tag TAG     fail unless TAG is "v" + extra.version

The zips are reproducible (see tools/offline_zip.py), so anyone can rebuild a tagged commit
with `make release` and compare SHA256SUMS with the published one.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

from tools.offline_zip import NAME, ROOT, book_name, make_zip, version

DIST = ROOT / "dist"
SUMS = "SHA256SUMS"


def zip_builds(site: Path, offline: Path, dist: Path = DIST) -> list[Path]:
    for folder, what in ((site, "site"), (offline, "offline site")):
        if not (folder / "index.html").is_file():
            raise SystemExit(f"tools/release.py: {folder} holds no built {what} (no index.html): build it first")
    return [make_zip(site, dist, kind="site", folder=f"{NAME}-{version()}-site"),
            make_zip(offline, dist, kind="offline")]


def add_pdf(path: Path | None, dist: Path = DIST) -> Path:
    target = dist / book_name()
    if path is None:
        found = [p for p in sorted(dist.glob("*.pdf")) if p != target]
        if target.is_file() and not found:
            return target
        if len(found) != 1:
            raise SystemExit(f"tools/release.py: expected one PDF in {dist} after `make pdf`, found {len(found)}; "
                             "pass its path: python -m tools.release --add-pdf PATH")
        path = found[0]
    if not path.is_file():
        raise SystemExit(f"tools/release.py: no PDF at {path}")
    if path.resolve() != target.resolve():
        shutil.copyfile(path, target)
        if path.parent.resolve() == dist.resolve():
            path.unlink()
    return target


def write_sums(dist: Path = DIST) -> Path:
    """SHA256SUMS in the format `sha256sum -c SHA256SUMS` reads, one line per file, sorted."""
    files = sorted(p for p in dist.iterdir() if p.is_file() and p.name != SUMS)
    if not files:
        raise SystemExit(f"tools/release.py: nothing in {dist} to sum: run make release")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in files]
    target = dist / SUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def notes(wanted: str, changelog: Path = ROOT / "CHANGELOG.md") -> str:
    """The body of the `## [VERSION]` section of the changelog, without its heading."""
    text = changelog.read_text(encoding="utf-8")
    heading = re.compile(r"^## \[(?P<version>[^\]]+)\].*$", re.MULTILINE)
    sections = list(heading.finditer(text))
    for number, match in enumerate(sections):
        if match.group("version") == wanted:
            end = sections[number + 1].start() if number + 1 < len(sections) else len(text)
            return text[match.end():end].strip() + "\n"
    raise SystemExit(f"CHANGELOG.md: no '## [{wanted}]' section: add the release's entry before tagging v{wanted}")


def check_tag(tag: str) -> None:
    if tag != f"v{version()}":
        raise SystemExit(f"tag {tag!r} does not match extra.version {version()!r} in mkdocs.yml: "
                         f"tag v{version()}, or change extra.version (and CHANGELOG.md, CITATION.cff) first")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builds", nargs="*", type=Path, help="SITE and OFFLINE_SITE folders to zip")
    parser.add_argument("--add-pdf", nargs="?", const="", default=None, metavar="PATH")
    parser.add_argument("--sums", action="store_true")
    parser.add_argument("--notes", metavar="VERSION")
    parser.add_argument("--check-tag", metavar="TAG")
    args = parser.parse_args(argv)
    if args.check_tag:
        check_tag(args.check_tag)
    if args.notes:
        sys.stdout.write(notes(args.notes))
    if args.builds:
        if len(args.builds) != 2:
            parser.error("give two folders: the site and the offline site")
        for path in zip_builds(*args.builds):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if args.add_pdf is not None:
        print(f"wrote {add_pdf(Path(args.add_pdf) if args.add_pdf else None)}")
    if args.sums:
        target = write_sums()
        print(target.read_text(encoding="utf-8"), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
