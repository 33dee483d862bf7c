"""The real-screen helpers (Xvfb, a window showing an image) live beside the capture tests."""

from __future__ import annotations

import sys
from pathlib import Path

CAPTURE_TESTS = Path(__file__).resolve().parent.parent / "capture"
if str(CAPTURE_TESTS) not in sys.path:
    sys.path.insert(0, str(CAPTURE_TESTS))
