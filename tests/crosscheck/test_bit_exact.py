"""NumPy reference == Numba kernels == HLS C++ (sw_emu), bit for bit, on Hypothesis-drawn cases."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from simulator import kernels, numerics, sw_emu
from tests.property.test_numerics import worked_example_case
from tests.strategies import im2col_cases, matmul_cases

# At least 500 examples per cross-check in CI (the "ci" profile runs 200 by default).
CROSSCHECK_EXAMPLES = max(500, settings.default.max_examples) if settings.default.derandomize else 100
TILE_SHAPES = [None, (8, 8, 8), (5, 7, 3), (32, 16, 64)]


@settings(max_examples=CROSSCHECK_EXAMPLES)
@example(case=worked_example_case(), tiles=None)
@given(matmul_cases(max_dim=160), st.sampled_from(TILE_SHAPES))
def test_qmatmul_reference_numba_and_cpp_agree(case, tiles):
    expected = numerics.qmatmul_reference(**case)
    assert_array_equal(kernels.qmatmul(**case), expected)
    assert_array_equal(sw_emu.qmatmul(**case, tiles=tiles), expected)


@settings(max_examples=CROSSCHECK_EXAMPLES)
@given(im2col_cases(max_channels=16, max_size=40))
def test_im2col_reference_numba_and_cpp_agree(case):
    expected = numerics.im2col_reference(**case)
    assert_array_equal(kernels.im2col(**case), expected)
    assert_array_equal(sw_emu.im2col(**case), expected)


@settings(max_examples=CROSSCHECK_EXAMPLES // 2)
@given(matmul_cases(max_dim=70), st.data())
def test_layer_matmul_with_bias_and_relu_numba_equals_cpp(case, data):
    """The extended API (int32 bias, lower clamp) agrees too; bias keeps |acc| < 2^31."""
    u = case["a_q"].shape[0]
    bias = np.array(data.draw(st.lists(st.integers(-(2**24), 2**24), min_size=u, max_size=u)), np.int64)
    out_min = data.draw(st.integers(0, 255))
    args = [case[k] for k in ("a_q", "b_q", "zero_a", "zero_b", "zero_out", "M0", "n", "rounding")]
    expected = kernels.qmatmul_unchecked(*args, bias, out_min, 255)
    got = sw_emu.qmatmul_layer(**case, bias_q=bias, out_min=out_min)
    assert_array_equal(got, expected)
    acc = numerics.qmatmul_accumulate(case["a_q"], case["b_q"], case["zero_a"], case["zero_b"]) + bias[:, None]
    reference = numerics.requantize(acc, case["M0"], case["n"], case["zero_out"], case["rounding"])
    assert_array_equal(got, np.maximum(reference, out_min))
