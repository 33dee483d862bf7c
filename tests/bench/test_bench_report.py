"""bench/report.py: what every benchmark result says about the machine it was measured on."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]

CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse2 avx fma avx2 bmi2
processor\t: 1
model name\t: AMD EPYC 7B13
flags\t\t: fpu sse2 avx fma avx2 bmi2
"""


def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", REPO_ROOT / "bench" / "report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cpuinfo_gives_the_model_and_only_the_instruction_sets_that_matter() -> None:
    described = _report().parse_cpuinfo(CPUINFO)
    assert described == {"cpu": "AMD EPYC 7B13", "cpu_flags": ["avx2", "fma"]}


def test_an_avx512_vnni_machine_is_told_apart() -> None:
    text = "model name\t: Intel(R) Xeon(R) Processor\nflags\t\t: avx2 fma avx512f avx512bw avx512_vnni\n"
    assert _report().parse_cpuinfo(text)["cpu_flags"] == ["avx2", "fma", "avx512f", "avx512_vnni"]


def test_text_without_cpu_lines_describes_nothing() -> None:
    assert _report().parse_cpuinfo("") == {"cpu": None, "cpu_flags": []}


def test_this_machine_is_described() -> None:
    described = _report().machine()
    assert set(described) == {"cpu", "cpu_flags", "cpu_count"}
    assert described["cpu_count"] >= 1
