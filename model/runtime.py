"""ONNX Runtime sessions for the committed networks: on the CPU, a thread budget, errors in one line."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from model.errors import ModelError


def cpu_session(path: Path, threads: int, what: str) -> ort.InferenceSession:
    """An inference session for the ONNX file at ``path`` (``what`` names it in errors), its idle
    worker threads sleeping instead of spinning: the agent shares the laptop with the call."""
    if not path.is_file():
        raise ModelError(f"{path}: {what} weights not found")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises several private exception types
        raise ModelError(f"{path}: not a loadable ONNX model ({type(exc).__name__})") from None
