# Quick start: `make demo` then `make test`. Everything the project needs is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv install demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $(STAMP)

venv install: $(STAMP)

demo: $(STAMP)
	$(BIN)/nextwork-sim compare configs/traditional.toml configs/next_workforce.toml \
		--years 5 --seed 7 --out results/demo --overwrite

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

bench: $(STAMP)
	$(BIN)/nextwork-sim bench --scale district

clean:
	rm -rf $(VENV) results/demo .pytest_cache
