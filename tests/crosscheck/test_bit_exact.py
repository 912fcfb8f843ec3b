"""NumPy reference == Numba kernels == HLS C++ (sw_emu), bit for bit, on Hypothesis-drawn cases."""

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
