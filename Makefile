# The two commands a newcomer needs (both set everything up first):
#   make serve   install, then serve the site on http://127.0.0.1:8000
#   make test    install, then run every test
# Other targets: make build, make pdf, make check, make bench.

PYTHON ?= python3
CONFIG ?= mkdocs.yml      # an organisation's override file, for example organisation.yml
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install system-packages serve build pdf offline test check bench csp lighthouse clean

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

# The book edition: the whole site as one tagged, accessible PDF, printed by Debian's chromium,
# in dist/pod-practice-principles-VERSION.pdf. `make pdf build` publishes it with the site (the
# home and training pages then link to it); a plain `make build` leaves it out, and stays fast.
pdf: $(STAMP) system-packages
	$(BIN)/python -m tools.pdf --config $(CONFIG)

# A zip of the site that works opened from disk (file://), search included, and the book.
offline: $(STAMP) node_modules/.installed pdf
	rm -rf site-offline
	$(BIN)/mkdocs build --strict -f offline.yml --site-dir site-offline
	$(BIN)/python -m tools.offline_zip site-offline

check: $(STAMP)
	$(BIN)/python -m tools.check --config $(strip $(CONFIG))

test: $(STAMP) node_modules/.installed system-packages
	$(BIN)/python -m tools.check
	$(BIN)/python -m pytest

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
