# The two commands a newcomer needs (both set everything up first):
#   make serve   install, then serve the site on http://127.0.0.1:8000
#   make test    install, then run every test
# Other targets: make build, make check, make bench.

PYTHON ?= python3
CONFIG ?= mkdocs.yml      # an organisation's override file, for example organisation.yml
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install system-packages serve build test check bench csp clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (installed only if missing).
system-packages:
	bash tools/system-packages.sh

serve: $(STAMP)
	$(BIN)/mkdocs serve --strict -f $(CONFIG) --dev-addr 127.0.0.1:8000

# Never add -q here: "mkdocs build --strict -q" hides warnings from the strict count.
# The site is built aside and moved into site/ only when the build succeeds.
build: $(STAMP)
	rm -rf site.partial
	$(BIN)/mkdocs build --strict -f $(CONFIG) --site-dir site.partial
	rm -rf site && mv site.partial site

check: $(STAMP)
	$(BIN)/python -m tools.check

test: $(STAMP) system-packages
	$(BIN)/python -m tools.check
	$(BIN)/python -m pytest

# After a build: update the script hashes of the Content-Security-Policy in deploy/nginx.conf.
csp: build
	$(BIN)/python -m tools.csp site --write

bench: $(STAMP)
	$(BIN)/python -m tools.bench

clean:
	rm -rf site site.partial .pytest_cache
