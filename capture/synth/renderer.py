"""Drawing the frames of one synthetic lecture: the app window, each student's tile, their label."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from capture.box import Box
from capture.synth.geometry import FRAME_SIZE, gallery_boxes, is_speaker, speaker_boxes
from capture.synth.library import FaceLibrary
from capture.synth.looks import CLIENT_LOOKS, SPEAKER_COLOURS, LectureStyle
from capture.synth.people import Student
from capture.synth.text import TextRenderer, paint
from capture.synth.tiles import face_square, feather_mask, paint_face, paint_shoulders, webcam_face
from capture.synth.truth import TruthStudent


class LectureRenderer:
    """Renders frames of one synthetic lecture; caches rooms, masks and text for its tile sizes."""

    def __init__(self, library: FaceLibrary, style: LectureStyle, rng: np.random.Generator) -> None:
        self.library = library
        self.style = style
        self.rng = rng
        self.text = TextRenderer()
        light = style.theme == "light"
        grey = int(rng.integers(238, 249)) if light else int(rng.integers(14, 34))
        self.bg = np.array(
            [grey + (4 if light else 2), grey, grey - (2 if light else 0)], dtype=np.int32
        ).clip(0, 255)
        self.off_tile = (self.bg + (-22 if light else 24)).clip(0, 255)
        self.look = CLIENT_LOOKS[style.client] if style.client is not None else None
        if self.look is not None:
            self.bg = np.array(self.look.background[style.theme], dtype=np.int32)
            self.off_tile = np.array(self.look.off_tile[style.theme], dtype=np.int32)
        self.off_text = (70, 70, 70) if light else (235, 235, 235)
        self.speaker_colour = SPEAKER_COLOURS[style.theme][int(rng.integers(0, 2))]
        self.base, self.content = self._base()
        self._rooms: dict[tuple[int, int, int], np.ndarray] = {}
        self._feather: dict[int, np.ndarray] = {}

    # the empty app: desktop + window chrome + gallery background
    def _base(self) -> tuple[np.ndarray, Box]:
        fw, fh = FRAME_SIZE
        base = np.empty((fh, fw, 3), np.uint8)
        base[:] = self.bg.astype(np.uint8)
        if not self.style.chrome:
            return base, (0, 0, fw, fh)
        rng = self.rng
        top = rng.integers(40, 200, 3).astype(np.float32)
        bottom = rng.integers(40, 200, 3).astype(np.float32)
        t = np.linspace(0, 1, fh, dtype=np.float32)[:, None, None]
        base[:] = np.broadcast_to(top * (1 - t) + bottom * t, (fh, fw, 3)).astype(np.uint8)
        maximised = rng.random() < 0.4
        wx, wy = (0, 0) if maximised else (int(rng.integers(10, 120)), int(rng.integers(10, 80)))
        ww = fw - wx - (0 if maximised else int(rng.integers(10, 120)))
        wh = fh - wy - (0 if maximised else int(rng.integers(10, 80)))
        light = self.style.theme == "light"
        title_c = (236, 236, 236) if light else (52, 52, 52)
        bar_c = tuple(int(v) for v in ((self.bg + 10).clip(0, 255) if light else (self.bg + 14).clip(0, 255)))
        if light:
            bar_c = (255, 255, 255)
        ink = (40, 40, 40) if light else (225, 225, 225)
        title_h, top_h, tool_h = 30, 34, 72
        cv2.rectangle(base, (wx, wy), (wx + ww - 1, wy + title_h - 1), title_c, -1)
        cv2.rectangle(base, (wx, wy + title_h), (wx + ww - 1, wy + title_h + top_h - 1), bar_c, -1)
        cv2.rectangle(base, (wx, wy + wh - tool_h), (wx + ww - 1, wy + wh - 1), bar_c, -1)
        title = str(
            rng.choice(["Zoom Meeting", "Reunión de Zoom", "Zoom 会议", "Réunion Zoom", "Zoom-Besprechung"])
        )
        paint(
            base,
            self.text.mask(title, "cjk" if self.text.supports("cjk") else "latin", 15),
            wx + ww // 2 - 60,
            wy + 7,
            ink,
        )
        for k, colour in enumerate(((80, 80, 240), (60, 190, 250), (80, 200, 100))):
            cv2.circle(base, (wx + 16 + 22 * k, wy + title_h // 2), 6, colour, -1, cv2.LINE_AA)
        paint(base, self.text.mask("View", "latin", 14), wx + ww - 70, wy + title_h + 9, ink)
        labels = (
            "Mute",
            "Stop Video",
            "Security",
            "Participants",
            "Chat",
            "Share Screen",
            "Record",
            "Reactions",
        )
        step = max((ww - 200) // len(labels), 60)
        for k, label in enumerate(labels):
            x = wx + 40 + k * step
            cv2.rectangle(
                base, (x + 10, wy + wh - tool_h + 10), (x + 38, wy + wh - tool_h + 34), ink, 2, cv2.LINE_AA
            )
            paint(base, self.text.mask(label, "latin", 12), x, wy + wh - tool_h + 44, ink)
        cv2.rectangle(
            base,
            (wx + ww - 110, wy + wh - tool_h + 18),
            (wx + ww - 30, wy + wh - tool_h + 50),
            (40, 40, 220),
            -1,
        )
        paint(
            base, self.text.mask("Leave", "latin", 14), wx + ww - 92, wy + wh - tool_h + 25, (255, 255, 255)
        )
        gallery = (wx, wy + title_h + top_h, ww, wh - title_h - top_h - tool_h)
        base[gallery[1] : gallery[1] + gallery[3], gallery[0] : gallery[0] + gallery[2]] = self.bg.astype(
            np.uint8
        )
        return base, gallery

    def _room(self, student_index: int, student: Student, w: int, h: int) -> np.ndarray:
        key = (student_index, w, h)
        room = self._rooms.get(key)
        if room is None:
            room = cv2.resize(student.room, (w, h), interpolation=cv2.INTER_LINEAR)
            self._rooms[key] = room
        return room

    def _feather_mask(self, size: int) -> np.ndarray:
        mask = self._feather.get(size)
        if mask is None:
            mask = self._feather[size] = feather_mask(size)
        return mask

    def _label(self, canvas: np.ndarray, student: Student, box: Box) -> Box:
        x, y, w, h = box
        size = int(np.clip(round(h * 0.085), 10, 22))
        text = self.text.mask(student.name, student.script, size)
        text = text[:, : max(1, w - 20)]
        pad_x, pad_y = 5, 3
        lw, lh = text.shape[1] + 2 * pad_x, text.shape[0] + 2 * pad_y
        lx, ly = x + 4, y + h - lh - 4
        if self.look is not None and not self.look.plate:  # Meet: white text with a soft shadow on the video
            shadow = cv2.GaussianBlur(text, (0, 0), 1.2)
            paint(
                canvas,
                (shadow.astype(np.float32) * 0.8).astype(np.uint8),
                lx + pad_x + 1,
                ly + pad_y + 1,
                (0, 0, 0),
            )
        else:
            region = canvas[ly : ly + lh, lx : lx + lw]
            region[:] = (region.astype(np.float32) * 0.42).astype(np.uint8)
        paint(canvas, text, lx + pad_x, ly + pad_y, (255, 255, 255))
        return (lx, ly, lw, lh)

    def _camera_off(self, canvas: np.ndarray, student: Student, box: Box) -> None:
        x, y, w, h = box
        canvas[y : y + h, x : x + w] = self.off_tile.astype(np.uint8)
        avatar = student.avatar if self.look is None else student.avatar_roll < self.look.avatar_share
        if avatar:
            radius = max(int(h * 0.2), 6)
            cv2.circle(canvas, (x + w // 2, y + h // 2), radius, student.avatar_colour, -1, cv2.LINE_AA)
            mask = self.text.mask(student.initials, student.script, max(int(radius * 0.8), 8))
            paint(
                canvas,
                mask,
                x + w // 2 - mask.shape[1] // 2,
                y + h // 2 - mask.shape[0] // 2,
                (255, 255, 255),
            )
        else:
            mask = self.text.mask(student.name, student.script, int(np.clip(h * 0.11, 10, 48)))
            mask = mask[:, : max(1, w - 16)]
            paint(canvas, mask, x + (w - mask.shape[1]) // 2, y + (h - mask.shape[0]) // 2, self.off_text)

    def _camera_on(self, canvas: np.ndarray, index: int, student: Student, box: Box, face: np.ndarray) -> Box:
        """Paint the student's room and face into ``box``; returns where the face image went.

        With a client style the student is a person in a room: head and shoulders, the face a third
        to a half of the tile's height, off-centre, as webcams frame people; else a larger face."""
        x, y, w, h = box
        canvas[y : y + h, x : x + w] = self._room(index, student, w, h)
        if self.look is None:
            fx, fy, size = face_square(w, h, student.face_scale, student.face_offset, self.rng)
        else:
            fx, fy, size = webcam_face(w, h, student.face_scale, student.face_offset)
            paint_shoulders(canvas[y : y + h, x : x + w], (fx, fy, size), student.clothes)
        fx, fy = x + fx, y + fy
        paint_face(canvas, face, (fx, fy, size, size), student.tint, self._feather_mask(size))
        return fx, fy, size, size

    def _corners(self, canvas: np.ndarray, box: Box) -> None:
        x, y, w, h = box
        r = max(3, min(w, h) // 14) if self.style.client is None else self.style.corner
        yy, xx = np.mgrid[0:r, 0:r]
        outside = (xx - r + 0.5) ** 2 + (yy - r + 0.5) ** 2 > r * r
        bg = self.bg.astype(np.uint8)
        canvas[y : y + r, x : x + r][outside] = bg
        canvas[y : y + r, x + w - r : x + w][outside[:, ::-1]] = bg
        canvas[y + h - r : y + h, x : x + r][outside[::-1, :]] = bg
        canvas[y + h - r : y + h, x + w - r : x + w][outside[::-1, ::-1]] = bg

    def render(
        self,
        index: int,
        people: Sequence[Student],
        order: Sequence[int],
        speaker: int | None,
    ) -> tuple[np.ndarray, list[TruthStudent]]:
        canvas = self.base.copy()
        shown = [i for i in order if people[i].present[0] <= index < people[i].present[1]]
        if is_speaker(self.style.view) and shown:
            first = speaker if speaker in shown else shown[0]
            shown = [first] + [i for i in shown if i != first]
            boxes = speaker_boxes(len(shown), self.content, self.style.gap, self.style.view)
        else:
            boxes = gallery_boxes(len(shown), self.content, self.style.gap)
        truth: list[TruthStudent] = []
        for i, box in zip(shown, boxes, strict=False):
            student = people[i]
            camera = bool(student.camera[index])
            emotion = student.emotions[index] if camera else None
            face_box = None
            if camera and emotion is not None:
                pool = student.faces[emotion]
                face = self.library.image(pool[int(self.rng.integers(0, len(pool)))])
                face_box = self._camera_on(canvas, i, student, box, face)
            else:
                self._camera_off(canvas, student, box)
            label = self._label(canvas, student, box)
            speaking = i == speaker
            if speaking:
                x, y, w, h = box
                thick = int(np.clip(h // 50, 2, 5))
                half = thick // 2
                cv2.rectangle(
                    canvas,
                    (x + half, y + half),
                    (x + w - 1 - half, y + h - 1 - half),
                    self.speaker_colour,
                    thick,
                )
            if self.style.rounded and (self.style.client is None or self.style.corner > 0):
                self._corners(canvas, box)
            truth.append(TruthStudent(student.name, box, camera, emotion, speaking, label, face_box))
        if self.style.view == "speaker" and truth:
            truth = truth[1:] + truth[:1]  # reading order: the strip above the big tile comes first
        return canvas, truth
