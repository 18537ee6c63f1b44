# The two commands of the README. Everything else is a step they take.
PYTHON ?= python3
VENV := .venv
SIMULATE_AGENTS ?= 3

.PHONY: run test system-deps test-deps

run: system-deps $(VENV)/.installed
	$(VENV)/bin/hotline up --simulate-agents $(SIMULATE_AGENTS)

test: test-deps $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	scripts/test-tiers.sh $(VENV)/bin/pytest

system-deps:
	@scripts/system-deps.sh

test-deps:
	@scripts/system-deps.sh --test

$(VENV)/.installed: setup.cfg pyproject.toml
	@echo "[setup] creating the virtualenv and installing the hotline (first time: a minute)" >&2
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@echo "[setup] installing test dependencies" >&2
	@$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@
