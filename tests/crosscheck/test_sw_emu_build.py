"""The sw_emu flow end to end: Makefile targets, C++ testbenches, the shared library, errors.

Builds run g++ one file at a time (no make -j): each library takes about a second.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.contract import numerics
from simulator.emulation import sw_emu, sw_emu_build
from simulator.hardware.designs import Im2colDesign, MatmulDesign

REPO = Path(__file__).resolve().parents[2]

# The spec's worked example (Part 2, Task 1): A and B quantized as in matmul_tb.cpp.
WORKED_A_Q = np.array([[135, 120, 165, 90], [195, 60, 225, 30], [255, 0, 135, 120], [165, 90, 195, 60]], np.uint8)
WORKED_B_Q = np.array([[0, 28, 57, 85], [113, 142, 170, 198], [227, 255, 0, 28], [57, 85, 113, 142]], np.uint8)
WORKED_PARAMS = dict(zero_a=135, zero_b=0, zero_out=201, M0=1249445032, n=6)
WORKED_OUT_FLOOR = np.array([[224, 216, 131, 123], [255, 246, 8, 0], [54, 45, 39, 31], [239, 231, 69, 61]], np.uint8)


def run_make(*arguments: str) -> subprocess.CompletedProcess[str]:
    """make -C hls_src <arguments> from the repository root, as a user would type it."""
    inherited = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    return subprocess.run(
        ["make", "-C", "hls_src", *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def assert_testbenches_pass(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASS") == 2, result.stdout
    assert "FAIL" not in result.stdout


def test_make_cbin_then_run_passes_both_testbenches():
    build = run_make("cbin", "TARGET=sw_emu")
    assert build.returncode == 0, build.stdout + build.stderr
    assert_testbenches_pass(run_make("run"))


def test_make_run_passes_with_odd_tiles_and_nearest_rounding(tmp_path):
    defines = "DEFINES=-DTILE_U=5 -DTILE_V=7 -DTILE_W=3 -DROUNDING_NEAREST=1"
    result = run_make("run", "TARGET=sw_emu", "PLATFORM=ignored", defines, f"CSIM={tmp_path}")
    assert_testbenches_pass(result)
    assert "TILE 5 x 7 x 3, rounding nearest" in result.stdout


def test_make_sanitize_passes_both_testbenches(tmp_path):
    result = run_make("sanitize", f"CSIM={tmp_path}")
    assert_testbenches_pass(result)
    assert "-fsanitize=address,undefined" in result.stdout


def test_make_rejects_targets_other_than_sw_emu(tmp_path):
    result = run_make("cbin", "TARGET=hw_emu", f"CSIM={tmp_path}")
    assert result.returncode != 0
    assert "TARGET=hw_emu is not supported" in result.stderr


@pytest.mark.parametrize(
    "design",
    [
        MatmulDesign(),
        MatmulDesign(
            rounding="nearest", tile_u=8, tile_v=4, tile_w=2, axi_width_bits=64, axi_ports="shared", buffering="single"
        ),
        MatmulDesign(tile_u=1, tile_v=256, tile_w=3, requant_lanes=3, max_w=77),
        Im2colDesign(max_src_m=9, max_src_n=300, max_k=5, axi_width_bits=1024, burst_beats=4),
    ],
    ids=["default", "nearest-8x4x2-shared", "1x256x3", "im2col"],
)
def test_compiled_config_reports_every_flag_of_the_design(design):
    assert sw_emu.compiled_config(design) == {**sw_emu.compiled_config(design), **design.cpp_defines()}
    assert set(design.cpp_defines()) <= set(sw_emu.DEFINE_NAMES)


@pytest.mark.parametrize(
    "design",
    [
        MatmulDesign(),
        MatmulDesign(tile_u=3, tile_v=2, tile_w=3, axi_width_bits=32),
        MatmulDesign(tile_u=16, tile_v=32, tile_w=16, axi_ports="shared"),
    ],
    ids=str,
)
def test_worked_example_through_the_bridge_gives_the_spec_table(design):
    out = sw_emu.qmatmul(WORKED_A_Q, WORKED_B_Q, **WORKED_PARAMS, design=design)
    assert out.dtype == np.uint8
    assert_array_equal(out, WORKED_OUT_FLOOR)


def test_worked_example_in_nearest_mode_matches_the_reference():
    out = sw_emu.qmatmul(WORKED_A_Q, WORKED_B_Q, **WORKED_PARAMS, rounding="nearest")
    reference = numerics.qmatmul_reference(WORKED_A_Q, WORKED_B_Q, **WORKED_PARAMS, rounding="nearest")
    assert_array_equal(out, reference)


def test_im2col_through_the_bridge_matches_the_reference():
    x_q = np.random.default_rng(0).integers(0, 256, size=(3, 9, 11), dtype=np.uint8)
    out = sw_emu.im2col(x_q, 3, 5, pad_value=7, design=Im2colDesign(max_k=5))
    assert out.shape == (3 * 3 * 5, 9 * 9)  # (c*km*kn, om*on)
    assert_array_equal(out, numerics.im2col_reference(x_q, 3, 5, pad_value=7))


def test_library_is_cached_until_defines_change():
    defines = MatmulDesign().cpp_defines()
    first = sw_emu.build_library(defines)
    modified = first.stat().st_mtime_ns
    assert sw_emu.build_library(defines) == first
    assert first.stat().st_mtime_ns == modified
    assert first.name == f"libcnnacc_{sw_emu.fingerprint(defines)}.so"
    nearest = MatmulDesign(rounding="nearest").cpp_defines()
    assert sw_emu.fingerprint(nearest) != sw_emu.fingerprint(defines)


def test_fingerprint_changes_when_a_source_file_changes(tmp_path, monkeypatch):
    copy = tmp_path / "hls_src"
    shutil.copytree(sw_emu.HLS_SRC, copy, ignore=shutil.ignore_patterns("build", "csim"))
    monkeypatch.setattr(sw_emu_build, "HLS_SRC", copy)
    defines = MatmulDesign().cpp_defines()
    before = sw_emu.fingerprint(defines)
    with open(copy / "matmul" / "matmul.cpp", "a") as source:
        source.write("// a change\n")
    assert sw_emu.fingerprint(defines) != before


def test_failed_build_raises_with_command_line_and_stderr():
    with pytest.raises(sw_emu.SwEmuBuildError) as caught:
        sw_emu.build_library({"TILE_U": 0})
    message = str(caught.value)
    assert "g++" in message and "-DTILE_U=0" in message  # the command line
    assert "TILE_U is out of range" in message  # the static_assert, from g++'s stderr
    folder = sw_emu_build.cache_dir() / "sw_emu" / sw_emu.fingerprint({"TILE_U": 0})
    assert not list(folder.glob("*.so"))  # nothing half-built is left to load


@pytest.mark.parametrize("design_class", [MatmulDesign, Im2colDesign])
def test_design_hpp_defaults_are_the_python_defaults(design_class):
    """With no -D flag at all, the C++ builds the designs MatmulDesign() and Im2colDesign()."""
    library = sw_emu._declare(__import__("ctypes").CDLL(str(sw_emu.build_library({}))))
    compiled = sw_emu._read_config(library)
    for name, value in design_class().cpp_defines().items():
        assert compiled[name] == value, name
