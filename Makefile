# Two commands are all a newcomer needs: `make demo` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format bench clean

$(BIN)/retiree-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

demo: $(BIN)/retiree-bot
	$(BIN)/retiree-bot demo

test: $(BIN)/retiree-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/pytest

format: $(BIN)/retiree-bot
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/retiree-bot
	$(BIN)/retiree-bot bench updates

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
