"""Synthetic Zoom-like lectures (test and demo material, apart from the agent)."""

from capture.synth.renderer import (
    CLIENT_LOOKS,
    FRAME_SIZE,
    Client,
    FaceLibrary,
    TextRenderer,
    TruthFrame,
    camera_tile,
    class_list,
    gallery_boxes,
    grid_shape,
    render_lecture,
    synthesize,
)

__all__ = [
    "CLIENT_LOOKS",
    "FRAME_SIZE",
    "Client",
    "FaceLibrary",
    "TextRenderer",
    "TruthFrame",
    "camera_tile",
    "class_list",
    "gallery_boxes",
    "grid_shape",
    "render_lecture",
    "synthesize",
]
