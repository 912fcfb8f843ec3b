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
        ("ort_agreement.py", "identical predictions"),
        ("sweep.py", "designs/s"),
        ("dataflow.py", "(per-layer / dataflow)"),
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


@pytest.mark.slow
def test_a_large_sweep_matches_the_serial_models_on_its_sample():
    """The --large mode end to end at a small N: its sampled rows equal both serial models."""
    command = [sys.executable, "benchmarks/sweep.py", "--large", "2000"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "noise on stderr: False" in result.stdout
    assert "1,000 sampled rows: equal to the serial analytic twin 1,000, to the SimPy model 1,000" in result.stdout


def test_the_cli_benchmark_prints_medians_and_help_loads_neither_torch_nor_numba():
    """``cnnacc --help`` stays fast because building the parser imports no heavy library: a
    command module importing torch or Numba at its top fails this."""
    code = (
        "import sys; from cnnacc.main import build_parser; build_parser(); "
        "print([m for m in ('torch', 'numba') if m in sys.modules])"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0 and loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr[-2000:]
    result = subprocess.run(
        [sys.executable, "benchmarks/cli.py", "--repeat", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cnnacc --help" in result.stdout and "median" in result.stdout
