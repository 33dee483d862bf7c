"""A real X display for screen-capture tests: Xvfb, and an image shown in a real window on it.

``xvfb_display()`` starts ``Xvfb`` on a free display number; ``ImageWindow`` shows a BGR image in an
undecorated Tk window (the venv's Python needs ``_tkinter``) at a given position with a given title,
and waits until the image is really on the screen. Reusable by later agent tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

WINDOW_SCRIPT = r"""
import sys, tkinter
path, title, x, y = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
root = tkinter.Tk()
root.title(title)
root.overrideredirect(True)
photo = tkinter.PhotoImage(file=path)
root.geometry(f"{photo.width()}x{photo.height()}+{x}+{y}")
tkinter.Label(root, image=photo, borderwidth=0, highlightthickness=0).pack()
root.mainloop()
"""


def missing_requirements() -> str | None:
    """Why a real-screen test cannot run here, or None when it can."""
    if sys.platform != "linux":
        return "real-screen tests need Linux/X11"
    if shutil.which("Xvfb") is None:
        return "Xvfb not installed (Debian package xvfb)"
    probe = subprocess.run([sys.executable, "-c", "import tkinter"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "this Python has no tkinter (_tkinter / libtk8.6 missing)"
    return None


@contextmanager
def xvfb_display(width: int = 1920, height: int = 1080) -> Iterator[str]:
    """Start Xvfb with one ``width`` x ``height`` x 24 screen; yields the DISPLAY string (":99").

    Xvfb picks a free display number itself (``-displayfd``), so parallel runs never share one.
    """
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-noreset",
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        display = f":{number}"
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {display} did not start")
            time.sleep(0.05)
        yield display
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ImageWindow:
    """A BGR image shown at (x, y) in a Tk window titled ``title`` on ``display``."""

    def __init__(
        self, display: str, image: np.ndarray, title: str = "ClassMood test gallery", x: int = 0, y: int = 0
    ):
        self.display, self.title, self.x, self.y = display, title, x, y
        self.image = image
        self._folder = tempfile.TemporaryDirectory(prefix="classmood-window-")
        self.path = Path(self._folder.name) / "shown.png"
        cv2.imwrite(str(self.path), image)
        env = dict(os.environ, DISPLAY=display)
        self.process = subprocess.Popen(
            [sys.executable, "-c", WINDOW_SCRIPT, str(self.path), title, str(x), str(y)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            self._wait_until_shown()
        except BaseException:
            self.close()
            raise

    def _wait_until_shown(self, timeout: float = 30.0) -> None:
        import mss

        h, w = self.image.shape[:2]
        box = {"left": self.x, "top": self.y, "width": w, "height": h}
        deadline = time.monotonic() + timeout
        old = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = self.display
        try:
            with mss.mss() as grabber:
                while True:
                    if self.process.poll() is not None:
                        err = (
                            self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                        )
                        raise RuntimeError(f"image window exited: {err.strip()[-500:]}")
                    shot = np.asarray(grabber.grab(box))[:, :, :3]
                    if np.abs(shot.astype(np.int16) - self.image.astype(np.int16)).mean() < 2.0:
                        return
                    if time.monotonic() > deadline:
                        raise RuntimeError("image window did not appear on the screen in time")
                    time.sleep(0.1)
        finally:
            if old is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = old

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        self._folder.cleanup()

    def __enter__(self) -> ImageWindow:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
