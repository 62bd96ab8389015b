# Two entry points for a fresh machine with only python3 (3.11+) and make:
#   make demo   - creates .venv if missing, runs the replica demo into ./data
#   make test   - creates .venv if missing, runs the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsarchive demo --data data

test: $(STAMP)
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/newsarchive serve --data data

clean:
	rm -rf $(VENV) data .pytest_cache
