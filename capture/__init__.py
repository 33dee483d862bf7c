"""Capture: frame sources, gallery layout parsing, synthetic lectures (and faces, names, identity, agent)."""

from capture.agent import AgentResult, AgentStatus, run_agent
from capture.errors import CaptureError
from capture.faces import FaceBox, FaceCrop, FaceDetector, TileFace, flat_share
from capture.frames import Frame, FrameSource, SynthSource, open_source
from capture.identity import IdentityTracker, TileObservation
from capture.layout import GalleryLayout, Tile, parse_gallery
from capture.names import NameRead, NameReader
from capture.pipeline import FrameAnalyser, FrameAnalysis, StudentReading, save_debug_frame
from capture.synth import class_list, render_lecture, synthesize

__all__ = [
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
