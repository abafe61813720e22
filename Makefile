# Two commands for a new machine: `make run` and `make test`. Both create the virtual
# environment on first use, install the exact versions of requirements-dev.lock, and reinstall
# only when the lock or pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck architecture unit messages console migrate wheel-check lock clean

UV_VERSION := 0.13.9

$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

console: $(STAMP)
	$(BIN)/python -m bot console

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

architecture: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

# The whole suite: style, types, the dependency rule, every test on SQLite and PostgreSQL, then
# the installed wheel (outside the checkout) migrating SQLite and answering /help in German.
test: lint typecheck architecture
	$(BIN)/python -m pytest
	$(MAKE) wheel-check

wheel-check: $(STAMP)
	bash .ci/wheel-check

# Re-resolve the lock files from pyproject.toml's ranges (uv: one lock valid on every platform
# and Python >= 3.11, and versions already locked are kept unless a range excludes them).
# `make lock UPGRADE=1` moves every package to its newest allowed version.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet $(if $(UPGRADE),--upgrade) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --quiet $(if $(UPGRADE),--upgrade) -o requirements-dev.lock

# Re-extract the message ids from the code and merge them into every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -k t -k N_ -k plural:1,2 -o bot/i18n/circles.pot bot adapters
	$(BIN)/pybabel update --no-fuzzy-matching -i bot/i18n/circles.pot -d bot/i18n/locales -D circles

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
