"""Capture: frame sources, gallery layout parsing, synthetic lectures (and faces, names, identity, agent)."""

from capture.errors import CaptureError
from capture.frames import Frame, FrameSource, open_source
from capture.layout import GalleryLayout, Tile, parse_gallery
from capture.synth import render_lecture, synthesize
