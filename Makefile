# salesops developer entry points. `make` alone lists them.
#
# The environment is built on demand: `make run` and `make test` create .venv
# (and install buf under .tools) when they are missing, and reinstall the
# project when pyproject.toml changes.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
TOOLS       := .tools
BUF_VERSION := 1.61.0
BUF         := $(TOOLS)/node_modules/.bin/buf
PYTEST_ARGS ?=

# Stamps: each records that a step finished, so it reruns only when needed.
VENV_STAMP := $(VENV)/.installed
BUF_STAMP  := $(TOOLS)/.buf-$(BUF_VERSION).installed
# The console's browser tests drive Debian's chromium (Playwright's executable_path);
# no browser is downloaded by Playwright itself.
CHROMIUM    := /usr/bin/chromium
# Test processes at once (pytest-xdist, a test file at a time in each); 1 runs them in this
# process. With 2, each worker starts its own system-test platform and together they can
# exceed PostgreSQL's default 100 connections ("too many clients"): keep 1 until the
# platform's pools are sized for it.
TEST_WORKERS ?= 1

LINT_PATHS  := services gateway tests clients protos/generate.py
MYPY_PATHS  := services gateway clients/python

.DEFAULT_GOAL := help
.PHONY: help setup browser run test lint protos openapi sdk migrate bench clean demo

help: ## List the targets
	@echo "usage: make <target>"
	@echo
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN { FS = ":.*## " } { printf "  %-10s %s\n", $$1, $$2 }'

setup: $(VENV_STAMP) $(BUF_STAMP) ## Create .venv with the project and dev tools, install buf

$(VENV_STAMP): pyproject.toml clients/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]' -e clients/python
	touch $@

$(BUF_STAMP):
	npm install --no-save --no-package-lock --prefix $(TOOLS) @bufbuild/buf@$(BUF_VERSION)
	$(BUF) --version
	touch $@

browser: ## Install Debian's chromium for the console's browser tests (apt-get) when missing
	@set -e; if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; \
		elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
		else echo "chromium is missing ($(CHROMIUM)) and installing it needs root or sudo:" \
			"run 'apt-get install chromium' as root, then make test again" >&2; exit 1; fi; \
		echo "installing chromium (apt-get) for the browser tests"; \
		$$SUDO apt-get update; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium; \
		$(CHROMIUM) --version; \
	fi

run: setup ## Migrate every service, start all apis, workers and the gateway
	$(BIN)/salesops run

demo: setup ## A quarter of a sales organisation through the gateway (DEMO_ARGS='--scale 0.2 --seed 7')
	$(BIN)/python -m salesops.demo $(DEMO_ARGS)

test: setup browser ## Run the test suite (PYTEST_ARGS='-k lead -x', TEST_WORKERS=4 on more cores)
	$(BIN)/pytest $(if $(filter-out 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

lint: setup ## ruff check and format check; mypy on the kit and the domain modules
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy $(MYPY_PATHS)

protos: setup ## Regenerate the Python code from protos/ and run buf lint
	$(BIN)/python protos/generate.py
	cd protos && ../$(BUF) lint

openapi: setup ## Write the gateway's OpenAPI document to docs/openapi.json (a test compares them)
	$(BIN)/python -m gateway.openapi > docs/openapi.json.tmp && mv docs/openapi.json.tmp docs/openapi.json

sdk: setup ## Regenerate the SDK's typed resources (clients/python) from the gateway's OpenAPI
	$(BIN)/python clients/python/generate_sdk.py

migrate: setup ## Bring every service's database to the latest migration
	$(BIN)/salesops migrate all

bench: setup ## Run every benchmark (benchmarks/bench_*.py); results go in docs/benchmarks.md
	@set -e; found=0; for script in benchmarks/bench_*.py; do \
		[ -f "$$script" ] || continue; found=1; \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done; [ $$found = 1 ] || echo "no benchmarks yet"

clean: ## Remove .venv, .tools, var/ and caches
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
