"""Zip an offline build as dist/pod-practice-principles-VERSION-offline.zip (`make offline`).

The version comes from `extra.version` in mkdocs.yml, the one place it is kept. Run from the
command line (as `make offline` does, after `make pdf`), it refuses a site without the book
(the PDF that hooks/book_pdf.py adds to the site when dist/ holds it).
The zip is reproducible: files in sorted order, each stamped with SOURCE_DATE_EPOCH (the
last commit's time, see tools/source_date.py) and the same permissions, so the same commit
gives the same bytes on any machine on any day. `make release` zips the site with it too.
"""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path

import yaml

from hooks.book_pdf import NAME, book_file_name
from tools.source_date import source_date_epoch

ROOT = Path(__file__).resolve().parent.parent


class _Loader(yaml.SafeLoader):
    """Reads MkDocs YAML, ignoring tags such as !ENV."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def version() -> str:
    return str(read_config(ROOT / "mkdocs.yml")["extra"]["version"])


def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """The date and time every file in the zip carries: SOURCE_DATE_EPOCH, in UTC, to the
    even second below (zip keeps seconds in steps of two, and no date before 1980)."""
    epoch = source_date_epoch()
    return max(time.gmtime(epoch - epoch % 2)[:6], (1980, 1, 1, 0, 0, 0))


def make_zip(site: Path, out_dir: Path = ROOT / "dist", kind: str = "offline", folder: str | None = None) -> Path:
    """Zip `site` as out_dir/NAME-VERSION-KIND.zip, its files inside one folder
    (NAME-VERSION unless `folder` says otherwise)."""
    out_dir.mkdir(exist_ok=True)
    folder = folder or f"{NAME}-{version()}"
    target = out_dir / f"{NAME}-{version()}-{kind}.zip"
    stamp = zip_timestamp()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*"), key=lambda p: p.relative_to(site).as_posix()):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site).as_posix()}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the permissions below are read the same everywhere
                info.external_attr = 0o100644 << 16
                archive.writestr(info, path.read_bytes(), compresslevel=9)
    return target


def book_name() -> str:
    """The book's file name for this version (hooks/book_pdf.py makes it)."""
    return book_file_name(version())


if __name__ == "__main__":
    book = book_name()
    if not (Path(sys.argv[1]) / book).is_file():
        sys.exit(f"{sys.argv[1]} has no {book}: run `make pdf` before building the offline site (make offline does)")
    target = make_zip(Path(sys.argv[1]))
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB): unzip it and open index.html")
