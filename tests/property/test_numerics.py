"""Properties of the numerical contract (simulator/contract/numerics.py) and its Numba kernels."""

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from simulator.contract import kernels, numerics
from tests.edges import INT32_EDGES
from tests.strategies import im2col_cases, matmul_cases, multipliers, roundings, zero_points

WORKED_A = np.array([[0, -0.5, 1, -1.5], [2, -2.5, 3, -3.5], [4, -4.5, 0, -0.5], [1, -1.5, 2, -2.5]])
WORKED_B = np.array([[0, 0.5, 1, 1.5], [2, 2.5, 3, 3.5], [4, 4.5, 0, 0.5], [1, 1.5, 2, 2.5]])
WORKED_OUT = np.array([[224, 216, 131, 123], [255, 246, 8, 0], [54, 45, 39, 31], [239, 231, 69, 61]])


def worked_example_case() -> dict:
    """The spec's worked example, quantized with the contract (Za = 135, Zb = 0)."""
    scale_a, zero_a = numerics.asymmetric_params(WORKED_A.min(), WORKED_A.max())
    scale_b, zero_b = numerics.asymmetric_params(WORKED_B.min(), WORKED_B.max())
    product = WORKED_A @ WORKED_B
    scale_out, zero_out = numerics.asymmetric_params(product.min(), product.max())
    M0, n = numerics.quantize_multiplier(scale_a * scale_b / scale_out)  # noqa: N806
    return {
        "a_q": numerics.quantize(WORKED_A, scale_a, zero_a, 0, 255).astype(np.uint8),
        "b_q": numerics.quantize(WORKED_B, scale_b, zero_b, 0, 255).astype(np.uint8),
        "zero_a": zero_a,
        "zero_b": zero_b,
        "zero_out": zero_out,
        "M0": M0,
        "n": n,
        "rounding": "floor",
    }


def test_worked_example_parameters_match_the_spec():
    case = worked_example_case()
    assert (case["n"], case["M0"], case["zero_out"], case["zero_a"], case["zero_b"]) == (6, 1249445032, 201, 135, 0)


def test_worked_example_output_matches_the_spec():
    assert_array_equal(numerics.qmatmul_reference(**worked_example_case()), WORKED_OUT)


@example(case=worked_example_case())
@given(matmul_cases())
def test_numba_qmatmul_equals_reference(case):
    assert_array_equal(kernels.qmatmul(**case), numerics.qmatmul_reference(**case))


@given(matmul_cases(max_dim=40), st.tuples(*[st.integers(1, 33)] * 3))
def test_tiled_qmatmul_equals_untiled_for_every_tile_shape(case, tiles):
    assert_array_equal(kernels.qmatmul_tiled(**case, tiles=tiles), numerics.qmatmul_reference(**case))


@given(multipliers)
def test_quantize_multiplier_normalizes_m0_and_approximates_m(M):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    assert 2**30 <= M0 < 2**31 and 0 <= n <= 31
    assert math.isclose(M0 * 2.0 ** -(31 + n), M, rel_tol=2.0**-30)


@given(
    st.lists(st.sampled_from(INT32_EDGES) | st.integers(-(2**31), 2**31 - 1), min_size=1, max_size=50),
    multipliers,
    zero_points,
    roundings,
)
def test_requantize_numba_equals_numpy_on_int32_edges(acc, M, zero_out, rounding):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    acc = np.array(acc, np.int64)
    expected = numerics.requantize(acc, M0, n, zero_out, rounding)
    got = [kernels.requantize_one(a, M0, n, zero_out, rounding == "nearest") for a in acc]
    assert_array_equal(np.array(got, np.uint8), expected)


@given(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1), multipliers, roundings)
def test_requantize_is_monotonic_in_the_accumulator(a, b, M, rounding):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    low, high = sorted((a, b))
    out = numerics.requantize(np.array([low, high]), M0, n, 128, rounding)
    assert out[0] <= out[1]


