"""CPU and memory of the real capture agent at its default pace (1 frame/s) on a live screen.

    .venv/bin/python bench/agent_cpu.py [--students 25] [--minutes 3] [--fps 1] [--json] [--out FILE]

1. A synthetic lecture (``classmood synth``'s generator) is rendered once into runs/bench/.
2. Xvfb (1920x1080) is started, and in a separate process a full-screen slideshow window shows the
   next frame of the lecture every second, like a meeting's gallery view.
3. The real agent runs in this process: ``classmood.recording.record_lecture`` with a
   ``ScreenSource`` (mss) on that display, the default settings (1 frame/s, 2 threads), the class
   roster, and an SQLite database written through the spooling writer, until ``--minutes`` are up.
4. The CPU time (user + system) of this process, all threads, and of the agent's face worker
   process (``capture.face_worker``) divided by wall time is the agent's CPU use in % of one
   core: for the whole run, and in steady state (after the first frame, which OCRs every name
   label). Xvfb and the slideshow run in other processes and are not counted.

Needs Linux with Xvfb and a Python with tkinter (for the slideshow window).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import cached_lecture, emit, machine  # noqa: E402
from capture.frames import ScreenSource  # noqa: E402
from classmood.config import Settings  # noqa: E402
from classmood.recording import record_lecture  # noqa: E402
from classmood.wiring import open_database  # noqa: E402

DEFAULT_FACES = ROOT.parent / "shared" / "datasets" / "fer2013" / "test"
SLIDESHOW = r"""
import sys, tkinter
paths, period_ms = sys.argv[2:], int(sys.argv[1])
root = tkinter.Tk()
root.overrideredirect(True)
root.geometry("1920x1080+0+0")
label = tkinter.Label(root, borderwidth=0, highlightthickness=0)
label.pack()
state = {"i": 0}
def show():
    photo = tkinter.PhotoImage(file=paths[state["i"] % len(paths)])
    label.configure(image=photo)
    label.image = photo
    state["i"] += 1
    root.after(period_ms, show)
show()
root.mainloop()
"""


@contextmanager
def xvfb_display() -> Iterator[str]:
    """Xvfb with one 1920x1080x24 screen on a display number it picks itself; yields ":N"."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("agent_cpu: Xvfb is not installed (Debian package xvfb)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-noreset",
            "-screen",
            "0",
            "1920x1080x24",
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
            raise SystemExit("agent_cpu: Xvfb did not start")
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"agent_cpu: Xvfb :{number} did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def slideshow(display: str, frames: list[Path], period: float) -> Iterator[None]:
    """A borderless full-screen window showing ``frames`` in turn, one every ``period`` seconds."""
    env = {**os.environ, "DISPLAY": display}
    process = subprocess.Popen(
        [sys.executable, "-c", SLIDESHOW, str(int(period * 1000)), *map(str, frames)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3.0)  # window mapped and the first frame painted
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SystemExit(f"agent_cpu: slideshow window failed: {err.strip()[-300:]}")
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the agent's face worker
    process, once the recording is over)."""
    seconds = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        seconds += usage.ru_utime + usage.ru_stime
    return seconds


def _worker_cpu_seconds() -> float:
    """CPU seconds so far of this process's live multiprocessing children (the face worker), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in children:
            try:
                if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except OSError:
                continue
    return total


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def measure(folder: Path, truth: dict[str, Any], minutes: float, fps: float) -> dict[str, Any]:
    frames = [folder / f["file"] for f in truth["frames"]]
    roster = sorted({s["name"] for f in truth["frames"] for s in f["students"]})
    per_frame_ms: list[float] = []
    steady: dict[str, float] = {}

    def on_status(status: Any) -> None:
        per_frame_ms.append(status.last_ms)
        if status.frames == 1:
            steady.update(
                cpu=_cpu_seconds() + _worker_cpu_seconds(),
                wall=time.monotonic(),
                busy=_busy_jiffies()[0],
                all=_busy_jiffies()[1],
            )

    with (
        tempfile.TemporaryDirectory() as tmp,
        xvfb_display() as display,
        slideshow(display, frames, 1.0 / fps),
    ):
        os.environ["DISPLAY"] = display
        settings = Settings()
        settings.storage.data_dir = Path(tmp)
        settings.capture.fps = fps
        db = open_database(settings)
        stop = threading.Event()
        timer = threading.Timer(minutes * 60.0, stop.set)
        cpu0, wall0 = _cpu_seconds(), time.monotonic()
        timer.start()
        try:
            with ScreenSource(monitor=1) as source:
                recording = record_lecture(
                    settings,
                    db,
                    source,
                    title="agent cpu bench",
                    roster=roster,
                    on_status=on_status,
                    stop=stop,
                    new_session=True,
                )
        finally:
            timer.cancel()
        cpu1, wall1 = _cpu_seconds(), time.monotonic()
        busy1, all1 = _busy_jiffies()
        db.dispose()
    steady_cpu, steady_wall = cpu1 - steady["cpu"], wall1 - steady["wall"]
    machine_busy = (busy1 - steady["busy"]) / max(all1 - steady["all"], 1) * (os.cpu_count() or 1)
    return {
        "frames": recording.frames,
        "skipped": recording.skipped,
        "minutes": round((wall1 - wall0) / 60, 2),
        "cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        "steady_cpu_percent_of_one_core": round(100 * steady_cpu / steady_wall, 1),
        "steady_cpu_ms_per_frame": round(1000 * steady_cpu / max(recording.frames - 1, 1), 1),
        "median_ms_per_frame": round(statistics.median(per_frame_ms), 1) if per_frame_ms else None,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "face_worker_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "final_rss_mib": round(_rss_mib(), 1),
        "other_load_cores": round(max(0.0, machine_busy - steady_cpu / steady_wall), 2),
        **machine(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=25)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--fps", type=float, default=1.0)
    parser.add_argument(
        "--frames", type=int, default=30, help="distinct lecture frames the slideshow cycles through"
    )
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, help="also write the JSON object to this file")
    args = parser.parse_args()

    folder, truth = cached_lecture(ROOT, args.faces, args.students, args.frames, args.seed)
    result = {
        "command": " ".join(["bench/agent_cpu.py", *sys.argv[1:]]),
        "students": args.students,
        "fps": args.fps,
        **measure(folder, truth, args.minutes, args.fps),
    }
    emit(result, args.json, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
