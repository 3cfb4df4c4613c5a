# The two commands a newcomer needs (both set everything up first):
#   make serve   install, then serve the site on http://127.0.0.1:8000
#   make test    install, then run every test
# Other targets: make build, make check, make a11y, make bench.

PYTHON ?= python3
CONFIG ?= mkdocs.yml      # an organisation's override file, for example organisation.yml
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install system-packages serve build offline test check a11y bench csp lighthouse clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP) node_modules/.installed

# The iframe-worker shim for the offline build, pinned in package.json and package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --omit=dev --silent --no-audit --no-fund
	touch $@

# Debian's chromium for the browser tests (installed only if missing).
system-packages:
	bash tools/system-packages.sh

serve: $(STAMP)
	POD_SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --strict -f $(CONFIG) --dev-addr 127.0.0.1:8000

# Never add -q here: "mkdocs build --strict -q" hides warnings from the strict count.
# The site is built aside and moved into site/ only when the build succeeds.
build: $(STAMP)
	rm -rf site.partial
	$(BIN)/mkdocs build --strict -f $(CONFIG) --site-dir site.partial
	rm -rf site && mv site.partial site

# A zip of the site that works opened from disk (file://), search included.
offline: $(STAMP) node_modules/.installed
	rm -rf site-offline
	$(BIN)/mkdocs build --strict -f offline.yml --site-dir site-offline
	$(BIN)/python -m tools.offline_zip site-offline

check: $(STAMP)
	$(BIN)/python -m tools.check

test: $(STAMP) node_modules/.installed system-packages
	$(BIN)/python -m tools.check
	$(BIN)/python -m pytest

# Every accessibility check: the W3C Nu HTML checker over every page (a second engine beside
# axe-core; Java and the npm devDependency vnu-jar), then the browser tests that run axe-core
# and walk every page with the keyboard and the pointer. Too slow for every push: CI runs it
# weekly (.github/workflows/a11y.yml).
a11y: build
	bash tools/system-packages.sh a11y
	npm ci --silent --no-audit --no-fund
	$(BIN)/python -m tools.a11y site
	$(BIN)/python -m pytest tests/test_a11y_tool.py tests/browser/test_pages.py tests/browser/test_keyboard_and_pointer.py

# After a build: update the script hashes of the Content-Security-Policy in deploy/nginx.conf.
csp: build
	$(BIN)/python -m tools.csp site --write

# Lighthouse scores (mobile) against nginx with deploy/nginx.conf; installs Lighthouse first.
lighthouse: build system-packages
	npm ci --silent --no-audit --no-fund
	$(BIN)/python -m tools.lighthouse

bench: build
	$(BIN)/python -m tools.budget site
	$(BIN)/python -m tools.bench

clean:
	rm -rf site site.partial site-offline dist .pytest_cache
