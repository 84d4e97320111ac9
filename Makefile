# Tasks of the book and of dlmath. `make book` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# jupyter-book, with one Sphinx environment per builder (HTML and PDF do not invalidate each other)
JB := $(PY) tools/jupyter_book_build.py
MATHJAX_VERSION := 3.2.2
MATHJAX_DIR := _mathjax/_static/mathjax
# Thebe (the "Run live" button of the pages), served from the book like MathJax
THEBE_VERSION := 0.9.3
THEBE_DIR := _thebe/_static/thebe
# The venv is rebuilt when the install inputs change.
STAMP := $(VENV)/.installed
INSTALL_INPUTS := pyproject.toml requirements/lock.txt requirements/torch-cpu.txt
# The flags of every jupyter-book build, typed once in tools/book_config.py (read with the
# system Python: the venv may not exist yet).
BUILD_FLAGS := $(shell $(PYTHON) tools/book_config.py flags)
ifeq ($(strip $(BUILD_FLAGS)),)
$(error could not read the build flags: $(PYTHON) tools/book_config.py flags)
endif
# What `make lint` checks (ruff, configured in pyproject.toml)
LINT_PATHS := code tests tools book/_ext benchmarks
# Two cores: let torch and BLAS use them, but do not let several processes oversubscribe.
export OMP_NUM_THREADS ?= 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup lint book pdf live test test-fast chapter bench bench-build clean clean-venv

help:
	@echo "make book       set up .venv if needed and build the HTML book (every cell executed)"
	@echo "make test       set up .venv if needed and run the whole test suite"
	@echo "make pdf        build the whole book as one PDF (needs the TeX packages listed in README)"
	@echo "make live       build the book and serve it with a local Jupyter kernel (127.0.0.1, token)"
	@echo "make chapter PAGE=book/part1/ch01_risk_and_erm.md   build one chapter quickly"
	@echo "make test-fast  the tests without the book builds"
	@echo "make lint       ruff check and ruff format --check (configured in pyproject.toml)"
	@echo "make bench      benchmarks of dlmath against peer libraries (benchmarks/README.md)"
	@echo "make bench-build  time a cold build, a no-change rebuild and a one-chapter rebuild"
	@echo "make clean      remove build outputs"

setup: $(STAMP) $(MATHJAX_DIR)/tex-chtml-full.js $(THEBE_DIR)/index.js

$(STAMP): $(INSTALL_INPUTS)
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@# torch first, pinned to the CPU wheel (a loose torch pulls a multi-GB CUDA build).
	$(PY) -m pip install -q -r requirements/torch-cpu.txt
	$(PY) -m pip install -q -r requirements/lock.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $(STAMP)

# MathJax is served from the book itself, so that pages typeset offline.
$(MATHJAX_DIR)/tex-chtml-full.js:
	@command -v npm >/dev/null || { echo "npm is needed once to fetch MathJax $(MATHJAX_VERSION)"; exit 1; }
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz) && \
	  mkdir -p $(MATHJAX_DIR)/output/chtml/fonts && \
	  cp $$tmp/package/es5/tex-chtml-full.js $(MATHJAX_DIR)/ && \
	  cp -r $$tmp/package/es5/output/chtml/fonts/woff-v2 $(MATHJAX_DIR)/output/chtml/fonts/ && \
	  cp $$tmp/package/LICENSE $(MATHJAX_DIR)/LICENSE && rm -rf $$tmp
	@echo "MathJax $(MATHJAX_VERSION) in $(MATHJAX_DIR)"

# Thebe's bundle (its webpack chunks and style sheet; no source maps), from npm once, with the
# RequireJS that its widget manager would otherwise fetch from a CDN (book/_static/live.js).
REQUIREJS_VERSION := 2.3.6
$(THEBE_DIR)/index.js:
	@command -v npm >/dev/null || { echo "npm is needed once to fetch Thebe $(THEBE_VERSION)"; exit 1; }
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent thebe@$(THEBE_VERSION) >/dev/null && tar xzf thebe-$(THEBE_VERSION).tgz) && \
	  (cd $$tmp && mkdir rq && cd rq && npm pack --silent requirejs@$(REQUIREJS_VERSION) >/dev/null && tar xzf requirejs-$(REQUIREJS_VERSION).tgz) && \
	  mkdir -p $(THEBE_DIR) && cp $$tmp/rq/package/require.js $(THEBE_DIR)/require.js && \
	  mkdir -p $(THEBE_DIR) && \
	  cp $$tmp/package/lib/*.js $$tmp/package/lib/thebe.css $(THEBE_DIR)/ && \
	  cp $$tmp/package/lib/index.js.LICENSE.txt $(THEBE_DIR)/ && \
	  (cp $$tmp/package/LICENSE $(THEBE_DIR)/LICENSE 2>/dev/null || true) && rm -rf $$tmp
	@echo "Thebe $(THEBE_VERSION) in $(THEBE_DIR)"

# Chapters run in parallel into the execution cache (one worker per core), then Sphinx builds
# from the cache. Unchanged chapters are not executed again unless code/dlmath changed.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# A finished build records the fingerprint of its inputs (tools/book_config.py): `make test`
# reuses a build whose fingerprint is current instead of building the book again.
FINGERPRINT := _build/html/.build-fingerprint

book: setup
	@start=$$(date +%s); rm -f $(FINGERPRINT); \
	$(PY) tools/execute_chapters.py --jobs $(JOBS); \
	$(JB) build . $(BUILD_FLAGS); \
	$(PY) tools/book_config.py fingerprint > $(FINGERPRINT); \
	echo "HTML book built in $$(( $$(date +%s) - start )) s: $$(pwd)/_build/html/index.html"

pdf: setup
	@start=$$(date +%s); \
	$(PY) tools/execute_chapters.py --jobs $(JOBS); \
	$(JB) build . --builder pdflatex $(BUILD_FLAGS); \
	mkdir -p _build/html && cp _build/latex/book.pdf _build/html/book.pdf; \
	$(PY) book/_ext/book_pages.py pdf-link _build/html; \
	echo "PDF built in $$(( $$(date +%s) - start )) s: $$(pwd)/_build/latex/book.pdf (also _build/html/book.pdf)"

# The built book and a Jupyter server on 127.0.0.1 (token required) in one process: every
# chapter page gets a "Run live" button whose cells run on a kernel with dlmath.
LIVE_PORT ?= 8899
live: book
	$(PY) tools/live.py --port $(LIVE_PORT) --book _build/html

# One chapter with the book's configuration, in its own output folder.
chapter: setup
	@[ -n "$(PAGE)" ] || { echo "usage: make chapter PAGE=book/part1/ch01_risk_and_erm.md"; exit 2; }
	$(PY) tools/build_pages.py $(PAGE)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

# The tests and the doctests of code/dlmath (testpaths and --doctest-modules in pyproject.toml)
test: setup
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not book" -n $(JOBS)

bench: setup
	bash benchmarks/setup.sh
	.venv-bench/bin/python benchmarks/run.py

bench-build: setup
	$(PY) benchmarks/build_times.py

clean:
	rm -rf _build .pytest_cache book/gallery

clean-venv:
	rm -rf $(VENV)
