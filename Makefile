# The two commands a newcomer needs (both set everything up first):
#   make serve   install, then serve the site on http://127.0.0.1:8000
#   make test    install, then run every test
# While editing: make check (seconds, no build) and make test-fast (no browser, about a minute).
# Other targets: make build, make pdf, make a11y, make bench, make offline, make search-eval,
#   make release, make verify-site DIR=path, make build-properdocs, make zensical.

PYTHON ?= python3
CONFIG ?= mkdocs.yml      # an organisation's override file, for example organisation.yml
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: every date a build writes (the sitemap's lastmod, the offline zip's
# timestamps) comes from the last commit, not from the clock (tools/source_date.py says how
# it is found outside git). Set SOURCE_DATE_EPOCH yourself to override it.
ifndef SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH := $(shell $(PYTHON) tools/source_date.py)
endif
export SOURCE_DATE_EPOCH
# ProperDocs, the second builder (a maintained fork of MkDocs 1.6), in its own environment.
PROPERDOCS_VENV := .venv-properdocs
PROPERDOCS_STAMP := $(PROPERDOCS_VENV)/.installed
# Zensical, the third: it runs our Markdown extensions only (tests/test_zensical.py).
ZENSICAL_VENV := .venv-zensical
ZENSICAL_STAMP := $(ZENSICAL_VENV)/.installed
# The tests run on every core (pytest-xdist); each test module stays on one worker, so that its
# module-scoped builds are made once, and the session's builds are shared (tests/conftest.py).
PYTEST_PARALLEL := -n auto --dist loadscope

.PHONY: install system-packages engines serve build pdf offline site-offline test test-fast check a11y bench \
	search-eval csp lighthouse clean clean-dist properdocs build-properdocs zensical verify-site release

# A virtual environment in $(1) with the exact pins of $(2) and this project's package
# (markdown_citations, editable: pyproject.toml). --no-compile: Python compiles each module
# the first time it is imported, rather than every module of every package at install.
define make-venv
	$(PYTHON) -m venv $(1)
	$(1)/bin/pip install --quiet --disable-pip-version-check --no-compile -r $(2)
	$(1)/bin/pip install --quiet --disable-pip-version-check --no-compile --no-deps --no-build-isolation -e .
	touch $(1)/.installed
endef

$(STAMP): requirements.txt pyproject.toml
	$(call make-venv,$(VENV),requirements.txt)

install: $(STAMP) node_modules/.installed

$(PROPERDOCS_STAMP): requirements-properdocs.txt pyproject.toml
	$(call make-venv,$(PROPERDOCS_VENV),requirements-properdocs.txt)

# The ProperDocs environment (the tests compare its build with MkDocs's).
properdocs: $(PROPERDOCS_STAMP)

$(ZENSICAL_STAMP): requirements-zensical.txt pyproject.toml
	$(call make-venv,$(ZENSICAL_VENV),requirements-zensical.txt)

# The Zensical environment (a test builds our pages with it and checks every citation).
zensical: $(ZENSICAL_STAMP)

# The same site built with ProperDocs instead of MkDocs, into site-properdocs/.
build-properdocs: $(PROPERDOCS_STAMP) node_modules/.installed
	rm -rf site-properdocs
	$(PROPERDOCS_VENV)/bin/properdocs build --strict -f $(CONFIG) --site-dir site-properdocs
	$(BIN)/python -m tools.verify_site site-properdocs

# Node packages, pinned in package.json and package-lock.json: PurgeCSS (every build prunes the
# CSS with it, hooks/prune_css.py) and the iframe-worker shim for the offline build.
# `make a11y` and `make lighthouse` install the devDependencies too (a superset), and touch
# the same stamp, so that the next build does not reinstall.
node_modules/.installed: package.json package-lock.json
	npm ci --omit=dev --silent --no-audit --no-fund
	touch $@

# Debian's chromium, nginx, faketime and poppler-utils (installed only if missing); `engines`
# adds Firefox and WebKitGTK for the browser tests.
system-packages:
	bash tools/system-packages.sh

engines:
	bash tools/system-packages.sh engines

serve: $(STAMP)
	POD_SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --strict -f $(CONFIG) --dev-addr 127.0.0.1:8000

# Never add -q here: "mkdocs build --strict -q" hides warnings from the strict count.
# The site is built aside and moved into site/ only when the build succeeds.
build: $(STAMP) node_modules/.installed
	rm -rf site.partial
	$(BIN)/mkdocs build --strict -f $(CONFIG) --site-dir site.partial
	rm -rf site && mv site.partial site

# The book edition: the whole site as one tagged, accessible PDF, printed by Debian's chromium,
# in dist/pod-practice-principles-VERSION.pdf. `make pdf build` publishes it with the site (the
# home and training pages then link to it); a plain `make build` leaves it out, and stays fast.
# `make pdf BOOK_HTML=book.html` also keeps the HTML the book is printed from, to inspect it.
pdf: $(STAMP) node_modules/.installed system-packages
	$(BIN)/python -m tools.pdf --config $(CONFIG)$(if $(BOOK_HTML), --keep-html $(BOOK_HTML))

# The site as files that work opened from disk (file://), search included, in site-offline/.
site-offline: $(STAMP) node_modules/.installed
	rm -rf site-offline
	$(BIN)/mkdocs build --strict -f offline.yml --site-dir site-offline
	$(BIN)/python -m tools.verify_site site-offline

# A zip of the offline site, with the book in it.
offline: pdf site-offline
	$(BIN)/python -m tools.offline_zip site-offline

check: $(STAMP)
	$(BIN)/python -m tools.check --config $(strip $(CONFIG))

# The three environments, the npm packages and the browsers are installed side by side (-j).
test:
	$(MAKE) --no-print-directory -j4 $(STAMP) $(PROPERDOCS_STAMP) $(ZENSICAL_STAMP) node_modules/.installed engines
	$(BIN)/python -m tools.check
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Every test that needs no browser, no Debian package and no second environment (pytest
# markers `browser` and `slow`, tests/conftest.py): the loop to run while editing.
test-fast: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not browser and not slow"

# Every accessibility check: the W3C Nu HTML checker over every page (a second engine beside
# axe-core; Java and the npm devDependency vnu-jar), then the browser tests that run axe-core
# and walk every page with the keyboard and the pointer (`make test` walks the pages that hold
# every kind of element: tests/conftest.py, walked_pages). Too slow for every push: CI runs it
# weekly (.github/workflows/a11y.yml). Then the walk of every page in Firefox and WebKit too,
# and the pixels of every page with the pruned CSS and without it (pytest -m walk,
# tests/browser/test_engines.py and test_pruned_css.py).
a11y: build
	bash tools/system-packages.sh a11y
	npm ci --silent --no-audit --no-fund
	touch node_modules/.installed
	$(BIN)/python -m tools.a11y site
	POD_EVERY_PAGE=1 $(BIN)/python -m pytest tests/test_a11y_tool.py tests/browser/test_pages.py tests/browser/test_keyboard_and_pointer.py
	$(BIN)/python -m pytest -m walk tests/browser/test_engines.py tests/browser/test_pruned_css.py

# After a build: update the script hashes of the Content-Security-Policy in deploy/nginx.conf.
csp: build
	$(BIN)/python -m tools.csp site --write

# Lighthouse scores (mobile) against nginx with deploy/nginx.conf; installs Lighthouse first.
lighthouse: build system-packages
	npm ci --silent --no-audit --no-fund
	touch node_modules/.installed
	$(BIN)/python -m tools.lighthouse

# Check a built site folder without the hooks: no raw citation left, every citation link
# resolves, every page that cites has its References, the References page lists every
# entry of references.bib. Exits non-zero naming the page and the problem.
verify-site: $(STAMP)
	@test -n "$(DIR)" || { echo "usage: make verify-site DIR=path/to/built/site"; exit 2; }
	$(BIN)/python -m tools.verify_site $(DIR)

# What a release attaches, built from this commit into dist/: the site as a zip, the
# offline zip, the PDF edition and SHA256SUMS; both builds pass verify-site first. The
# release workflow (.github/workflows/release.yml) runs exactly this.
# Prerequisites run in order: dist/ emptied, then the PDF (so that the site and the offline
# zip carry it and the home and training pages link to it), then the two builds.
release: clean-dist pdf build site-offline
	$(BIN)/python -m tools.verify_site site
	$(BIN)/python -m tools.release site site-offline
	$(BIN)/python -m tools.release --add-pdf
	$(BIN)/python -m tools.release --sums

clean-dist:
	rm -rf dist

bench: build
	$(BIN)/python -m tools.budget site
	$(BIN)/python -m tools.bench

# How well the site's own search answers readers' questions (tests/search_questions.yml), typed
# into the built site's search box in Chromium: the share found in the first three results and
# the mean reciprocal rank, for the tuning questions and the held-out ones.
# On an existing build: .venv/bin/python -m tools.search_eval site --held-out
search-eval: build system-packages
	$(BIN)/python -m tools.search_eval site --held-out

clean:
	rm -rf site site.partial site-offline site-properdocs dist .pytest_cache
