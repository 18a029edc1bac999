# The two commands of the README: `make demo` and `make test`. Everything else is their setup.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: demo test setup widgets chromium services lint typecheck unit-ts pytest clean lock upgrade

demo: setup ## run the demo: server, demo shop, widgets, agent desk, demo agent
	$(VENV)/bin/frontdesk demo $(ARGS)

test: setup chromium services lint typecheck unit-ts pytest ## every check and test there is

setup: $(PY_STAMP) $(NPM_STAMP) widgets

# Python packages come from requirements.lock (exact versions with hashes, runtime, dev and the
# build backend), so a new release of a dependency never changes what a fresh clone installs.
$(PY_STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

LOCK := $(VENV)/bin/uv pip compile pyproject.toml tools/build-requirements.in --extra dev \
	--generate-hashes --universal --python-version 3.11 --quiet -o requirements.lock

lock: $(PY_STAMP) ## re-solve requirements.lock after pyproject.toml changed, keeping other pins
	$(LOCK)

upgrade: $(PY_STAMP) ## move every pin in requirements.lock to the newest allowed release
	$(LOCK) --upgrade

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are needed (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

widgets: $(PY_STAMP) $(NPM_STAMP)
	$(PY) tools/build_widgets.py
	$(PY) tools/build_desk.py
	$(PY) tools/build_api_docs.py

chromium: ## Debian's Chromium for the browser tests (never a downloaded browser)
	@command -v chromium >/dev/null || command -v "$$CHROMIUM_PATH" >/dev/null || { \
	  echo "installing Debian's chromium"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

services: $(PY_STAMP) ## PostgreSQL and Redis for the storage and broker suites
	$(PY) tools/test_services.py

lint: $(PY_STAMP) $(NPM_STAMP)
	$(VENV)/bin/ruff check frontdesk tests tools bench
	$(VENV)/bin/ruff format --check frontdesk tests tools bench
	npm run --silent format:check

typecheck: $(PY_STAMP) $(NPM_STAMP)
	$(VENV)/bin/mypy
	npm run --silent typecheck

unit-ts: $(NPM_STAMP)
	npm test --silent

pytest: $(PY_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules frontdesk/static/widgets .frontdesk-demo
