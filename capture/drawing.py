"""What the agent sees on one frame, drawn over it: tiles, name labels and the names read from them,
camera on/off, faces, emotions.

``classmood inspect`` shows this to a teacher before class ("does it see all my students?");
``privacy.save_debug_frames`` writes it for each analysed frame. Names are drawn in any script:
the font for each name is the one fontconfig says covers its letters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image, ImageDraw

from capture.fonts import font_for
from model import EMOTIONS

if TYPE_CHECKING:
    from capture.pipeline import FrameAnalysis

TILE_ON = (60, 200, 60)  # BGR: a tile whose camera is on
TILE_OFF = (150, 150, 150)  # a tile whose camera is off
FACE = (0, 215, 255)
LABEL = (255, 160, 40)  # a name label's box


def _caption(text: str, image_height: int) -> tuple[str, int]:
    """The characters that choose a caption's font (non-ASCII ones) and its pixel size."""
    return "".join(sorted({ch for ch in text if ord(ch) > 127})), max(11, min(22, image_height // 60))


def draw_analysis(image: np.ndarray, analysis: FrameAnalysis) -> np.ndarray:
    """A copy of ``image`` (BGR) with each student's tile, name label box, face box, name and emotion
    drawn on it."""
    canvas = image.copy()
    captions: list[tuple[tuple[int, int], str, tuple[int, int, int]]] = []
    for student in analysis.students:
        colour = TILE_ON if student.camera_on else TILE_OFF
        if student.tile_box is not None:
            x, y, w, h = student.tile_box
            cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), colour, 2)
        if student.name_box is not None:
            x, y, w, h = student.name_box
            cv2.rectangle(canvas, (x - 1, y - 1), (x + w, y + h), LABEL, 1)
        if student.face_box is not None:
            x, y, w, h = student.face_box
            cv2.rectangle(canvas, (x, y), (x + w - 1, y + h - 1), FACE, 2)
        if student.tile_box is None:
            continue
        state = "camera off"
        if student.scores is not None:
            best = int(np.argmax(student.scores))
            state = f"{EMOTIONS[best]} {student.scores[best]:.0%}"
        elif student.camera_on:
            state = "no face"
        x, y, _, _ = student.tile_box
        captions.append(((x + 4, y + 4), f"{student.name}\n{state}", colour))
    if not captions:
        return canvas
    picture = Image.fromarray(cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(picture)
    for (x, y), text, colour in captions:
        font = font_for(*_caption(text, image.shape[0]))
        left, top, right, bottom = draw.multiline_textbbox((x, y), text, font=font)
        draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), fill=(0, 0, 0))
        draw.multiline_text((x, y), text, font=font, fill=(colour[2], colour[1], colour[0]))
    return cv2.cvtColor(np.asarray(picture), cv2.COLOR_RGB2BGR)


def analysis_png(image: np.ndarray, analysis: FrameAnalysis) -> bytes:
    """:func:`draw_analysis` as PNG bytes, in memory (the live page's "what the agent sees")."""
    ok, encoded = cv2.imencode(".png", draw_analysis(image, analysis), [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("the drawn frame could not be encoded as PNG")
    return encoded.tobytes()
