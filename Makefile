# The two commands of the README: `make run` (demo at http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint translations

# The queue's worker (conversions, recognition) runs in the background beside the web server and stops with it.
run: $(VENV)/installed
	QMS_SECURE_COOKIES=0 $(BIN)/flask --app wsgi qms demo
	QMS_SECURE_COOKIES=0 $(BIN)/flask --app wsgi qms worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	QMS_SECURE_COOKIES=0 $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: $(VENV)/installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/installed
	$(BIN)/ruff check qms tests bench config migrations
	$(BIN)/lint-imports
	$(BIN)/mypy

# After changing UI text: extract the catalogue, merge it into the English one, translate, then run this again to
# compile (the compiled .mo is committed, so `make run`/`make test` need no step of their own).
translations: $(VENV)/installed
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l --sort-output --no-location --project "QMS ISO 9001" \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 120
	$(BIN)/pybabel compile -d translations --statistics

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@
