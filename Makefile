# Quick start: `make demo` then `make test`. Everything the project needs is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv install demo test test-fast test-fuzz test-crosspython crosspython-compare \
	test-browser dashboard-screenshots golden lint bench clean

# constraints.txt pins the tested version of every library; pyproject.toml keeps the ranges.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		-e '.[test,dev,dashboard,browser]'
	touch $(STAMP)

venv install: $(STAMP)

# 8 replications give 95 % intervals; ends with the report (results/demo/report.html).
demo: $(STAMP)
	$(BIN)/nextwork-sim compare configs/traditional.toml configs/next_workforce.toml \
		--years 5 --seed 7 --replications 8 --workers 2 --out results/demo --overwrite
	$(BIN)/nextwork-sim report results/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Everything but the tests marked slow (Dask, kill-and-resume): for a quick loop while editing.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The dashboard in headless Chromium (tests/browser/): Playwright cannot download its own
# browsers here, so Debian's chromium is installed when /usr/bin/chromium is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test-browser: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q tests/browser

# Retake docs/images/dashboard-*.png (the browser tests write them when asked).
dashboard-screenshots: $(STAMP) $(CHROMIUM)
	DASHBOARD_SCREENSHOTS=docs/images $(BIN)/python -m pytest -q tests/browser

# The config fuzz (tests/test_fuzz_configs.py) with 2,000 mutants instead of make test's 200:
# every accepted mutant runs a year, every rejected one is one line. Derandomized: the same
# mutants every time.
test-fuzz: $(STAMP)
	NEXTWORK_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/test_fuzz_configs.py

# Values (not bytes) of a short run of every shipped config, compared between this venv's
# Python and Python 3.12 with the same pins (tests/crosspython.py). Skipped, with a message,
# where Python 3.12 is not installed; builds $(VENV312) the first time.
PY312      ?= python3.12
PY312_ENV  ?= PYENV_VERSION=3.12.1
VENV312    := .venv-py312
STAMP312   := $(VENV312)/.installed-stamp
CROSS      := results/crosspython

test-crosspython: $(STAMP)
	@if env $(PY312_ENV) $(PY312) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' \
		>/dev/null 2>&1; then $(MAKE) --no-print-directory crosspython-compare; \
	else echo "test-crosspython: skipped: no Python 3.12 here ($(PY312_ENV) $(PY312))"; fi

$(STAMP312): pyproject.toml constraints.txt
	test -x $(VENV312)/bin/python || env $(PY312_ENV) $(PY312) -m venv $(VENV312)
	$(VENV312)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		-e '.[test]'
	touch $(STAMP312)

crosspython-compare: $(STAMP) $(STAMP312)
	rm -rf $(CROSS)
	$(BIN)/python tests/crosspython.py run $(CROSS)/first
	$(VENV312)/bin/python tests/crosspython.py run $(CROSS)/second
	$(BIN)/python tests/crosspython.py compare $(CROSS)/first $(CROSS)/second

# Regenerate the golden baseline (tests/golden/) on purpose; prints what moved.
golden: $(STAMP)
	$(BIN)/python -m nextwork_sim.golden --write

lint: $(STAMP)
	$(BIN)/ruff check src tests

bench: $(STAMP)
	$(BIN)/nextwork-sim bench --scale district

clean:
	rm -rf $(VENV) $(VENV312) results/demo results/crosspython .pytest_cache
