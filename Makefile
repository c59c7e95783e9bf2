# Every target bootstraps what it needs: `make serve` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
AXE_CORE_VERSION := 4.10.3
AXE    := .cache/axe/node_modules/axe-core

.PHONY: install browser-deps test lint verify-examples site serve bench clean

install: $(STAMP)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[verify,site,test,collect]'
	@touch $(STAMP)

# The browser tests drive Debian's Chromium (playwright's own browser download is not used) and inject axe-core
# (pinned, from the npm registry, into .cache/axe: nothing global).
browser-deps:
	@command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { \
	  echo "installing chromium and fonts-noto-cjk with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@grep -qs '"version": "$(AXE_CORE_VERSION)"' $(AXE)/package.json || { \
	  command -v npm >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }; \
	  npm install --prefix .cache/axe --no-save --no-audit --no-fund axe-core@$(AXE_CORE_VERSION); }

test: install browser-deps lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

verify-examples: install
	$(BIN)/rulebase verify rules --docs docs

site: install
	$(BIN)/python -m generator.build --site-dir site

# `make serve LANG=fr`: one language with live reload; rule pages show verify's failures (never published).
# (LANG is also the locale variable: anything but en, fr or ja serves English.)
SERVE_LANG = $(if $(filter en fr ja,$(LANG)),$(LANG),en)
serve: install
	$(BIN)/python -m generator.serve --lang $(SERVE_LANG) --host $(HOST) --port $(PORT)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf site build .cache
