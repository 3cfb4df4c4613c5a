"""Zip an offline build as dist/pod-practice-principles-VERSION-offline.zip (`make offline`).

The version comes from `extra.version` in mkdocs.yml, the one place it is kept. Run from the
command line (as `make offline` does, after `make pdf`), it refuses a site without the book
(the PDF that hooks/book_pdf.py adds to the site when dist/ holds it).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NAME = "pod-practice-principles"


class _Loader(yaml.SafeLoader):
    """Reads MkDocs YAML, ignoring tags such as !ENV."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def version() -> str:
    return str(read_config(ROOT / "mkdocs.yml")["extra"]["version"])


def make_zip(site: Path, out_dir: Path = ROOT / "dist") -> Path:
    out_dir.mkdir(exist_ok=True)
    folder = f"{NAME}-{version()}"
    target = out_dir / f"{folder}-offline.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder}/{path.relative_to(site).as_posix()}")
    return target


if __name__ == "__main__":
    book = f"{NAME}-{version()}.pdf"
    if not (Path(sys.argv[1]) / book).is_file():
        sys.exit(f"{sys.argv[1]} has no {book}: run `make pdf` before building the offline site (make offline does)")
    target = make_zip(Path(sys.argv[1]))
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB): unzip it and open index.html")
