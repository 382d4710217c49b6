# Two commands are all a newcomer needs: `make demo` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes: a test mostly waits (on a server, a subprocess, the emulator), so more than the cores.
TEST_WORKERS ?= 4

.PHONY: demo test lint format bench lock clean

# The exact versions the suite passed with (constraints.txt); `make lock` renews them.
$(BIN)/retiree-bot: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

demo: $(BIN)/retiree-bot
	$(BIN)/retiree-bot demo

test: $(BIN)/retiree-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS)

format: $(BIN)/retiree-bot
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/retiree-bot
	$(BIN)/retiree-bot bench updates

# Newest versions pyproject.toml allows, frozen into constraints.txt; then run `make test` before committing it.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Versions the whole suite passed with; renew with \`make lock\`, then \`make test\`."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
