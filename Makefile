# donorcall's everyday commands. `make help` lists them.
#
# Every recipe runs as one bash script (.ONESHELL) with -e -u -o pipefail, so a failing
# command stops its recipe and make exits non-zero.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.NOTPARALLEL:
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
DONORCALL := $(BIN)/donorcall
PYTEST := $(BIN)/python -m pytest

# The test legs. Override on the command line or in the environment, e.g.
#   make test-postgres DONORCALL_TEST_PG_URL=postgresql://me@db.local:5432/donorcall
DONORCALL_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/donorcall
DONORCALL_CHROMIUM ?= /usr/bin/chromium
# pytest-xdist processes for the SQLite and PostgreSQL legs (0 = run in this process).
PYTEST_WORKERS ?= 2
# Extra arguments for every pytest leg, e.g. PYTEST_ARGS="-x -k donor".
PYTEST_ARGS ?=

.PHONY: help run test lint test-sqlite test-postgres test-browser bench phone import dialler live reports fmt clean

help:
	@cat <<'EOF'
	make run            first time: venv, install, migrate, demo organisation; then server + worker
	make test           lint, types, the whole suite (SQLite, PostgreSQL, browser)
	make lint           ruff check, ruff format --check, mypy
	make test-sqlite    the suite on SQLite (all but the browser tests)
	make test-postgres  the same on PostgreSQL ($(DONORCALL_TEST_PG_URL))
	make test-browser   the browser tests (pytest -m e2e) in $(DONORCALL_CHROMIUM)
	make bench          benchmarks (quick, 100k rows); prints one JSON object
	make bench dialler  one suite: phone, import, dialler, live or reports reports; ROWS=1000000 for full size
	make fmt            ruff format + ruff check --fix
	make clean          caches, collected static files, test leftovers (keeps .venv and var/'s database)
	EOF

# --- the virtualenv: created once, reinstalled only when pyproject.toml changes ---------------

$(BIN)/python:
	@echo "Creating $(VENV) with $(PYTHON)"
	test -n "$(PYTHON)" || { echo "python3.11 or python3 is needed" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $@ $(RUN_STAMP)

# --- running -----------------------------------------------------------------------------------

run: $(RUN_STAMP)
	@$(DONORCALL) migrate --noinput
	$(DONORCALL) demo
	$(DONORCALL) collectstatic --noinput -v0
	echo
	echo "  donorcall: http://$${DONORCALL_BIND:-127.0.0.1:8000}"
	echo "  Sign in as admin, manager, agent or agent2, password donorcall-demo."
	echo "  Ctrl-C stops the server and the worker."
	echo
	$(DONORCALL) worker &
	worker=$$!
	trap 'kill -TERM $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT
	trap 'exit 130' INT TERM
	$(DONORCALL) serve --no-collectstatic

# --- testing -----------------------------------------------------------------------------------

# Shell functions shared by the legs. A leg prints "== leg: NAME ==", then one result line
# (passed, FAILED or SKIPPED, with its time) that `make test` repeats in its summary.
# A leg whose service is missing is SKIPPED loudly on a developer's machine; with CI=true
# it FAILS instead, so CI can never pass without PostgreSQL or the browser.
define LEG_FUNCTIONS
leg() { LEG=$$1; LEG_START=$$SECONDS; printf '\n== leg: %s ==\n' "$$LEG"; }
leg_done() {
	local line="leg $$LEG: $$1 in $$((SECONDS - LEG_START))s$${2:+ ($$2)}"
	printf '== %s ==\n' "$$line"
	if [ -n "$${TEST_SUMMARY:-}" ]; then echo "$$line" >> "$$TEST_SUMMARY"; fi
	[ "$$1" != FAILED ]
}
missing() {
	if [ "$${CI:-}" = true ]; then
		echo "!! $$1: CI=true, so the $$LEG leg fails instead of skipping." >&2
		leg_done FAILED "$$1"
	else
		printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
		printf '!! SKIPPED leg %s: %s\n' "$$LEG" "$$1"
		printf '!! (with CI=true this is a failure)\n'
		printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
		leg_done SKIPPED "$$1"
	fi
}
run_pytest() {
	printf '+ %s\n' "$$*"
	local status=0
	"$$@" $${TEST_SUMMARY:+--junitxml="$$TEST_SUMMARY.$$LEG.xml"} || status=$$?
	if [ $$status -eq 0 ]; then leg_done passed
	elif [ $$status -eq 5 ] && $(if $(strip $(PYTEST_ARGS)),true,false); then leg_done SKIPPED "no test matches PYTEST_ARGS"
	else leg_done FAILED "pytest exit $$status"; fi
}
endef

# The legs' totals from their JUnit files, as one closing line: "tests: N passed, N failed, N skipped".
define JUNIT_TOTALS
import sys, xml.etree.ElementTree as ET
from pathlib import Path
passed = failed = skipped = 0
for path in filter(Path.exists, map(Path, sys.argv[1:])):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += int(suite.get("tests", 0)) - bad - skip
        failed, skipped = failed + bad, skipped + skip
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
endef
export JUNIT_TOTALS

test: $(TEST_STAMP)
	@export TEST_SUMMARY=$$(mktemp)
	trap 'rm -f "$$TEST_SUMMARY" "$$TEST_SUMMARY".*.xml' EXIT
	status=0
	$(MAKE) --no-print-directory -k lint test-sqlite test-postgres test-browser || status=$$?
	printf '\n== summary ==\n'
	cat "$$TEST_SUMMARY"
	if [ $$status -eq 0 ]; then echo "make test: passed in $${SECONDS}s"; else echo "make test: FAILED in $${SECONDS}s"; fi
	$(BIN)/python -c "$$JUNIT_TOTALS" "$$TEST_SUMMARY".*.xml
	exit $$status

lint: $(TEST_STAMP)
	@$(LEG_FUNCTIONS)
	leg lint
	failed=""
	check() { printf '+ %s\n' "$${*:2}"; "$${@:2}" || failed="$${failed:+$$failed, }$$1"; }
	check "ruff check" $(BIN)/ruff check .
	check "ruff format" $(BIN)/ruff format --check .
	check mypy $(BIN)/mypy donorcall
	if [ -z "$$failed" ]; then leg_done passed; else leg_done FAILED "$$failed"; fi

test-sqlite: $(TEST_STAMP)
	@$(LEG_FUNCTIONS)
	leg sqlite
	run_pytest env -u DATABASE_URL $(PYTEST) -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: $(TEST_STAMP)
	@$(LEG_FUNCTIONS)
	leg postgres
	url='$(DONORCALL_TEST_PG_URL)'
	if command -v pg_isready >/dev/null; then
		reachable() { pg_isready -q -t 5 -d "$$url"; }
	else
		reachable() { $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=5).close()' "$$url" 2>/dev/null; }
	fi
	if reachable; then
		run_pytest env DATABASE_URL="$$url" $(PYTEST) -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	else
		missing "PostgreSQL is not reachable at $$url"
	fi

test-browser: $(TEST_STAMP)
	@$(LEG_FUNCTIONS)
	leg browser
	if [ -x '$(DONORCALL_CHROMIUM)' ]; then
		run_pytest env -u DATABASE_URL DONORCALL_CHROMIUM='$(DONORCALL_CHROMIUM)' $(PYTEST) -m e2e $(PYTEST_ARGS)
	else
		missing "Chromium not found at $(DONORCALL_CHROMIUM) (Debian: apt-get install chromium)"
	fi

# --- the rest ----------------------------------------------------------------------------------

# `make bench` runs every suite in quick mode (100k rows); `make bench dialler` or `make bench
# import` runs one; ROWS=1000000 for the full fixtures.
BENCH_SUITES := $(filter phone import dialler live reports,$(MAKECMDGOALS))

bench: $(RUN_STAMP)
	@$(BIN)/python bench/run.py $(BENCH_SUITES) --rows $${ROWS:-100000}

phone import dialler live reports:
	@:

fmt: $(TEST_STAMP)
	@$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	@rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis test-results var/static
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -f var/*.sqlite3-journal var/test_*.sqlite3*
	# Test databases that an interrupted PostgreSQL run left behind (one per xdist worker).
	url='$(DONORCALL_TEST_PG_URL)'; base=$${url%%\?*}; name=$${base##*/}; admin_url=$${base%/*}/postgres
	if command -v pg_isready >/dev/null && pg_isready -q -t 2 -d "$$url"; then
		for db in $$(psql "$$admin_url" -Atc "select datname from pg_database where datname = 'test_$$name' or datname like 'test\_$$name\_gw%'"); do
			echo "dropping leftover test database $$db"
			psql "$$admin_url" -qc "drop database if exists \"$$db\" with (force)"
		done
	fi
