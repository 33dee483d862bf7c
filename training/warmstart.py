"""Start training from an exported ONNX model (fine-tuning), e.g. the committed default weights.

The exported graph holds each convolution with its batch normalisation folded in (weights and a
bias) and the classifier as MatMul + Add. Those values are written into a freshly built Keras model
of the same architecture whose batch-normalisation layers become fixed per-channel biases
(mean 0, variance 1, scale 1, offset = the folded bias) and are frozen, so the Keras model computes
exactly what the ONNX file does and fine-tuning adjusts the convolutions and the classifier.

With ``prune`` the Keras model may be narrower than the file (``vgg_slim`` from a ``vgg_lite``):
each narrower convolution keeps the file's output channels that matter most, by the L1 norm of
the channel's filter times that of the weights the next layer gives it, and the next layer keeps
the matching inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import keras
import numpy as np

from training.errors import TrainingError

if TYPE_CHECKING:
    import onnx


def exported_graph(path: Path) -> tuple[onnx.GraphProto, dict[str, np.ndarray]]:
    """An exported model's graph and its initialisers (the weights) by name;
    a :class:`TrainingError` for a file that is no readable ONNX model."""
    import onnx
    from onnx import numpy_helper

    try:
        graph = onnx.load(str(path)).graph
    except Exception as exc:  # noqa: BLE001 - onnx raises OSError, protobuf's DecodeError, ... for a bad file
        raise TrainingError(f"{path}: not a readable ONNX model ({exc})") from None
    return graph, {init.name: numpy_helper.to_array(init) for init in graph.initializer}


def _onnx_layers(
    path: Path,
) -> tuple[list[tuple[np.ndarray, np.ndarray | None]], tuple[np.ndarray, np.ndarray]]:
    """The (weights OIHW, bias) of each Conv in graph order, and the final (matrix, bias)."""
    graph, values = exported_graph(path)
    convs = [
        (values[node.input[1]], values[node.input[2]] if len(node.input) > 2 else None)
        for node in graph.node
        if node.op_type == "Conv"
    ]
    matmul = [values[i] for node in graph.node if node.op_type == "MatMul" for i in node.input if i in values]
    adds = [values[i] for node in graph.node if node.op_type == "Add" for i in node.input if i in values]
    if not convs or len(matmul) != 1 or not adds:
        raise TrainingError(f"{path}: not a convolutional classifier exported by classmood train")
    return convs, (matmul[0], adds[-1])


def load_onnx_weights(model: keras.Model, path: Path, prune: bool = False) -> keras.Model:
    """Copy an exported model's weights into ``model`` (same architecture, or with ``prune`` the same
    with fewer channels); returns ``model``."""
    path = Path(path)
    if not path.is_file():
        raise TrainingError(f"{path}: no such ONNX model")
    convs, (matrix, bias) = _onnx_layers(path)
    conv_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(conv_layers) != len(convs) or len(norms) != len(convs) or len(dense) != 1:
        raise TrainingError(
            f"{path}: has {len(convs)} convolutions; the {model.name} architecture built here has "
            f"{len(conv_layers)} (choose the --arch and hyper-parameters it was trained with)"
        )
    following = [w for w, _ in convs[1:]] + [matrix.T]  # what reads each convolution's outputs
    inputs = np.arange(convs[0][0].shape[1])
    for layer, norm, (weights, conv_bias), reader in zip(conv_layers, norms, convs, following, strict=True):
        weights = weights[:, inputs]
        wanted = int(layer.kernel.shape[-1])
        if prune and wanted < weights.shape[0]:
            read = np.abs(reader).reshape(reader.shape[0], reader.shape[1], -1).sum(axis=(0, 2))
            importance = np.abs(weights).sum(axis=(1, 2, 3)) * read
            kept = np.sort(np.argsort(-importance, kind="stable")[:wanted])
        else:
            kept = np.arange(weights.shape[0])
        kernel = weights[kept].transpose(2, 3, 1, 0)
        if tuple(layer.kernel.shape) != kernel.shape:
            hint = "" if prune else " (--prune keeps the strongest channels of a wider model)"
            raise TrainingError(
                f"{path}: convolution of shape {kernel.shape} where {layer.name} has {tuple(layer.kernel.shape)}{hint}"
            )
        layer.kernel.assign(kernel)
        channels = kernel.shape[-1]
        frozen_offset(norm, conv_bias[kept] if conv_bias is not None else np.zeros(channels, np.float32))
        inputs = kept
    matrix = matrix[inputs]
    if tuple(dense[0].kernel.shape) != matrix.shape:
        raise TrainingError(
            f"{path}: classifier of shape {matrix.shape} where the model has {tuple(dense[0].kernel.shape)}"
        )
    dense[0].set_weights([matrix, bias.astype(np.float32)])
    return model


def frozen_offset(norm: keras.layers.BatchNormalization, offset: np.ndarray) -> None:
    """Make ``norm`` add ``offset`` per channel and nothing else (mean 0, variance 1, scale 1),
    frozen: an exported convolution's folded bias, so that the Keras model computes what the file
    does."""
    channels = offset.shape[0]
    norm.set_weights(
        [
            np.ones(channels, np.float32),
            offset.astype(np.float32),
            np.zeros(channels, np.float32),
            np.full(channels, 1.0 - norm.epsilon, np.float32),
        ]
    )
    norm.trainable = False
