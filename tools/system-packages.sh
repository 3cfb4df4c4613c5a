#!/usr/bin/env bash
# Install the Debian packages the browser tests need, if they are missing:
#   chromium  the browser that prints the book (tools/pdf.py) and Lighthouse runs
#   chromium-headless-shell  the same engine without its user interface, which Playwright
#             drives in the browser tests (Playwright never downloads a browser here)
#   nginx     the web server the deployment tests run with deploy/nginx.conf
#   libnginx-mod-http-brotli-static  nginx's Brotli module, for deploy/nginx.conf's brotli_static
#   faketime  runs a build under another clock, for the reproducible-build test
#   poppler-utils  pdftotext, which reads the book's text layer as copy and search do
# with the argument "engines" (make test, make a11y), the other two browser engines
# (tests/browser/engines.py):
#   firefox-esr        Firefox, driven over WebDriver BiDi
#   webkit2gtk-driver  WebKitWebDriver and WebKitGTK's MiniBrowser (WebKit, Safari's engine)
#   xvfb, xauth        the virtual display MiniBrowser draws on (xvfb-run)
# and, with the argument "a11y" (make a11y; it implies "engines"), Java for the W3C Nu HTML
# checker:
#   default-jre-headless  (skipped when a `java` is already on the PATH)
# Run as root (CI is root); elsewhere it uses sudo when it needs to install.
set -euo pipefail
packages=(chromium chromium-headless-shell nginx libnginx-mod-http-brotli-static faketime poppler-utils)
case "${1:-}" in engines|a11y) packages+=(firefox-esr webkit2gtk-driver xvfb xauth) ;; esac
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${1:-}" = a11y ] && ! command -v java >/dev/null 2>&1; then
  missing+=(default-jre-headless)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
