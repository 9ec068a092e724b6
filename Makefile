# The two commands a newcomer needs, plus the Lambda build targets SAM calls.
#   make serve   set up and serve content/ on http://127.0.0.1:8000 (no AWS account needed)
#   make test    set up everything and run every check and test (what CI runs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TOOLS  := .tools
SAM    := $(TOOLS)/sam/bin/sam
CODE   := $(wildcard handler tests bench)

.PHONY: serve test check lint typecheck unit bench setup tools system clean \
	build-RenderFunction build-IndexerFunction build-RenderDependencies build-IndexerDependencies

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.serve: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# SAM CLI and checkov pin their own dependency trees; each lives in a venv of its own so neither
# constrains the project's versions.
$(SAM):
	$(PYTHON) -m venv $(TOOLS)/sam
	$(TOOLS)/sam/bin/python -m pip install --quiet aws-sam-cli

$(TOOLS)/checkov/bin/checkov:
	$(PYTHON) -m venv $(TOOLS)/checkov
	$(TOOLS)/checkov/bin/python -m pip install --quiet checkov

tools: $(SAM) $(TOOLS)/checkov/bin/checkov

system:
	bash infra/setup-system.sh

setup: $(VENV)/.dev tools system

serve: $(VENV)/.serve
	$(BIN)/broadsheet serve --content content

lint: $(VENV)/.dev
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: $(VENV)/.dev
	$(BIN)/mypy $(CODE)

unit: setup
	PATH="$(CURDIR)/$(TOOLS)/sam/bin:$(CURDIR)/$(TOOLS)/checkov/bin:$$PATH" $(BIN)/pytest

test: setup lint typecheck unit

bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(TOOLS) .aws-sam .pytest_cache .mypy_cache .ruff_cache

# `sam build` (BuildMethod: makefile) calls these with ARTIFACTS_DIR set, one per resource, and
# the logical id ($* of build-%) tells infra/build.sh what to build: a function's code is the
# handler package alone (the same bytes for both functions, so `sam package` uploads it once);
# its dependencies are a layer, wheels for the target runtime and architecture under python/
# (IndexerDependencies adds libsass and is always x86_64; SAM passes no architecture to a
# makefile build, the script knows).
build-RenderFunction build-IndexerFunction build-RenderDependencies build-IndexerDependencies: build-%:
	bash infra/build.sh "$(ARTIFACTS_DIR)" $*
