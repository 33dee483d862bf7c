"""Capture: frame sources, gallery layout parsing, synthetic lectures (and faces, names, identity, agent).

Exports load on first use (PEP 562): the config loader reads ``capture.settings`` for
every command, and that must not start OpenCV, the face detector and OCR.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capture.agent import AgentResult, AgentStatus, run_agent
    from capture.errors import CaptureError
    from capture.faces import FaceBox, FaceCrop, FaceDetector, TileFace, flat_share
    from capture.frames import Frame, FrameSource, SynthSource, open_source
    from capture.identity import IdentityTracker, TileObservation
    from capture.label_cache import NameRead
    from capture.layout import GalleryLayout, Tile, parse_gallery
    from capture.name_reader import NameReader
    from capture.pipeline import FrameAnalyser, FrameAnalysis, StudentReading, save_debug_frame
    from capture.synth import class_list, render_lecture, synthesize

_EXPORTS: dict[str, tuple[str, ...]] = {
    "capture.errors": ("CaptureError",),
    "capture.frames": ("Frame", "FrameSource", "SynthSource", "open_source"),
    "capture.layout": ("GalleryLayout", "Tile", "parse_gallery"),
    "capture.synth": ("class_list", "render_lecture", "synthesize"),
    "capture.faces": ("FaceBox", "FaceCrop", "FaceDetector", "TileFace", "flat_share"),
    "capture.label_cache": ("NameRead",),
    "capture.name_reader": ("NameReader",),
    "capture.identity": ("IdentityTracker", "TileObservation"),
    "capture.pipeline": ("FrameAnalyser", "FrameAnalysis", "StudentReading", "save_debug_frame"),
    "capture.agent": ("AgentResult", "AgentStatus", "run_agent"),
}
__all__ = [  # written out: linters and type checkers read the exports from it
    "AgentResult",
    "AgentStatus",
    "CaptureError",
    "FaceBox",
    "FaceCrop",
    "FaceDetector",
    "Frame",
    "FrameAnalyser",
    "FrameAnalysis",
    "FrameSource",
    "GalleryLayout",
    "IdentityTracker",
    "NameRead",
    "NameReader",
    "StudentReading",
    "SynthSource",
    "Tile",
    "TileFace",
    "TileObservation",
    "class_list",
    "flat_share",
    "open_source",
    "parse_gallery",
    "render_lecture",
    "run_agent",
    "save_debug_frame",
    "synthesize",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(import_module(module), name)
            globals()[name] = value  # the next lookup is a plain attribute
            return value
    raise AttributeError(f"module 'capture' has no attribute {name!r}")
