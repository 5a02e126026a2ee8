# Two entry points for a fresh machine (Python >= 3.11):
#   make start   set up, build the demo warehouse if there is none, install the boundary pack
#                ($DASHBOARD_GEO_SOURCE or ../shared/geo, when present) and serve the dashboard
#   make test    set up, lint (ruff), type-check (mypy) and run the whole test suite (the browser tests beside)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
# uv installs the pinned wheels in parallel: about 15 s where pip takes 2-3 minutes on a cold cache (measured
# here), which keeps a newcomer's `make start` under two minutes. pip stays the fallback (e.g. an offline
# mirror that only pip is configured for).
INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python
PIP = $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: start test setup runtime demo lock

# what the dashboard needs to run (requirements.txt): `make start`
$(RUNTIME): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) uv==$(UV_VERSION)
	$(INSTALL) -r requirements.txt || $(PIP) -r requirements.txt
	$(INSTALL) --no-deps -e . || $(PIP) --no-deps -e .
	touch $(RUNTIME)

# and what the tests, the linters and `geo import` need (requirements-dev.txt): `make test`
$(STAMP): $(RUNTIME) requirements-dev.txt
	$(INSTALL) -r requirements-dev.txt || $(PIP) -r requirements-dev.txt
	touch $(STAMP)

runtime: $(RUNTIME)

setup: $(STAMP)

demo: runtime
	$(BIN)/python -m dashboard demo --if-empty

start: demo
	$(BIN)/python -m dashboard geo install
	$(BIN)/streamlit run src/dashboard/web/serve.py

# The browser tests (tests/e2e: a server and Chromium, mostly waiting on them) run beside the others, as
# does mypy, and the others run on a worker per core (pytest-xdist; a file's tests on one worker, so its
# module fixtures are built once): on two cores the main suite took 13-14 minutes in one process beside the
# browser tests and 11 on two workers. Each prints its own report; the command fails when any of them does.
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@rm -rf .pytest-e2e; \
	$(BIN)/mypy > .mypy.log 2>&1 & mypy=$$!; \
	$(BIN)/python -m pytest tests/e2e --basetemp=.pytest-e2e > .pytest-e2e.log 2>&1 & e2e=$$!; \
	$(BIN)/python -m pytest --ignore=tests/e2e -n auto --dist loadfile; rest=$$?; \
	wait $$e2e; e2e=$$?; wait $$mypy; mypy=$$?; \
	echo "---- tests/e2e ----"; cat .pytest-e2e.log; echo "---- mypy ----"; cat .mypy.log; \
	exit $$(( rest != 0 || e2e != 0 || mypy != 0 ))

# requirements.txt (runtime and the PDF) and requirements-dev.txt (every extra) from pyproject.toml, keeping
# the versions already pinned
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra pdf --python-version 3.11 --no-header --no-annotate \
		-c requirements-dev.txt -o requirements.txt.new
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --no-header --no-annotate \
		-c requirements-dev.txt -o requirements-dev.txt.new
	{ sed -n '1,2p' requirements.txt; cat requirements.txt.new; } > requirements.txt.tmp
	{ sed -n '1,2p' requirements-dev.txt; cat requirements-dev.txt.new; } > requirements-dev.txt.tmp
	mv requirements.txt.tmp requirements.txt && mv requirements-dev.txt.tmp requirements-dev.txt
	rm requirements.txt.new requirements-dev.txt.new
