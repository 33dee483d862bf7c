"""bench/report.py: what every benchmark result says about the machine it was measured on."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest


@pytest.fixture()
def report(bench_script: Callable[[str], ModuleType]) -> ModuleType:
    return bench_script("report")


CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse2 avx fma avx2 bmi2
processor\t: 1
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse2 avx fma avx2 bmi2
"""


def test_cpuinfo_gives_the_model_and_only_the_instruction_sets_that_matter(report: ModuleType) -> None:
    described = report.parse_cpuinfo(CPUINFO)
    assert described == {"cpu": "AMD EPYC 7B13", "cpu_flags": ["avx2", "fma"]}


def test_an_avx512_vnni_machine_is_told_apart(report: ModuleType) -> None:
    text = "model name\t: Intel(R) Xeon(R) Processor\nflags\t\t: avx2 fma avx512f avx512bw avx512_vnni\n"
    assert report.parse_cpuinfo(text)["cpu_flags"] == ["avx2", "fma", "avx512f", "avx512_vnni"]


def test_text_without_cpu_lines_describes_nothing(report: ModuleType) -> None:
    assert report.parse_cpuinfo("") == {"cpu": None, "cpu_flags": []}


def test_this_machine_is_described(report: ModuleType) -> None:
    described = report.machine()
    assert set(described) == {"cpu", "cpu_flags", "cpu_count"}
    assert described["cpu_count"] >= 1
