"""Synthetic lectures: render one frame by frame, list its class, or write it to a folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from capture.errors import CaptureError
from capture.synth.furniture import draw_self_view
from capture.synth.geometry import FRAME_SIZE
from capture.synth.library import FaceLibrary
from capture.synth.looks import CLIENT_LOOKS, Client, LectureStyle, Theme, View, choose_style
from capture.synth.people import Student, cast_students
from capture.synth.realistic import choose_realism, realistic_style
from capture.synth.renderer import LectureRenderer
from capture.synth.truth import TruthFrame

MAX_TILES = 49  # the most tiles a gallery shows; a client's own where it has one (ClientLook.max_tiles)
MIN_SCREEN = 360  # px: the smallest screen side a lecture is drawn on (a window's bars and tiles fit)
SELF_VIEW_STREAM = 31  # the self-view is drawn from the random stream [seed, this], not the lecture's


@dataclass(frozen=True)
class SyntheticLecture:
    """What :func:`synthesize` wrote: the folder, its truth.json and every frame's truth."""

    out_dir: Path
    truth_path: Path
    names: tuple[str, ...]
    frames: tuple[TruthFrame, ...]


def render_lecture(
    faces: FaceLibrary | Path,
    *,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    theme: Theme | None = None,
    view: View | None = None,
    chrome: bool | None = None,
    rounded: bool | None = None,
    gap: int | None = None,
    dynamics: bool = True,
    client: Client | None = None,
    realistic: bool = False,
    screen: tuple[int, int] | None = None,
    self_view: bool = False,
) -> Iterator[tuple[np.ndarray, TruthFrame]]:
    """Yield ``(BGR 1920x1080 image, TruthFrame)`` for each frame of a synthetic lecture.

    ``dynamics`` turns joining/leaving, reordering and speaker changes on (the default). ``client``
    draws the gallery as that client does (:data:`CLIENT_LOOKS`) with people in rooms.
    ``realistic`` (with a client) draws each frame as a real screenshot of that client looks
    (:mod:`capture.synth.realistic`): frames of the screen's size, often downscaled or JPEG'd.
    ``screen`` (w, h) draws frames of that size instead of 1920x1080 (not with ``realistic``).
    ``self_view`` floats the teacher's own camera over the call's bottom-right corner, as Meet and
    Teams do: not a student, so not in the truth, and the students are drawn as without it.
    """
    rng, style, renderer, people = _cast(
        faces,
        students,
        frames,
        seed,
        theme,
        view,
        chrome,
        rounded,
        gap,
        dynamics,
        client,
        realistic,
        screen,
        self_view,
    )
    order = list(rng.permutation(students))
    speaker: int | None = int(rng.integers(0, students)) if dynamics else None
    for index in range(frames):
        if dynamics and index > 0:
            if rng.random() < 1 / 40:
                order = list(rng.permutation(students))
            if rng.random() < 1 / 12:
                present = [i for i in range(students) if people[i].present[0] <= index < people[i].present[1]]
                speaker = int(rng.choice(present)) if present and rng.random() < 0.8 else None
        image, truth = renderer.render(index, people, order, speaker)
        yield image, TruthFrame(index, f"frame_{index:05d}.png", tuple(truth), style.view)


def _cast(
    faces: FaceLibrary | Path,
    students: int,
    frames: int,
    seed: int,
    theme: Theme | None,
    view: View | None,
    chrome: bool | None,
    rounded: bool | None,
    gap: int | None,
    dynamics: bool,
    client: Client | None = None,
    realistic: bool = False,
    screen: tuple[int, int] | None = None,
    self_view: bool = False,
) -> tuple[np.random.Generator, LectureStyle, LectureRenderer, list[Student]]:
    """The lecture's random state, style, renderer and students, as ``render_lecture`` starts them."""
    _check(students, frames, client, realistic, screen)
    library = faces if isinstance(faces, FaceLibrary) else FaceLibrary.load(Path(faces))
    rng = np.random.default_rng(seed)
    realism = choose_realism(seed, client) if realistic and client is not None else None
    if realism is not None and chrome is None:
        chrome = realism.chrome
    style = choose_style(rng, theme, view, chrome, rounded, gap, client)
    if realism is not None:
        style = realistic_style(style, realism, gap)
    teacher = draw_self_view(library, np.random.default_rng([seed, SELF_VIEW_STREAM])) if self_view else None
    renderer = LectureRenderer(library, style, rng, realism, screen or FRAME_SIZE, teacher)
    people = cast_students(
        rng,
        library,
        students,
        frames,
        dynamics,
        renderer.text,
        renderer.palette.background,
        client is not None,
        realism.scripts if realism is not None else None,
    )
    return rng, style, renderer, people


def _check(
    students: int, frames: int, client: Client | None, realistic: bool, screen: tuple[int, int] | None
) -> None:
    """A CaptureError for a lecture that cannot be drawn: more students than the client's gallery
    shows, no frames, realism without a client, or a screen too small or beside realism's own."""
    most = CLIENT_LOOKS[client].max_tiles if client is not None else MAX_TILES
    if not 1 <= students <= most:
        raise CaptureError(f"students: must be between 1 and {most} (got {students})")
    if frames < 1:
        raise CaptureError(f"frames: must be at least 1 (got {frames})")
    if realistic and client is None:
        raise CaptureError("realistic: draws a client's screenshots, so it needs a client")
    if screen is not None and realistic:
        raise CaptureError("screen: a realistic lecture draws its screenshot's own screen")
    if screen is not None and min(screen) < MIN_SCREEN:
        raise CaptureError(f"screen: must be at least {MIN_SCREEN} px each way (got {screen})")


def class_list(
    faces: FaceLibrary | Path,
    *,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    theme: Theme | None = None,
    view: View | None = None,
    chrome: bool | None = None,
    rounded: bool | None = None,
    gap: int | None = None,
    dynamics: bool = True,
    client: Client | None = None,
    realistic: bool = False,
    screen: tuple[int, int] | None = None,
    self_view: bool = False,
) -> tuple[str, ...]:
    """The names of everyone ``render_lecture`` with the same arguments will show: the class roster
    (the self-view is the teacher, not on it)."""
    _, _, _, people = _cast(
        faces, students, frames, seed, theme, view, chrome, rounded, gap, dynamics, client, realistic, screen
    )
    return tuple(person.name for person in people)


def synthesize(
    faces_dir: Path,
    out_dir: Path,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], object] | None = None,
    **style: Any,
) -> SyntheticLecture:
    """Write ``frame_00000.png`` ... and ``truth.json`` of a synthetic lecture into ``out_dir``.

    ``progress(done, total)`` is called after each frame. ``style`` goes to :func:`render_lecture`.
    """
    library = FaceLibrary.load(Path(faces_dir))
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaptureError(f"output folder {out_dir}: cannot create it ({exc.strerror})") from None
    truths: list[TruthFrame] = []
    names: dict[str, None] = {}
    for image, truth in render_lecture(library, students=students, frames=frames, seed=seed, **style):
        path = out_dir / truth.file
        if not cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 3]):
            raise CaptureError(f"output folder {out_dir}: cannot write {truth.file}")
        truths.append(truth)
        names.update((s.name, None) for s in truth.students)
        if progress is not None:
            progress(len(truths), frames)
    truth_path = out_dir / "truth.json"
    payload = {"frames": [t.to_json() for t in truths]}
    truth_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return SyntheticLecture(out_dir, truth_path, tuple(names), tuple(truths))
