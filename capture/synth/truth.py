"""The ground truth of a synthetic lecture: who is where in each frame, camera and emotion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capture.box import Box
from capture.synth.looks import View


@dataclass(frozen=True)
class TruthStudent:
    """One visible student in one frame; ``box`` is the tile (x, y, w, h) in frame pixels.
    ``label_legible``: whether the name label can be read, not hidden even in part by a pop-up or a
    dialog drawn over the call (the real screenshots' truth leaves such labels out of its names)."""

    name: str
    box: Box
    camera: bool
    emotion: str | None
    speaking: bool = False
    label_box: Box | None = None
    face_box: Box | None = None
    label_legible: bool = True

    def to_json(self) -> dict[str, Any]:
        """The student as truth.json writes it (name, tile box, camera, emotion)."""
        return {"name": self.name, "box": list(self.box), "camera": self.camera, "emotion": self.emotion}


@dataclass(frozen=True)
class TruthFrame:
    """Ground truth of one frame: the visible students in tile (reading) order."""

    index: int
    file: str
    students: tuple[TruthStudent, ...]
    view: View = "gallery"

    def to_json(self) -> dict[str, Any]:
        """The frame as truth.json writes it."""
        return {"index": self.index, "file": self.file, "students": [s.to_json() for s in self.students]}
