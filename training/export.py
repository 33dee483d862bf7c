"""Export trained Keras weights to the ONNX file the inference runtime loads."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from training.errors import TrainingError


def export_onnx(model: keras.Model, path: Path, example: np.ndarray | None = None) -> Path:
    """Write ``model`` as ONNX; ``example`` is one input batch (default: an emotion model's
    ``(1, 48, 48, 1)`` float32, whose output is ``(n, 7)`` probabilities)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.predict_on_batch(np.zeros((1, 48, 48, 1), np.float32) if example is None else example)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / path.name
        model.export(str(staged), format="onnx", verbose=False)
        shutil.move(str(staged), path)
    return path


def save_snapshot(model: keras.Model, path: Path) -> Path:
    """Write every weight of ``model`` (batch-normalisation statistics included) as float16 to one
    ``.npz`` file: half the size of float32, small enough to commit, and exact enough to continue
    training from on another machine (``load_snapshot``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        f"w{i:03d}": np.asarray(w).astype(np.float16) for i, w in enumerate(model.get_weights())
    }
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "snapshot.npz"
        np.savez_compressed(staged, **arrays)
        shutil.move(str(staged), path)
    return path


def load_snapshot(model: keras.Model, path: Path) -> keras.Model:
    """Copy a ``save_snapshot`` file into ``model`` (the same architecture); returns ``model``."""
    path = Path(path)
    try:
        with np.load(path) as saved:
            weights = [saved[name].astype(np.float32) for name in sorted(saved.files)]
    except (OSError, ValueError) as exc:
        raise TrainingError(f"{path}: not a weights snapshot ({exc})") from None
    shapes = [tuple(w.shape) for w in model.get_weights()]
    if [tuple(w.shape) for w in weights] != shapes:
        raise TrainingError(
            f"{path}: its weights do not fit the {model.name} architecture built here (choose its --arch)"
        )
    model.set_weights(weights)
    return model


def quantize_onnx(source: Path, target: Path, calibration: np.ndarray) -> Path:
    """Write an int8 copy of the ONNX model ``source`` to ``target``: static QDQ quantisation,
    weights per channel, activations calibrated on ``calibration`` (preprocessed faces, n x 48 x 48 x 1).
    The final softmax stays float: its output is the probabilities, which must sum to one. So does
    the first convolution: its input is the face itself and its nine-weight kernels leave int8 no
    slack: quantised, it cost distilled students much of what they gained in float32
    (model/MODEL_CARD.md, "Quantisation").

    Weights use 7 bits (``reduce_range``): ONNX Runtime's uint8 x int8 kernels on x86 CPUs without
    VNNI (AVX2 laptops) saturate their 16-bit intermediate sums with full 8-bit weights, so a model
    quantised without it loses accuracy on such machines only (model/MODEL_CARD.md gives both)."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    source, target = Path(source), Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        graph = onnx.load(str(prepared)).graph
        input_name = graph.input[0].name
        kept_float = [node.name for node in graph.node if node.op_type == "Softmax"]
        kept_float += [node.name for node in graph.node if node.op_type == "Conv"][:1]

        class Faces(CalibrationDataReader):
            def __init__(self) -> None:
                self._batches = iter(
                    np.array_split(calibration.astype(np.float32), max(1, len(calibration) // 64))
                )

            def get_next(self) -> dict[str, np.ndarray] | None:
                batch = next(self._batches, None)
                return None if batch is None else {input_name: batch}

        staged = Path(tmp) / target.name
        quantize_static(
            str(prepared),
            str(staged),
            Faces(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=kept_float,
            reduce_range=True,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), target)
    return target
