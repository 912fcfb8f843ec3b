"""Every C++ entry point refuses what its build does not compute (hls_src/common/limits.hpp).

The spec's ``matmul()`` and ``im2col()`` run in the testbenches' ``--call`` mode: a shape just
inside each compile-time maximum is exact against the naive loop, one just past exits with the
status and one line naming the value and the allowed range. The bridge is called directly
(below sw_emu's own validation) to check that it refuses the same calls without writing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.contract import numerics
from simulator.emulation import sw_emu
from simulator.hardware.designs import Im2colDesign, MatmulDesign

from .test_sw_emu_build import run_make

# A small build: every maximum is near enough to test just inside and just past it.
SMALL = {"TILE_U": 4, "TILE_V": 5, "TILE_W": 3, "MAX_W": 7, "MAX_SRC_M": 6, "MAX_SRC_N": 5}
M0 = 1518500250
EXCEEDS_DESIGN, BAD_SHAPE, BAD_PARAMETER, EXCEEDS_ARITHMETIC = 3, 1, 2, 4


@pytest.fixture(scope="module")
def testbenches(tmp_path_factory) -> Path:
    """The two testbench binaries of the SMALL build."""
    folder = tmp_path_factory.mktemp("csim")
    defines = "DEFINES=" + " ".join(f"-D{name}={value}" for name, value in SMALL.items())
    build = run_make("cbin", "TARGET=sw_emu", defines, f"CSIM={folder}")
    assert build.returncode == 0, build.stdout + build.stderr
    return folder


def call(folder: Path, op: str, *values: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(folder / op), "--call", *map(str, values)], capture_output=True, text=True, check=False, timeout=120
    )


def assert_exact(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("PASS")


def assert_refused(result: subprocess.CompletedProcess[str], status: int, line: str) -> None:
    assert result.returncode == status, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [line]
    assert "PASS" not in result.stdout


MATMUL_CASES = [
    # (u, v, w, M0, n), status, the refusal line (None: exact)
    ((3, 4, SMALL["MAX_W"], M0, 9), 0, None),
    (
        (3, 4, SMALL["MAX_W"] + 1, M0, 9),
        EXCEEDS_DESIGN,
        "matmul: w = 8 is outside [1, 7] (MAX_W of this build; -DMAX_W takes up to 4096)",
    ),
    ((1, 33025, 1, M0, 9), 0, None),
    (
        (1, 33026, 1, M0, 9),
        EXCEEDS_ARITHMETIC,
        "matmul: v = 33026 is outside [1, 33025] (exact int32 sums: v 255^2 < 2^31)",
    ),
    ((0, 4, 5, M0, 9), BAD_SHAPE, "matmul: u = 0 is outside [1, 4294967295] (rows of A)"),
    ((2, 2, 2, 2**30, 31), 0, None),
    (
        (2, 2, 2, 2**30 - 1, 9),
        BAD_PARAMETER,
        "matmul: M0 = 1073741823 is outside [1073741824, 2147483647] (a normalized multiplier)",
    ),
    ((2, 2, 2, M0, 32), BAD_PARAMETER, "matmul: n = 32 is outside [0, 31] (the extra right shift)"),
]


@pytest.mark.parametrize(("args", "status", "line"), MATMUL_CASES, ids=lambda value: str(value)[:40])
def test_spec_matmul_is_exact_inside_each_maximum_and_refuses_past_it(testbenches, args, status, line):
    result = call(testbenches, "matmul", *args)
    if line is None:
        assert_exact(result)
    else:
        assert_refused(result, status, line)


IM2COL_CASES = [
    # (src_m, src_n, src_c, km, kn)
    ((6, 5, 2, 3, 3), 0, None),
    (
        (7, 5, 1, 3, 3),
        EXCEEDS_DESIGN,
        "im2col: src_m = 7 is outside [1, 6] (MAX_SRC_M of this build; -DMAX_SRC_M takes up to 512)",
    ),
    (
        (6, 6, 1, 3, 3),
        EXCEEDS_DESIGN,
        "im2col: src_n = 6 is outside [1, 5] (MAX_SRC_N of this build; -DMAX_SRC_N takes up to 512)",
    ),
    ((4, 4, 1, 3, 1), 0, None),
    (
        (4, 4, 1, 4, 1),
        EXCEEDS_DESIGN,
        "im2col: kernel_size_m = 4 is outside [1, 3] (MAX_K of this build; -DMAX_K=7 takes up to 7)",
    ),
    ((1, 1, 1, 3, 3), 0, None),
    (
        (1, 1, 1, 1, 4),
        BAD_SHAPE,
        "im2col: kernel_size_n = 4 is outside [1, 3] (at most the padded input, src_n + 2)",
    ),
    ((3, 3, 0, 1, 1), BAD_SHAPE, "im2col: src_c = 0 is outside [1, 4294967295] (input channels)"),
]


@pytest.mark.parametrize(("args", "status", "line"), IM2COL_CASES, ids=lambda value: str(value)[:40])
def test_spec_im2col_is_exact_inside_each_maximum_and_refuses_past_it(testbenches, args, status, line):
    result = call(testbenches, "im2col", *args)
    if line is None:
        assert_exact(result)
    else:
        assert_refused(result, status, line)


KERNELS = [(km, kn) for km in range(1, 8) for kn in range(1, 8)]


@pytest.mark.parametrize("max_k", [3, 7])
def test_kernels_1_to_7_square_and_rectangular_are_exact_or_refused_by_the_bridge(max_k):
    """Below sw_emu's validation: the bridge computes every kernel its build holds, exactly,
    and refuses every other one with status 3 and the line, writing nothing."""
    design = Im2colDesign(max_k=max_k)
    library = sw_emu._library(design.cpp_defines())
    rng = np.random.default_rng(max_k)
    src_c, src_m, src_n = 2, 9, 8
    x_q = rng.integers(0, 256, (src_c, src_m, src_n), dtype=np.uint8)
    for km, kn in KERNELS:
        out_m, out_n = src_m + 3 - km, src_n + 3 - kn
        out = np.full((src_c * km * kn, out_m * out_n), 0xA5, np.uint8)
        status = library.cnnacc_im2col(x_q, out, src_m, src_n, src_c, km, kn, 0)
        if km <= max_k and kn <= max_k:
            assert status == 0, (km, kn)
            assert_array_equal(out, numerics.im2col_reference(x_q, km, kn), err_msg=f"k {km} x {kn}")
        else:
            name, value = ("kernel_size_m", km) if km > max_k else ("kernel_size_n", kn)
            assert status == EXCEEDS_DESIGN, (km, kn)
            line = library.cnnacc_last_error().decode()
            assert line.startswith(f"im2col_pad: {name} = {value} is outside [1, {max_k}]")
            assert (out == 0xA5).all(), f"k {km} x {kn} wrote to out"


def test_bridge_refuses_a_matmul_past_max_w_without_writing():
    library = sw_emu._library(MatmulDesign().cpp_defines())
    u, v, w = 2, 3, MatmulDesign().max_w + 1
    a_q, b_q = np.ones((u, v), np.uint8), np.ones((v, w), np.uint8)
    out = np.full((u, w), 7, np.uint8)
    status = library.cnnacc_matmul(out, M0, 9, a_q, b_q, 0, 0, 0, u, v, w)
    assert status == EXCEEDS_DESIGN
    assert "w = 1025 is outside [1, 1024]" in library.cnnacc_last_error().decode()
    assert (out == 7).all()
    assert library.cnnacc_matmul(out[:, :4].copy(), M0, 9, a_q, b_q[:, :4].copy(), 0, 0, 0, u, v, 4) == 0
    assert library.cnnacc_last_error() == b""


def test_a_refusal_line_reaches_the_python_error():
    library = sw_emu._library(MatmulDesign().cpp_defines())
    one = np.ones((1, 1), np.uint8)
    status = library.cnnacc_matmul(np.zeros((1, 1), np.uint8), 5, 0, one, one, 0, 0, 0, 1, 1, 1)
    with pytest.raises(RuntimeError, match=r"status 2\): matmul: M0 = 5 is outside"):
        sw_emu._check_status(library, "f", status)