@given(st.integers(-(2**31), 2**31 - 1), multipliers)
def test_rounding_modes_bound_their_error_against_the_real_product(acc, M):  # noqa: N803
    M0, n = numerics.quantize_multiplier(M)  # noqa: N806
    exact = acc * M0 / 2.0 ** (31 + n)
    nearest = numerics.rounding_divide_by_pot(numerics.saturating_rounding_doubling_high_mul(acc, M0), n)
    floor = numerics.shift_right_floor(np.int64(acc) * M0, 31 + n)
    # gemmlowp rounds twice (SRDHM, then the shift): at most 1/2 + 1/2^(n+1) of a step away.
    assert abs(int(nearest) - exact) <= 0.5 + 0.5 / 2**n + 1e-9
    assert int(floor) == math.floor(exact)


@given(st.floats(-1e3, 1e3), st.floats(0, 1e3), st.integers(2, 16), st.data())
def test_dequantize_error_is_at_most_half_a_step_inside_the_range(rmin, span, bits, data):
    scale, zero_point = numerics.asymmetric_params(rmin, rmin + span, bits)
    lo, hi = min(rmin, 0.0), max(rmin + span, 0.0)
    r = np.array(data.draw(st.lists(st.floats(lo, hi), min_size=1, max_size=20)))
    q = numerics.quantize(r, scale, zero_point, 0, 2**bits - 1)
    assert np.all(np.abs(numerics.dequantize(q, scale, zero_point) - r) <= scale / 2 * (1 + 1e-9) + 1e-12)


@given(im2col_cases())
def test_im2col_numba_equals_reference(case):
    assert_array_equal(kernels.im2col(**case), numerics.im2col_reference(**case))


@given(im2col_cases())
def test_im2col_equals_torch_unfold_with_zero_padding(case):
    case["pad_value"] = 0
    x = torch.from_numpy(case["x_q"].astype(np.float32))[None]
    unfolded = torch.nn.functional.unfold(x, (case["kernel_size_m"], case["kernel_size_n"]), padding=1)[0]
    assert_array_equal(numerics.im2col_reference(**case), unfolded.numpy().astype(np.uint8))


@given(im2col_cases(max_channels=4, max_size=10), zero_points, st.integers(1, 6))
def test_im2col_then_matmul_equals_direct_convolution(case, zero_w, filters):
    """Accumulators of im2col + matmul equal a direct (float64, exact) convolution."""
    x_q, km, kn = case["x_q"], case["kernel_size_m"], case["kernel_size_n"]
    rng = np.random.default_rng(filters)
    w_q = rng.integers(0, 256, (filters, x_q.shape[0], km, kn), dtype=np.uint8)
    cols = numerics.im2col_reference(x_q, km, kn, pad_value=case["pad_value"])
    acc = numerics.qmatmul_accumulate(w_q.reshape(filters, -1), cols, zero_w, case["pad_value"])
    direct = torch.nn.functional.conv2d(
        torch.from_numpy(x_q.astype(np.float64) - case["pad_value"])[None],
        torch.from_numpy(w_q.astype(np.float64) - zero_w),
        padding=1,
    )[0]
    assert_array_equal(acc, direct.reshape(filters, -1).numpy().astype(np.int64))


BAD_CALLS = [
    (numerics.quantize_multiplier, (0.0,), "M=0.0"),
    (numerics.quantize_multiplier, (1.0,), "[2^-32, 1)"),
    (numerics.quantize_multiplier, (float("nan"),), "finite"),
    (numerics.asymmetric_params, (0.0, 1.0, 1), "bits=1"),
    (numerics.asymmetric_params, (1.0, 0.0), "rmin <= rmax"),
    (numerics.symmetric_params, (-1.0,), "absmax=-1.0"),
    (numerics.requantize, (np.zeros(2), 2**30, 0, 0, "up"), "rounding='up'"),
]


@pytest.mark.parametrize("func, args, fragment", BAD_CALLS, ids=lambda x: getattr(x, "__name__", None))
def test_bad_contract_arguments_are_refused(func, args, fragment):
    with pytest.raises(ValueError) as info:
        func(*args)
    assert fragment in str(info.value)
