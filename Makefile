# Two entry points for a fresh machine with only python3 (3.11+) and make:
#   make demo   - creates .venv if missing, runs the replica demo into ./data
#   make test   - creates .venv if missing, installs the system packages the tests drive
#                 (Debian's chromium and a CJK font for the browser tests, redis-server for the
#                 distributed-crawl tests, which start their own on a free port), runs the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Debian packages the tests need; installed with apt-get when missing (root), else named.
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei redis-server

PYWB_STAMP := .venv-pywb/.installed-stamp

.PHONY: demo test serve clean system-deps replay-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-deps:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "the tests need:$$missing (sudo apt-get install$$missing)"; exit 1; fi; fi

# pywb pins werkzeug, redis 2.x and fakeredis<1: it gets a virtual environment of its own.
$(PYWB_STAMP):
	test -x .venv-pywb/bin/python || $(PYTHON) -m venv .venv-pywb
	.venv-pywb/bin/python -m pip install --quiet --upgrade pip
	.venv-pywb/bin/python -m pip install --quiet 'pywb>=2.8,<2.11'
	touch $(PYWB_STAMP)

replay-deps: $(PYWB_STAMP)

demo: $(STAMP)
	$(BIN)/newsarchive demo --data data

test: $(STAMP) $(PYWB_STAMP) system-deps
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/newsarchive serve --data data

clean:
	rm -rf $(VENV) .venv-pywb data .pytest_cache
