"""Every validation path of simulator.emulation.sw_emu: (callable, bad arguments, message fragment).

Validation must happen before any C++ runs, so the table is checked with the library
loader replaced by one that fails the test if it is ever reached.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.emulation import sw_emu, sw_emu_build
from simulator.hardware.designs import Im2colDesign

A_Q = np.zeros((4, 3), np.uint8)
B_Q = np.zeros((3, 5), np.uint8)
X_Q = np.zeros((2, 6, 6), np.uint8)
MATMUL_ARGS = dict(zero_a=1, zero_b=2, zero_out=3, M0=2**30, n=5)


def qmatmul(**changes):
    """sw_emu.qmatmul on valid arguments with ``changes`` applied."""
    arguments = dict(a_q=A_Q, b_q=B_Q, **MATMUL_ARGS)
    arguments.update(changes)
    a_q, b_q = arguments.pop("a_q"), arguments.pop("b_q")
    return sw_emu.qmatmul(a_q, b_q, **arguments)


def im2col(**changes):
    """sw_emu.im2col on valid arguments with ``changes`` applied."""
    arguments = dict(x_q=X_Q, kernel_size_m=3, kernel_size_n=3, pad_value=0)
    arguments.update(changes)
    return sw_emu.im2col(
        arguments["x_q"],
        arguments["kernel_size_m"],
        arguments["kernel_size_n"],
        pad_value=arguments["pad_value"],
    )


def case(function, changes, error, fragment, name):
    return pytest.param(function, changes, error, fragment, id=name)


CASES = [
    # qmatmul: arrays
    case(qmatmul, {"a_q": [[1, 2]]}, TypeError, "a_q must be a numpy ndarray", "qmatmul-a_q-list"),
    case(qmatmul, {"a_q": A_Q.astype(np.float32)}, TypeError, "got float32", "qmatmul-a_q-float32"),
    case(
        qmatmul,
        {"b_q": B_Q.astype(np.int8)},
        TypeError,
        "b_q must have dtype uint8",
        "qmatmul-b_q-int8",
    ),
    case(qmatmul, {"a_q": np.zeros(3, np.uint8)}, ValueError, "a_q must be 2-D", "qmatmul-a_q-1d"),
    case(
        qmatmul,
        {"b_q": np.zeros((3, 5, 1), np.uint8)},
        ValueError,
        "b_q must be 2-D",
        "qmatmul-b_q-3d",
    ),
    case(
        qmatmul,
        {"a_q": np.zeros((0, 3), np.uint8)},
        ValueError,
        "empty dimension",
        "qmatmul-a_q-empty",
    ),
    case(
        qmatmul,
        {"a_q": np.zeros((4, 6), np.uint8)[:, ::2]},
        ValueError,
        "np.ascontiguousarray(a_q)",
        "qmatmul-a_q-strided",
    ),
    case(
        qmatmul,
        {"b_q": np.zeros((5, 3), np.uint8).T},
        ValueError,
        "np.ascontiguousarray(b_q)",
        "qmatmul-b_q-transposed",
    ),
    case(
        qmatmul,
        {"b_q": np.zeros((4, 5), np.uint8)},
        ValueError,
        "do not chain",
        "qmatmul-shapes-mismatch",
    ),
    case(
        qmatmul,
        {"a_q": np.zeros((1, 33026), np.uint8), "b_q": np.zeros((33026, 1), np.uint8)},
        ValueError,
        "v=33026 is out of range; expected an int in [1, 33025]",
        "qmatmul-v-overflows-int32",
    ),
    # qmatmul: scalars
    case(
        qmatmul,
        {"zero_a": -1},
        ValueError,
        "zero_a=-1 is out of range; expected an int in [0, 255]",
        "qmatmul-zero_a-negative",
    ),
    case(qmatmul, {"zero_a": 256}, ValueError, "zero_a=256 is out of range", "qmatmul-zero_a-256"),
    case(
        qmatmul,
        {"zero_a": 1.0},
        TypeError,
        "zero_a=1.0 must be an int in [0, 255]",
        "qmatmul-zero_a-float",
    ),
    case(qmatmul, {"zero_a": True}, TypeError, "zero_a=True must be an int", "qmatmul-zero_a-bool"),
    case(qmatmul, {"zero_b": 256}, ValueError, "zero_b=256 is out of range", "qmatmul-zero_b-256"),
    case(
        qmatmul,
        {"zero_out": -1},
        ValueError,
        "zero_out=-1 is out of range",
        "qmatmul-zero_out-negative",
    ),
    case(
        qmatmul,
        {"zero_out": "0"},
        TypeError,
        "zero_out='0' must be an int",
        "qmatmul-zero_out-str",
    ),
    case(
        qmatmul,
        {"M0": 2**30 - 1},
        ValueError,
        "M0=1073741823 is out of range; expected an int in [1073741824, 2147483647]",
        "qmatmul-M0-below-2^30",
    ),
    case(qmatmul, {"M0": 2**31}, ValueError, "M0=2147483648 is out of range", "qmatmul-M0-2^31"),
    case(qmatmul, {"M0": 0.75}, TypeError, "M0=0.75 must be an int", "qmatmul-M0-float"),
    case(
        qmatmul,
        {"n": -1},
        ValueError,
        "n=-1 is out of range; expected an int in [0, 31]",
        "qmatmul-n-negative",
    ),
    case(qmatmul, {"n": 32}, ValueError, "n=32 is out of range", "qmatmul-n-32"),
    case(
        qmatmul,
        {"rounding": "round"},
        ValueError,
        "MatmulDesign.rounding='round' is not one of ('floor', 'nearest')",
        "qmatmul-rounding-unknown",
    ),
    # im2col
    case(im2col, {"x_q": [[[1]]]}, TypeError, "x_q must be a numpy ndarray", "im2col-x_q-list"),
    case(
        im2col,
        {"x_q": X_Q.astype(np.int16)},
        TypeError,
        "x_q must have dtype uint8",
        "im2col-x_q-int16",
    ),
    case(
        im2col,
        {"x_q": np.zeros((6, 6), np.uint8)},
        ValueError,
        "x_q must be 3-D",
        "im2col-x_q-2d",
    ),
    case(
        im2col,
        {"x_q": np.zeros((2, 0, 6), np.uint8)},
        ValueError,
        "empty dimension",
        "im2col-x_q-empty",
    ),
    case(
        im2col,
        {"x_q": np.zeros((6, 6, 2), np.uint8).transpose(2, 0, 1)},
        ValueError,
        "np.ascontiguousarray(x_q)",
        "im2col-x_q-channels-last-view",
    ),
    case(
        im2col,
        {"x_q": np.zeros((513, 1, 1), np.uint8)},
        ValueError,
        "src_c=513 is out of range; expected an int in [1, 512]",
        "im2col-src_c-513",
    ),
    case(
        im2col,
        {"kernel_size_m": 0},
        ValueError,
        "kernel_size_m=0 is out of range; expected an int in [1, 7]",
        "im2col-kernel_size_m-0",
    ),
    case(
        im2col,
        {"kernel_size_m": 8},
        ValueError,
        "kernel_size_m=8 is out of range",
        "im2col-kernel_size_m-8",
    ),
    case(
        im2col,
        {"kernel_size_n": 0},
        ValueError,
        "kernel_size_n=0 is out of range",
        "im2col-kernel_size_n-0",
    ),
    case(
        im2col,
        {"kernel_size_n": 8},
        ValueError,
        "kernel_size_n=8 is out of range",
        "im2col-kernel_size_n-8",
    ),
    case(
        im2col,
        {"kernel_size_n": 3.0},
        TypeError,
        "kernel_size_n=3.0 must be an int",
        "im2col-kernel_size_n-float",
    ),
    case(
        im2col,
        {"pad_value": -1},
        ValueError,
        "pad_value=-1 is out of range; expected an int in [0, 255]",
        "im2col-pad_value-negative",
    ),
    case(
        im2col,
        {"pad_value": 256},
        ValueError,
        "pad_value=256 is out of range",
        "im2col-pad_value-256",
    ),
    case(
        im2col,
        {"x_q": np.zeros((1, 1, 5), np.uint8), "kernel_size_m": 4},
        ValueError,
        "does not fit the padded input",
        "im2col-kernel-taller-than-padded-input",
    ),
    case(
        im2col,
        {"x_q": np.zeros((1, 5, 2), np.uint8), "kernel_size_n": 5},
        ValueError,
        "does not fit the padded input",
        "im2col-kernel-wider-than-padded-input",
    ),
    # design and build helpers
    case(qmatmul, {"design": Im2colDesign()}, TypeError, "design must be a MatmulDesign", "qmatmul-design-kind"),
    case(
        sw_emu.compiled_config,
        {"design": "default"},
        TypeError,
        "design must be a MatmulDesign or an Im2colDesign",
        "compiled_config-design-kind",
    ),
    case(
        sw_emu.build_library,
        {"defines": {"TILE_X": 4}},
        ValueError,
        "define 'TILE_X' is unknown",
        "build_library-unknown-define",
    ),
    case(
        sw_emu.build_library,
        {"defines": {"TILE_U": "8"}},
        TypeError,
        "TILE_U='8' must be an int",
        "build_library-define-str",
    ),
]


@pytest.fixture
def no_cpp(monkeypatch):
    """Fail the test if anything tries to build or load the C++ library."""

    def refuse(*arguments, **keywords):
        pytest.fail("validation let bad arguments reach the C++ library")

    monkeypatch.setattr(sw_emu, "_library", refuse)
    monkeypatch.setattr(sw_emu_build, "_run_make", refuse)


@pytest.mark.parametrize(("function", "changes", "error", "fragment"), CASES)
def test_bad_arguments_are_rejected_before_any_cpp_call(no_cpp, function, changes, error, fragment):
    with pytest.raises(error) as caught:
        function(**changes)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"x_q": np.zeros((1, 2, 65), np.uint8)}, "src_n (x_q.shape[2])=65 is out of range"),
    ],
    ids=["im2col-src_n-beyond-the-design"],
)
def test_im2col_rejects_inputs_larger_than_the_design(no_cpp, changes, fragment):
    with pytest.raises(ValueError) as caught:
        im2col(**changes)
    assert fragment in str(caught.value)
    assert f"expected an int in [1, {Im2colDesign().max_src_n}]" in str(caught.value)


def test_error_messages_name_their_owner(no_cpp):
    with pytest.raises(ValueError, match=r"^sw_emu\.qmatmul: n=32"):
        qmatmul(n=32)
    with pytest.raises(ValueError, match=r"^sw_emu\.im2col: pad_value=256"):
        im2col(pad_value=256)
