# release-sim: one command to set up and start, one to set up and test.
#   make dashboard   set up .venv (first time) and start the dashboard on the shipped scenarios
#   make test        set up .venv (first time) and run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: setup dashboard test compare lint bench clean

# Find a Python >= 3.12: $PYTHON, then pyenv's 3.12+ (the .python-version file), then python3.13/3.12.
$(STAMP): pyproject.toml
	@bash scripts/find-python.sh > /tmp/release-sim-python || exit 1
	@PYBIN=$$(cat /tmp/release-sim-python); echo "Using $$PYBIN ($$($$PYBIN --version))"; \
	  [ -x $(PY) ] || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@bash scripts/install-browser.sh
	@touch $(STAMP)

setup: $(STAMP)

dashboard: $(STAMP)
	@echo "release-sim dashboard: open http://localhost:$(PORT) in your browser (Ctrl-C stops it)"
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

compare: $(STAMP)
	$(VENV)/bin/release-sim run scenarios/compare_main_strategies.yaml

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 -rs tests

lint: $(STAMP)
	$(VENV)/bin/ruff check sim dashboard tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/bench_core.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
