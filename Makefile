# The two commands of the contract: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCAL_LLM_STAMP := $(VENV)/.local-llm-installed

# This machine has no model hub: nothing may phone home or download at run time.
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-local-llm run test test-slow test-e2e lint format eval bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: that takes the local CPU build; an unpinned torch pulls gigabytes of CUDA.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(STAMP)

# The optional local-llm extra (NEWSDESK_ANSWERER=llama-cpp, the slow suite): llama-cpp-python compiles
# llama.cpp from source, several minutes on two cores, once per environment.
$(LOCAL_LLM_STAMP): $(STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,local-llm]"
	touch $@

install-local-llm: $(LOCAL_LLM_STAMP)

run: install
	$(BIN)/newsdesk serve

test: install
	$(BIN)/python -m pytest

test-slow: install-local-llm
	$(BIN)/python -m pytest -m slow

test-e2e: install
	$(BIN)/python -m pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
