# The two commands of the README: `make run` (demo at http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint

run: $(VENV)/installed
	QMS_SECURE_COOKIES=0 $(BIN)/flask --app wsgi qms demo
	QMS_SECURE_COOKIES=0 $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: $(VENV)/installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/installed
	$(BIN)/pip install -q ruff==0.14.5
	$(BIN)/ruff check qms tests bench config migrations

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@
