"""Synthetic Zoom-like lectures: gallery frames of labelled faces with exact ground truth.

Faces come from a folder of ``<emotion>/`` subfolders (FER2013's layout). Each student has a name
(many scripts), a "room" behind the face, a camera on/off schedule, a presence interval (joining and
leaving), and a scripted emotion timeline; each frame shows the present students as tiles in a
Zoom-like gallery (or speaker view), with name labels, an active-speaker border and reordering.

Test and demo material, apart from the agent: the modules split the job into names
(``names``, ``text``), people (``people``, ``library``), how a client draws them (``looks``,
``geometry``, ``window``, ``tiles``), the frame renderer and its truth (``renderer``, ``truth``)
and the entry points below (``lecture``).
"""

from capture.synth.geometry import FRAME_SIZE
from capture.synth.lecture import MAX_TILES, SyntheticLecture, class_list, render_lecture, synthesize
from capture.synth.library import FaceLibrary
from capture.synth.looks import Client, Theme, View
from capture.synth.tiles import camera_tile
from capture.synth.truth import TruthFrame, TruthStudent

__all__ = [
    "FRAME_SIZE",
    "MAX_TILES",
    "Client",
    "FaceLibrary",
    "SyntheticLecture",
    "Theme",
    "TruthFrame",
    "TruthStudent",
    "View",
    "camera_tile",
    "class_list",
    "render_lecture",
    "synthesize",
]
