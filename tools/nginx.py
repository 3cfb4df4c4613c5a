"""Run Debian's nginx on 127.0.0.1 with deploy/nginx.conf itself, serving a built site.

Used by the deployment tests and by `make lighthouse`. Only the two lines the file marks
"local" change (address and folder); nginx's workers read a world-readable copy of the site.
The main configuration written here loads Debian's Brotli module (libnginx-mod-http-brotli-static,
tools/system-packages.sh), which deploy/nginx.conf's `brotli_static on;` needs.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
# By its full path: Debian's modules-enabled/*.conf name it relative to nginx's prefix, which
# is the temporary folder here.
BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Yield the URL of nginx serving `site` with deploy/nginx.conf; stop it afterwards."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is missing: install Debian's nginx (make test does)")
    if not Path(BROTLI_MODULE).exists():
        raise RuntimeError(f"{BROTLI_MODULE} is missing: install Debian's libnginx-mod-http-brotli-static "
                           "(make test does), which deploy/nginx.conf's brotli_static needs")
    work = Path(tempfile.mkdtemp(prefix="pod-nginx-"))
    work.chmod(0o755)
    shutil.copytree(site, work / "site")
    port = free_port()
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    server, listens = re.subn(r"listen [^;]+;(\s+# local)", rf"listen 127.0.0.1:{port};\1", server)
    server, roots = re.subn(r"root [^;]+;(\s+# local)", rf"root {work / 'site'};\1", server)
    if listens != 1 or roots != 1:
        raise RuntimeError("deploy/nginx.conf must mark exactly one listen and one root line '# local'")
    (work / "site.conf").write_text(server, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {work};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(
        f"load_module {BROTLI_MODULE};\n"
        f"daemon off;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; types {{ application/x-bibtex bib; }} access_log off; {temp}\n"
        f"  include {work}/site.conf;\n}}\n", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")])
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work)
