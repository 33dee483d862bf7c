"""Join exported emotion models into one ONNX file that averages their probabilities.

Networks of different sizes and training make different mistakes: the average of a teacher
snapshot and the small default is better than either (model/MODEL_CARD.md, "Accurate mode"), and
one file keeps the runtime (:class:`model.EmotionClassifier`) and its settings unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from model import EMOTIONS
from model.preprocess import INPUT_SIZE
from training.errors import TrainingError

if TYPE_CHECKING:
    import onnx

INPUT = "face"
OUTPUT = "probabilities"


def ensemble_onnx(members: Sequence[Path], target: Path) -> Path:
    """Write to ``target`` one ONNX model whose output is the mean of ``members``' probabilities
    (each an exported emotion model: ``(n, 48, 48, 1)`` faces in, ``(n, 7)`` probabilities out)."""
    import onnx
    from onnx import compose, helper

    if len(members) < 2:
        raise TrainingError("an ensemble needs two models or more")
    models = [_load(Path(path)) for path in members]
    first = models[0].graph
    nodes, initializers, outputs = [], [], []
    for index, model in enumerate(models):
        prefixed = compose.add_prefix(model, f"m{index}_")
        graph = prefixed.graph
        nodes.append(helper.make_node("Identity", [INPUT], [graph.input[0].name]))
        nodes.extend(graph.node)
        initializers.extend(graph.initializer)
        outputs.append(graph.output[0].name)
    nodes.append(helper.make_node("Mean", outputs, [OUTPUT]))
    face, probabilities = onnx.ValueInfoProto(), onnx.ValueInfoProto()
    face.CopyFrom(first.input[0])
    face.name = INPUT
    probabilities.CopyFrom(first.output[0])
    probabilities.name = OUTPUT
    graph = helper.make_graph(nodes, "emotion_ensemble", [face], [probabilities], initializers)
    opsets: dict[str, int] = {}
    for model in models:  # each domain at the newest version a member uses
        for opset in model.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
    joined = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid(domain, version) for domain, version in opsets.items()],
        ir_version=max(model.ir_version for model in models),
    )
    onnx.checker.check_model(joined)
    target = Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / target.name
        onnx.save(joined, str(staged))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), target)
    return target


def _load(path: Path) -> onnx.ModelProto:
    """One member, checked to be an emotion model: one (n, 48, 48, 1) input, one (n, 7) output."""
    import onnx

    try:
        onnx.checker.check_model(str(path))
    except onnx.checker.ValidationError as exc:
        raise TrainingError(f"{path}: not an ONNX model ({str(exc).strip()})") from None
    model = onnx.load(str(path))
    graph = model.graph
    dims = [
        [d.dim_value or None for d in v.type.tensor_type.shape.dim] for v in (*graph.input, *graph.output)
    ]
    expected = [INPUT_SIZE, INPUT_SIZE, 1]
    if (
        len(graph.input) != 1
        or len(graph.output) != 1
        or dims[0][1:] != expected
        or dims[1][-1:] != [len(EMOTIONS)]
    ):
        raise TrainingError(
            f"{path}: not an emotion model ((n, {INPUT_SIZE}, {INPUT_SIZE}, 1) faces in, (n, {len(EMOTIONS)}) out)"
        )
    return model
