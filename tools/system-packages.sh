#!/usr/bin/env bash
# Install the Debian packages the browser tests need, if they are missing:
#   chromium  the browser Playwright drives (Playwright never downloads one here)
#   nginx     the web server the deployment tests run with deploy/nginx.conf
#   faketime  runs a build under another clock, for the reproducible-build test
# Run as root (CI is root); elsewhere it uses sudo when it needs to install.
set -euo pipefail
packages=(chromium nginx faketime)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
