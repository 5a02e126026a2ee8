# Two entry points for a fresh machine (Python >= 3.11):
#   make start   set up, build the demo warehouse if there is none, install the boundary pack
#                ($DASHBOARD_GEO_SOURCE or ../shared/geo, when present) and serve the dashboard
#   make test    set up, lint (ruff), type-check (mypy) and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: start test setup demo lock

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python -m dashboard demo --if-empty

start: demo
	$(BIN)/python -m dashboard geo install
	$(BIN)/streamlit run src/dashboard/web/serve.py

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# requirements.txt from pyproject.toml (runtime and every extra), keeping the versions already pinned
lock: setup
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --no-header --no-annotate \
		-c requirements.txt -o requirements.txt.new
	{ sed -n '1,2p' requirements.txt; cat requirements.txt.new; } > requirements.txt.tmp
	mv requirements.txt.tmp requirements.txt && rm requirements.txt.new
