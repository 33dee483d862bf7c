"""Drawing the frames of one synthetic lecture: the app window, each student's tile, their label."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from capture.box import Box, intersection
from capture.synth.furniture import (
    SELF_VIEW_CORNER,
    SelfView,
    column_avatar,
    column_boxes,
    dialog,
    is_muted,
    mixed_boxes,
    mute_icon,
    paint_self_view,
    popup,
    rows_boxes,
    side_panel,
)
from capture.synth.geometry import FRAME_SIZE, gallery_boxes, is_speaker, speaker_boxes
from capture.synth.library import FaceLibrary
from capture.synth.looks import CLIENT_LOOKS, ClientLook, LectureStyle, choose_palette
from capture.synth.people import Student
from capture.synth.realistic import Realism
from capture.synth.shot import take
from capture.synth.text import TextRenderer, paint
from capture.synth.tiles import face_square, feather_mask, paint_face, paint_shoulders, webcam_face
from capture.synth.truth import TruthStudent
from capture.synth.webcam import paint_webcam, textured_room
from capture.synth.window import CLIENT_TITLES, TITLES, app_frame

PLATE_GREY = 38.0  # what a realistic name plate blends the tile toward


class LectureRenderer:
    """Renders frames of one synthetic lecture; caches rooms, masks and text for its tile sizes.

    Frames are ``screen`` (w, h) big (a realistic lecture's: its screenshot's screen); a
    ``self_view`` floats over the call's bottom-right corner, as the teacher's own camera."""

    def __init__(
        self,
        library: FaceLibrary,
        style: LectureStyle,
        rng: np.random.Generator,
        realism: Realism | None = None,
        screen: tuple[int, int] = FRAME_SIZE,
        self_view: SelfView | None = None,
    ) -> None:
        self.library = library
        self.style = style
        self.rng = rng
        self.real = realism
        self.self_view = self_view
        self.text = TextRenderer()
        self.palette = choose_palette(style, rng)
        size, titles = screen, TITLES
        if realism is not None:
            size, titles = realism.shot.screen, CLIENT_TITLES.get(style.client or "", TITLES)
        client = style.client if realism is not None else None
        self.base, self.content = app_frame(
            style, self.palette.background, rng, self.text, size, titles, client
        )
        if realism is not None and realism.panel:
            self.content = side_panel(self.base, self.content, self.text, realism.shot.label_px)
        self._rooms: dict[tuple[int, int, int], np.ndarray] = {}
        self._feather: dict[int, np.ndarray] = {}

    @property
    def look(self) -> ClientLook | None:
        """How the style's client draws its gallery (None: flat faces, no client)."""
        return CLIENT_LOOKS[self.style.client] if self.style.client is not None else None

    def _room(self, student_index: int, student: Student, w: int, h: int) -> np.ndarray:
        """The student's room scaled to a w x h tile (kept: tiles keep their size for many frames)."""
        key = (student_index, w, h)
        room = self._rooms.get(key)
        if room is None:
            room = cv2.resize(student.looks.room, (w, h), interpolation=cv2.INTER_LINEAR)
            self._rooms[key] = room
        return room

    def _feather_mask(self, size: int) -> np.ndarray:
        """:func:`feather_mask` of ``size``, kept for the next face of that size."""
        mask = self._feather.get(size)
        if mask is None:
            mask = self._feather[size] = feather_mask(size)
        return mask

    def _label(self, canvas: np.ndarray, student: Student, box: Box) -> Box:
        """The student's name at the tile's bottom left, on a see-through plate (or with a shadow
        where the client draws no plate); returns the label's box."""
        if self.real is not None:
            return self._real_label(canvas, student, box)
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

    def _real_label(self, canvas: np.ndarray, student: Student, box: Box) -> Box:
        """The name as the client draws it at the screen's label size: Zoom's plate flush in the
        tile's corner, Teams' inset, Meet's white text on the video; a muted-microphone icon before
        it (Zoom, Meet); cut at the tile's width. Returns the label's box."""
        assert self.real is not None
        x, y, w, h = box
        px = min(self.real.shot.label_px, max(h // 6, 7))
        client = self.style.client
        icon = is_muted(student.name) and client != "teams"
        icon_w = 2 * max(px // 2, 3) + max(3, px // 3) if icon else 0
        pad_x, pad_y = max(px // 3, 3), max(px // 5, 2)
        draw = self.text.subpixel_mask if self.real.shot.subpixel else self.text.mask
        text = draw(student.name, student.script, px)
        text = text[:, : max(1, w - 2 * pad_x - icon_w - 8)]
        lw, lh = text.shape[1] + 2 * pad_x + icon_w, text.shape[0] + 2 * pad_y
        inset = {"zoom": 0, "teams": max(px // 2, 3)}.get(client or "", px)
        lx, ly = x + inset, y + h - lh - inset // 2
        if self.look is not None and self.look.plate:  # a see-through dark grey: lighter on a black tile
            region = canvas[ly : ly + lh, lx : lx + lw]
            region[:] = (region.astype(np.float32) * 0.3 + 0.7 * PLATE_GREY).astype(np.uint8)
        else:
            shadow = cv2.GaussianBlur(text if text.ndim == 2 else text.max(axis=2), (0, 0), 1.2)
            paint(canvas, (shadow * 0.8).astype(np.uint8), lx + pad_x + icon_w + 1, ly + pad_y + 1, (0, 0, 0))
        if icon:
            mute_icon(canvas, lx + pad_x, ly + (lh - px) // 2, px, client == "meet")
        paint(canvas, text, lx + pad_x + icon_w, ly + pad_y, (255, 255, 255))
        return (lx, ly, lw, lh)

    def _camera_off(self, canvas: np.ndarray, student: Student, box: Box) -> None:
        """A camera-off tile: the student's initials on an avatar disc, or their name, large."""
        x, y, w, h = box
        looks = student.looks
        canvas[y : y + h, x : x + w] = self.palette.off_tile.astype(np.uint8)
        avatar = looks.avatar if self.look is None else looks.avatar_roll < self.look.avatar_share
        share = 0.11
        if self.real is not None and self.style.client == "zoom":  # real Zoom calls: the name, large
            avatar, share = False, 0.15
        if self.real is not None and self.style.client == "meet" and self.real.borderless:
            self._meet_avatar(canvas, student, box)
        elif avatar:
            radius = max(int(h * 0.2), 6)
            cv2.circle(canvas, (x + w // 2, y + h // 2), radius, looks.avatar_colour, -1, cv2.LINE_AA)
            mask = self.text.mask(student.initials, student.script, max(int(radius * 0.8), 8))
            paint(
                canvas,
                mask,
                x + w // 2 - mask.shape[1] // 2,
                y + h // 2 - mask.shape[0] // 2,
                (255, 255, 255),
            )
        else:
            mask = self.text.mask(student.name, student.script, int(np.clip(h * share, 10, 48)))
            mask = mask[:, : max(1, w - 16)]
            paint(
                canvas,
                mask,
                x + (w - mask.shape[1]) // 2,
                y + (h - mask.shape[0]) // 2,
                self.palette.off_text,
            )

    def _meet_avatar(self, canvas: np.ndarray, student: Student, box: Box) -> None:
        """Meet's camera-off tile: no border (the app's background) and a large disc, a profile
        photo for some, the initials on a colour for others."""
        x, y, w, h = box
        canvas[y : y + h, x : x + w] = self.palette.background.astype(np.uint8)
        radius = max(int(h * 0.28), 8)
        cx, cy = x + w // 2, y + int(h * 0.45)
        if student.looks.avatar:
            photo = cv2.resize(
                textured_room(np.random.default_rng(len(student.name))), (2 * radius, 2 * radius)
            )
            disc = np.zeros((2 * radius, 2 * radius), np.uint8)
            cv2.circle(disc, (radius, radius), radius, 255, -1, cv2.LINE_AA)
            paint_rgb = canvas[cy - radius : cy + radius, cx - radius : cx + radius]
            alpha = disc[:, :, None].astype(np.float32) / 255
            paint_rgb[:] = (paint_rgb * (1 - alpha) + photo * alpha).astype(np.uint8)
            return
        cv2.circle(canvas, (cx, cy), radius, student.looks.avatar_colour, -1, cv2.LINE_AA)
        mask = self.text.mask(student.initials, student.script, max(int(radius * 0.8), 8))
        paint(canvas, mask, cx - mask.shape[1] // 2, cy - mask.shape[0] // 2, (255, 255, 255))

    def _camera_on(self, canvas: np.ndarray, index: int, student: Student, box: Box, face: np.ndarray) -> Box:
        """Paint the student's room and face into ``box``; returns where the face image went.

        With a client style the student is a person in a room: head and shoulders, the face a third
        to a half of the tile's height, off-centre, as webcams frame people; else a larger face."""
        if self.real is not None:
            return paint_webcam(canvas, box, self.real.pose(index), face, student.looks, self._feather_mask)
        x, y, w, h = box
        looks = student.looks
        canvas[y : y + h, x : x + w] = self._room(index, student, w, h)
        if self.look is None:
            fx, fy, size = face_square(w, h, looks.face_scale, looks.face_offset, self.rng)
        else:
            fx, fy, size = webcam_face(w, h, looks.face_scale, looks.face_offset)
            paint_shoulders(canvas[y : y + h, x : x + w], (fx, fy, size), looks.clothes)
        fx, fy = x + fx, y + fy
        paint_face(canvas, face, (fx, fy, size, size), looks.tint, self._feather_mask(size))
        return fx, fy, size, size

    def _corners(self, canvas: np.ndarray, box: Box) -> None:
        """Round the tile's corners by painting the background over what lies outside them."""
        x, y, w, h = box
        r = max(3, min(w, h) // 14) if self.style.client is None else self.style.corner
        yy, xx = np.mgrid[0:r, 0:r]
        outside = (xx - r + 0.5) ** 2 + (yy - r + 0.5) ** 2 > r * r
        bg = self.palette.background.astype(np.uint8)
        canvas[y : y + r, x : x + r][outside] = bg
        canvas[y : y + r, x + w - r : x + w][outside[:, ::-1]] = bg
        canvas[y + h - r : y + h, x : x + r][outside[::-1, :]] = bg
        canvas[y + h - r : y + h, x + w - r : x + w][outside[::-1, ::-1]] = bg

    def _speaker_border(self, canvas: np.ndarray, box: Box) -> None:
        """The active speaker's coloured border, drawn inside the tile."""
        x, y, w, h = box
        thick = int(np.clip(h // 50, 2, 5))
        half = thick // 2
        corners = (x + half, y + half), (x + w - 1 - half, y + h - 1 - half)
        cv2.rectangle(canvas, *corners, self.palette.speaker, thick)

    def _layout(
        self, index: int, people: Sequence[Student], order: Sequence[int], speaker: int | None
    ) -> tuple[list[int], list[Box], int]:
        """Who is shown on frame ``index`` (present students in ``order``; in a speaker view the
        speaker, or else the first, in the big tile), the box of each, and how many of them (the
        last ones) sit in Teams' column of camera-off people."""
        shown = [i for i in order if people[i].present[0] <= index < people[i].present[1]]
        if is_speaker(self.style.view) and shown:
            first = speaker if speaker in shown else shown[0]
            shown = [first] + [i for i in shown if i != first]
            return shown, speaker_boxes(len(shown), self.content, self.style.gap, self.style.view), 0
        if self.real is not None and self.style.client == "teams":
            off = [i for i in shown if not people[i].camera[index]][:4] if self.real.column else []
            if off and len(off) < len(shown):
                column, rest = column_boxes(len(off), self.content, self.style.gap)
                tiles = [i for i in shown if i not in off]
                return tiles + off, self._grid(len(tiles), rest) + column, len(off)
            return shown, self._grid(len(shown), self.content), 0
        return shown, gallery_boxes(len(shown), self.content, self.style.gap), 0

    def _grid(self, n: int, content: Box) -> list[Box]:
        """A realistic Teams call's video tiles: of mixed sizes in half the calls of up to six
        video tiles, else rows filling the call's width (:func:`rows_boxes`) or a grid."""
        assert self.real is not None
        if self.real.mixed and n <= 6:
            return mixed_boxes(n, content, self.style.gap)
        if self.real.rows:
            return rows_boxes(n, content, self.style.gap)
        return gallery_boxes(n, content, self.style.gap)

    def _tile(self, canvas: np.ndarray, i: int, student: Student, box: Box, index: int) -> TruthStudent:
        """Draw student ``i``'s tile on frame ``index`` (their webcam, or camera off) and label;
        returns their truth (not speaking)."""
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
        return TruthStudent(student.name, box, camera, emotion, False, label, face_box)

    def _in_column(self, canvas: np.ndarray, student: Student, box: Box, speaking: bool) -> TruthStudent:
        """Draw a camera-off student in Teams' column (a disc, the name under it); their truth."""
        assert self.real is not None
        px = self.real.shot.label_px
        label = self.text.mask(student.name, student.script, px)[:, : max(1, box[2] - 12)]
        ink = self.palette.off_text
        label_box = column_avatar(canvas, box, student.looks.avatar_colour, label, ink, speaking)
        return TruthStudent(student.name, box, False, None, speaking, label_box, None)

    def render(
        self,
        index: int,
        people: Sequence[Student],
        order: Sequence[int],
        speaker: int | None,
    ) -> tuple[np.ndarray, list[TruthStudent]]:
        """Frame ``index``: the present students' tiles in ``order`` with ``speaker`` (an index into
        ``people``) marked; returns the BGR frame and its truth in reading order (a realistic
        lecture's frame as its screenshot was saved)."""
        canvas = self.base.copy()
        shown, boxes, in_column = self._layout(index, people, order, speaker)
        truth: list[TruthStudent] = []
        for k, (i, box) in enumerate(zip(shown, boxes, strict=False)):
            speaking = i == speaker
            if k >= len(shown) - in_column:
                truth.append(self._in_column(canvas, people[i], box, speaking))
                continue
            student = self._tile(canvas, i, people[i], box, index)
            if speaking:
                self._speaker_border(canvas, box)
            if self.style.rounded and (self.style.client is None or self.style.corner > 0):
                self._corners(canvas, box)
            truth.append(replace(student, speaking=speaking))
        if self.style.view == "speaker" and truth:
            truth = truth[1:] + truth[:1]  # reading order: the strip above the big tile comes first
        if self.self_view is not None:
            corner = self.style.corner if self.style.corner > 0 else SELF_VIEW_CORNER
            paint_self_view(canvas, self.content, self.self_view, corner)
        if self.real is None:
            return canvas, truth
        over: list[Box] = []
        if self.real.popup is not None and self.real.popup < len(boxes) - in_column:
            popup_rng = np.random.default_rng(self.real.popup)
            over.append(popup(canvas, boxes[self.real.popup], popup_rng, self.text, self.real.shot.label_px))
        video = boxes[: len(boxes) - in_column]
        if self.real.dialog and video:
            x0, y0 = min(b[0] for b in video), min(b[1] for b in video)
            x1, y1 = max(b[0] + b[2] for b in video), max(b[1] + b[3] for b in video)
            dialog_rng = np.random.default_rng(len(video))
            px = self.real.shot.label_px
            over.append(
                dialog(canvas, (x0, y0, x1 - x0, y1 - y0), self.palette.background, dialog_rng, self.text, px)
            )
        return take(canvas, [_seen(student, over) for student in truth], self.real.shot)


def _seen(student: TruthStudent, over: Sequence[Box]) -> TruthStudent:
    """The student as the frame shows them: a face that a box drawn over the call (a pop-up, a
    dialog) hides by half or more, or that the tile's edge cuts to under half of its square, is no
    visible face, so it has no emotion to read; a label such a box hides even in part is not
    legible."""
    if student.label_box is not None and any(intersection(student.label_box, box) > 0 for box in over):
        student = replace(student, label_legible=False)
    if student.face_box is None:
        return student
    _, _, w, h = student.face_box
    if w * h * 2 < max(w, h) ** 2:
        return replace(student, emotion=None, face_box=None)
    if any(intersection(student.face_box, box) * 2 >= w * h for box in over):
        return replace(student, emotion=None, face_box=None)
    return student
