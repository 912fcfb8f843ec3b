"""Every benchmark runs exactly as the README says (from the repository root), in --quick mode."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "script, printed",
    [
        ("operators.py", "numba qmatmul"),
        ("network.py", "ratio integer / FP32"),
        ("simulator_speed.py", "default designs at the spec's sizes"),
        ("onnx_agreement.py", "identical predictions"),
        ("sweep.py", "designs/s"),
    ],
)
def test_benchmark_runs_quick_from_the_repository_root(script, printed):
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert printed in result.stdout


def test_scalesim_comparison_explains_itself():
    """Its --quick run installs SCALE-Sim into its own venv (PyPI), too slow for the suite."""
    result = subprocess.run(
        [sys.executable, "benchmarks/scalesim_compare.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "--quick" in result.stdout
