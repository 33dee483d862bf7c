"""A short run of bench/concurrency.py: the agent writing at 5 fps while logged-in clients poll the live page."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType


def test_writer_and_five_pollers_for_ten_seconds_never_lock_or_fail(
    bench_script: Callable[[str], ModuleType],
) -> None:
    result = bench_script("concurrency").run_bench(clients=5, seconds=10, fps=5, students=25, interval=1.0)
    assert result["failed"] == 0, result["failure_samples"]
    assert result["requests"] >= 5 * 2 * 5, "each client polled both live callbacks at least 5 times"
    assert result["server_locked"] == 0 and result["server_tracebacks"] == 0
    writer = result["writer"]
    assert writer["errors"] == 0, writer["error_samples"]
    assert writer["frames"] >= 40, "the writer kept (nearly) its 5 frames per second"
