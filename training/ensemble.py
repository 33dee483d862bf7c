"""Join exported models of one kind into one ONNX file that averages their probabilities.

Networks of different sizes and training make different mistakes: the average of a teacher
snapshot and the small default is better than either (model/MODEL_CARD.md, "Accurate mode"), and so
is the average of two text-line recognisers (model/NAME_LINES_MODEL_CARD.md); one file keeps the
runtime (:class:`model.EmotionClassifier`, :class:`model.text_lines.TextLineReader`) and its
settings unchanged. The recognisers' probabilities are per step of the line: averaged step by
step, which needs members whose steps line up (continued from one another, as ours are).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from model import EMOTIONS
from model.preprocess import INPUT_SIZE
from model.text_lines import CHARSET, LINE_HEIGHT, LINE_WIDTH
from training.errors import TrainingError

if TYPE_CHECKING:
    import onnx


@dataclass(frozen=True)
class ModelKind:
    """What a member takes and gives: its input (named ``input``, ``(n, *input_shape)``) and the
    last dimension of its probabilities (``classes``)."""

    name: str
    input: str
    input_shape: tuple[int, ...]
    classes: int

    def describe(self) -> str:
        shape = ", ".join(map(str, self.input_shape))
        return f"{self.name}: (n, {shape}) {self.input}s in, (..., {self.classes}) out"


KINDS = (
    ModelKind("emotion", "face", (INPUT_SIZE, INPUT_SIZE, 1), len(EMOTIONS)),
    ModelKind("text-line", "line", (LINE_HEIGHT, LINE_WIDTH, 1), len(CHARSET) + 1),
)
OUTPUT = "probabilities"


def ensemble_onnx(members: Sequence[Path], target: Path) -> Path:
    """Write to ``target`` one ONNX model whose output is the mean of ``members``' probabilities,
    all exported models of one :data:`KINDS` (emotion models, or text-line recognisers)."""
    import onnx
    from onnx import compose, helper

    if len(members) < 2:
        raise TrainingError("an ensemble needs two models or more")
    loaded = [_load(Path(path)) for path in members]
    kind = loaded[0][1]
    for path, (_, other) in zip(members, loaded, strict=True):
        if other != kind:
            raise TrainingError(f"models of two kinds: {members[0]} ({kind.name}), {path} ({other.name})")
    models = [model for model, _ in loaded]
    first = models[0].graph
    nodes, initializers, outputs = [], [], []
    for index, model in enumerate(models):
        prefixed = compose.add_prefix(model, f"m{index}_")
        graph = prefixed.graph
        nodes.append(helper.make_node("Identity", [kind.input], [graph.input[0].name]))
        nodes.extend(graph.node)
        initializers.extend(graph.initializer)
        outputs.append(graph.output[0].name)
    nodes.append(helper.make_node("Mean", outputs, [OUTPUT]))
    given, probabilities = onnx.ValueInfoProto(), onnx.ValueInfoProto()
    given.CopyFrom(first.input[0])
    given.name = kind.input
    probabilities.CopyFrom(first.output[0])
    probabilities.name = OUTPUT
    graph = helper.make_graph(nodes, f"{kind.name}_ensemble", [given], [probabilities], initializers)
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


def _load(path: Path) -> tuple[onnx.ModelProto, ModelKind]:
    """One member and its kind, checked: one input of a kind's shape, one output of its classes."""
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
    for kind in KINDS:
        if (
            len(graph.input) == 1
            and len(graph.output) == 1
            and dims[0][1:] == list(kind.input_shape)
            and dims[1][-1:] == [kind.classes]
        ):
            return model, kind
    raise TrainingError(f"{path}: not a model to join ({'; '.join(kind.describe() for kind in KINDS)})")
