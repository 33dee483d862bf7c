"""Capture: frame sources, gallery layout parsing, synthetic lectures (and faces, names, identity, agent)."""

from capture.errors import CaptureError
from capture.frames import Frame, FrameSource, SynthSource, open_source
from capture.layout import GalleryLayout, Tile, parse_gallery
from capture.synth import class_list, render_lecture, synthesize
from capture.faces import FaceBox, FaceCrop, FaceDetector, TileFace, flat_share
from capture.names import NameRead, NameReader
from capture.identity import IdentityTracker, TileObservation
from capture.pipeline import FrameAnalyser, FrameAnalysis, StudentReading, save_debug_frame
from capture.agent import AgentResult, AgentStatus, run_agent
