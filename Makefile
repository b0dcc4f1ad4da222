# Two commands on a fresh machine: `make serve` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test bench chromium clean pins

# Python tools (every file checked against its pinned SHA-256, pip and setuptools included),
# then the jptrack package (editable, built with those pinned tools), again when the pins change.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After changing a pin in requirements.txt: write every pin's hashes from PyPI's index.
pins:
	$(PY) .ci/pin_hashes.py requirements.txt

# The pinned Pyodide runtime the site serves itself.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.package-lock.json

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# Every language of mkdocs.yml's extra.languages, English first (it empties site/), each
# other one into site/<lang>/ (hooks/languages.py).
LANGUAGES = $(shell $(PY) hooks/languages.py 2>/dev/null || echo en)

build: setup
	@for lang in $(LANGUAGES); do echo "== $$lang"; SITE_LANG=$$lang $(VENV)/bin/mkdocs build --strict || exit 1; done

# Every language, built and served as one site (no live reload); `make serve LANG=ja`
# serves one language with live reload, as mkdocs serve does (faster while writing).
ifeq ($(origin LANG),command line)
serve: setup
	SITE_LANG=$(LANG) $(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST)
else
serve: build
	$(PY) -m http.server --bind $(firstword $(subst :, ,$(HOST))) --directory site $(lastword $(subst :, ,$(HOST)))
endif

test: setup chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup chromium
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf site .pytest_cache
