# Quick start: `make demo` then `make test`. Everything the project needs is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv install demo test test-fast test-browser dashboard-screenshots golden lint bench clean

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

# Regenerate the golden baseline (tests/golden/) on purpose; prints what moved.
golden: $(STAMP)
	$(BIN)/python -m nextwork_sim.golden --write

lint: $(STAMP)
	$(BIN)/ruff check src tests

bench: $(STAMP)
	$(BIN)/nextwork-sim bench --scale district

clean:
	rm -rf $(VENV) results/demo .pytest_cache
