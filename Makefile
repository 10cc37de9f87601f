# Two commands matter: `make run` and `make test` (see README). The rest are their parts.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps test-system-deps messages compile-messages lint format serve demo bench

$(VENV)/.installed: pyproject.toml
	bash scripts/system-deps.sh run
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

compile-messages: install
	$(PY) scripts/compile_messages.py

run: install compile-messages
	$(DEV) $(PY) manage.py migrate --no-input -v0
	$(DEV) $(PY) manage.py demo
	@echo "Gonghui: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install compile-messages
	bash scripts/system-deps.sh test
	$(PY) -m ruff check src bench scripts
	$(VENV)/bin/lint-imports --no-cache
	$(DEV) $(PY) manage.py makemigrations --check --dry-run -v0
	bash scripts/run-tests.sh

# Production-like serving: granian WSGI, static files from collectstatic through WhiteNoise.
serve: install compile-messages
	$(PY) manage.py collectstatic --no-input -v0
	$(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 2 --working-dir src gonghui.wsgi:application

messages: install
	cd src/gonghui && DEBUG=1 ../../$(PY) ../../manage.py makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete -i "static/*"
	$(PY) scripts/fill_traditional.py

format: install
	$(PY) -m ruff format src bench scripts
	$(PY) -m ruff check --fix src bench scripts

# Benchmarks print numbers, on PostgreSQL (DATABASE_URL, else BENCH_DATABASE_URL); one that
# fails is reported and the others still run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gonghui
bench: install
	@failed=""; for f in bench/*.py; do echo "== $$f"; \
	  DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(DEV) $(PY) $$f || failed="$$failed $$f"; \
	done; if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi
