# storyline — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
DEMO_DB ?= demo/storyline-demo.db
SHARED ?= ../shared/data

.PHONY: help venv install dev demo test lint typecheck bench eval clean

help:
	@echo "make demo   - create .venv, install, ingest the bundled sample corpus, print storylines"
	@echo "make test   - install test tools and run the whole test suite (lint + types + pytest)"
	@echo "make bench  - ingest, search-quality and web-load benchmarks on ../shared/data"
	@echo "              (the first load run builds a 20k-article store: ~40 min on 2 cores)"
	@echo "make eval   - quality numbers (seeds, ITN events, SemEval pairs, sample corpus)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(PY)

install: $(PY)
	$(PIP) install -q -e .

dev: $(PY)
	$(PIP) install -q -e ".[dev]"

demo: install
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm; mkdir -p $(dir $(DEMO_DB))
	$(VENV)/bin/storyline --db $(DEMO_DB) ingest src/storyline/sample/articles.jsonl
	$(VENV)/bin/storyline --db $(DEMO_DB) eval clusters src/storyline/sample/gold.jsonl
	$(VENV)/bin/storyline --db $(DEMO_DB) stories
	@for s in $$($(VENV)/bin/storyline --db $(DEMO_DB) stories --json | $(PY) -c "import json,sys; [print(s['id']) for s in json.load(sys.stdin) if len(s['event_ids'])>1]"); do \
		echo; $(VENV)/bin/storyline --db $(DEMO_DB) story $$s; done
	@echo; echo "Demo store: $(DEMO_DB)  (try: $(VENV)/bin/storyline --db $(DEMO_DB) events)"
	@echo; echo "Web UI, REST API and Atom feeds for the demo store:"
	@echo "  $(VENV)/bin/storyline --db $(DEMO_DB) serve"
	@echo "  then open http://127.0.0.1:8000/  (API docs: http://127.0.0.1:8000/docs)"

lint: dev
	$(VENV)/bin/ruff check src tests benchmarks scripts

typecheck: dev
	$(VENV)/bin/mypy

test: dev lint typecheck
	$(VENV)/bin/pytest -q

bench: install
	$(PY) benchmarks/ingest.py --n 2000
	$(PY) benchmarks/search.py
	$(PY) benchmarks/load.py

eval: install
	$(PY) benchmarks/quality.py

clean:
	rm -rf $(VENV) demo build dist .pytest_cache .mypy_cache .ruff_cache
