# Two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT
# pytest-xdist workers; each builds its own database. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

.PHONY: run static purge-css test lint typecheck test-sqlite test-postgres translations extract-messages vendor bench lighthouse clean system-test-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

translations: $(VENV)/.installed-run
	$(BIN)/python scripts/translations.py compile

# Fingerprinted, precompressed copies of static/ and their manifest (generated, not committed:
# they follow every edit; iwemployer/assets.py).
static: $(VENV)/.installed-run
	$(BIN)/flask --app wsgi digest clean >/dev/null
	$(BIN)/flask --app wsgi digest compile >/dev/null

run: $(VENV)/.installed-run translations static
	$(BIN)/flask --app wsgi migrate
	$(BIN)/flask --app wsgi seed
	# The development server delivers mail in a background thread (production: send-mail).
	IWEMPLOYER_MAIL_WORKER_THREAD=true $(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium (Playwright cannot download its own browser here) and PostgreSQL for the tests.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Browser tests run once, on PostgreSQL (production's database): the pages they drive are the
# same on both, and every route's server side runs on both databases in the other tests.
test-sqlite: $(VENV)/.installed-test translations static system-test-deps
	IWEMPLOYER_TEST_DATABASE=sqlite $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"

# The same suite on a throwaway PostgreSQL cluster that the test setup starts and removes.
test-postgres: $(VENV)/.installed-test translations static system-test-deps
	IWEMPLOYER_TEST_DATABASE=postgresql $(BIN)/pytest -n $(TEST_WORKERS)

test: lint typecheck test-sqlite test-postgres

extract-messages: $(VENV)/.installed-run
	$(BIN)/python scripts/translations.py update

vendor:
	bash scripts/vendor.sh

# Only the Aksel rules the templates use, from the whole vendored file (no network needed).
purge-css:
	$(PYTHON) scripts/purge_css.py vendor/nav-ds.full.min.css iwemployer/static/vendor/nav-ds.min.css

# PostgreSQL with the demo data at 1× and 100×, gunicorn as in production (README, Benchmarks);
# BENCH_ARGS="--scales 1,10 --quick" for a short run.
bench: $(VENV)/.installed-test translations static system-test-deps
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Lighthouse's performance score of the home pages, same server and data as bench at 1× (README,
# Benchmarks). Lighthouse 12.8.2 (tools/lighthouse) needs node >= 18.16; 13 needs node 22.
lighthouse: $(VENV)/.installed-test translations static system-test-deps
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if [ ! -d tools/lighthouse/node_modules ] || [ tools/lighthouse/package-lock.json -nt tools/lighthouse/node_modules ]; then \
		cd tools/lighthouse && npm ci --no-audit --no-fund && touch node_modules; \
	fi
	$(BIN)/python scripts/lighthouse.py $(LIGHTHOUSE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
