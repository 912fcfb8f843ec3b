"""Hostile input everywhere a user can reach: generated command lines and API calls with
negative, zero, huge, NaN, non-numeric, empty and wrong-type values. Nothing may escape as a
traceback: a command exits 0 or 2, and 2 comes with exactly one line on stderr; an API call
succeeds or raises the documented ValueError / TypeError.

The values are drawn from a seeded generator (deterministic); a failure prints the call."""

from __future__ import annotations

import contextlib
import dataclasses
import io

import numpy as np
import pytest

from cnnacc.main import main
from simulator.explore.sweep import SpecError, parse_spec
from simulator.hardware.designs import Im2colDesign, MatmulDesign

HOSTILE = ["-1", "0", "1", "3", "7", "16", "64", "-0", "2.5", "1e3", "nan", "inf", "-inf", "abc", "", "0x10",
           "99999999999999999999", "255", "256", "-129", " 4", "4 ", "１"]  # fmt: skip
SMALL = ["1", "2", "3", "4", "5", "8"]  # valid dimensions, small enough to simulate in milliseconds
PYTHON_VALUES = [-1, 0, 1, 2, 3, 16, 64, 257, 10**18, -(10**18), 2.5, float("nan"), float("inf"), "64", "", None,
                 True, [], {}, (1,), "single", "ping_pong", "nearest", "xcvu9p"]  # fmt: skip


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own refusals
            code = stop.code if isinstance(stop.code, int) else 2
    return code, err.getvalue()


@pytest.mark.slow
def test_generated_command_lines_never_trace_back_and_refuse_in_one_line():
    rng = np.random.default_rng(2026)
    units = {
        "matmul": (["--u", "--v", "--w"], ["--zero-a", "--zero-b", "--zero-out", "--multiplier", "--tile-u",
                                           "--tile-v", "--tile-w", "--requant-lanes", "--axi-width-bits",
                                           "--burst-beats", "--max-outstanding", "--mem-latency-cycles",
                                           "--clock-mhz", "--max-w", "--rounding", "--buffering", "--axi-ports",
                                           "--part", "--model", "--seed"]),
        "im2col": (["--src-c", "--src-m", "--src-n", "--k", "--km", "--kn"], ["--pad-value", "--max-src-m",
                                                                          "--max-src-n", "--max-k", "--buffering",
                                                                          "--axi-width-bits", "--model", "--seed"]),
    }  # fmt: skip
    calls = 0
    for _ in range(2000):
        unit = str(rng.choice(list(units)))
        shape, others = units[unit]
        argv = ["simulate", unit, "--json"]
        for option in shape:  # a dimension: small and valid, or hostile but never a huge valid one
            value = str(rng.choice(SMALL if rng.random() < 0.6 else HOSTILE))
            argv += [option, value if value not in ("99999999999999999999",) else "-5"]
        for option in rng.choice(others, size=int(rng.integers(0, 4)), replace=False):
            argv += [str(option), str(rng.choice(HOSTILE + ["floor", "des", "analytic", "shared", "single"]))]
        code, err = _run(argv)
        calls += 1
        assert code in (0, 2), (argv, code, err)
        if code == 2:
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and "Traceback" not in err, (argv, err)
    assert calls == 2000


def test_generated_designs_and_sweep_specs_raise_only_the_documented_errors():
    rng = np.random.default_rng(7)
    calls = 0
    for kind in (MatmulDesign, Im2colDesign):
        names = [field.name for field in dataclasses.fields(kind)]
        for _ in range(3000):
            fields = {str(name): PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]
                      for name in rng.choice(names, size=int(rng.integers(1, 4)), replace=False)}  # fmt: skip
            try:
                kind(**fields)
            except (ValueError, TypeError):
                pass
            calls += 1
    keys = ["kernel", "shape", "model", "sampling", "samples", "seed", "base", "fields", "junk"]
    for _ in range(2000):
        spec = {str(key): PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]
                for key in rng.choice(keys, size=int(rng.integers(0, 6)), replace=False)}  # fmt: skip
        if rng.random() < 0.5:
            spec["fields"] = {"tile_u": PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]}
        try:
            parse_spec(spec)
        except (SpecError, ValueError, TypeError):
            pass
        calls += 1
    assert calls == 8000
