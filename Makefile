# Quick start: `make demo` then `make test`. Everything the project needs is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv install demo test test-fast golden lint bench clean

# constraints.txt pins the tested version of every library; pyproject.toml keeps the ranges.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		-e '.[test,dev]'
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

# Regenerate the golden baseline (tests/golden/) on purpose; prints what moved.
golden: $(STAMP)
	$(BIN)/python -m nextwork_sim.golden --write

lint: $(STAMP)
	$(BIN)/ruff check src tests

bench: $(STAMP)
	$(BIN)/nextwork-sim bench --scale district

clean:
	rm -rf $(VENV) results/demo .pytest_cache
