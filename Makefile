# FEWS: `make run` (set up, migrate, load demo data, serve web + scheduler) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run test test-deps lint check-contract bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

## setup: create .venv and install FEWS (editable)
setup: $(VENV)/.installed

## run: migrate the embedded SQLite database, load demo data, start the scheduler and the web server
run: setup
	@$(BIN)/fews init
	@$(BIN)/fews demo
	@echo "FEWS is starting at http://$(HOST):$(PORT)/"
	@echo "Sign in with one of the demo accounts (role username password) from instance/demo-credentials.txt:"
	@grep -v '^#' instance/demo-credentials.txt | sed 's/^/    /'
	@set -e; $(BIN)/fews scheduler & SCHED=$$!; trap "kill $$SCHED 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/fews serve --host $(HOST) --port $(PORT)

# Java runs OPSIN (systematic names), chromium the browser tests and wrk the web benchmark; install them
# when missing and we may (Debian, root). The bench extra (bblean, matchms) holds the baselines of
# `fews bench`, which CI runs.
test-deps: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,dev,bench,deploy]'
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; } || \
	  echo "warning: no Java; OPSIN name tests will be skipped" >&2
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
	  echo "warning: no chromium; the browser tests (tests/browser) will be skipped" >&2
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
	  echo "warning: no wrk; fews bench web will fail" >&2
	@touch $@

## test: install test extras and run the whole suite (SQLite, and PostgreSQL when FEWS_TEST_DATABASE_URL is set)
test: test-deps
	$(BIN)/ruff check fews chem intake alerts web reference_spectra benchmarks tests fuzz
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile -q

lint: test-deps
	$(BIN)/ruff check fews chem intake alerts web reference_spectra benchmarks tests fuzz
	$(BIN)/mypy

## fuzz: every parser under atheris for a bounded time (SECONDS, default 60); failing inputs in fuzz-artifacts/
fuzz: test-deps
	$(BIN)/python -m fuzz.run --seconds $(or $(SECONDS),60)

check-contract: setup
	../shared/tools/check-contract foundation

bench: setup
	$(BIN)/fews bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
