"""NumPy reference == Numba kernels == HLS C++ (sw_emu), bit for bit, on Hypothesis-drawn cases."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from simulator.contract import kernels, numerics
from simulator.contract.layout import LAYOUT_BIAS_COLUMNS
from simulator.contract.numerics import quantize_multiplier
from simulator.emulation import sw_emu
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from tests.property.test_numerics import worked_example_case
from tests.strategies import im2col_cases, matmul_cases, multipliers

# At least 500 examples per cross-check in CI (the "ci" profile runs 200 by default).
CROSSCHECK_EXAMPLES = max(500, settings.default.max_examples) if settings.default.derandomize else 100
# The C++ is built once per design: defaults, 32- and 1024-bit AXI, tile 1 and the maximum,
# edge tiles, odd requantizer lanes, single buffering, a shared bundle and a store band
# narrower than w (the host then splits the columns).
MATMUL_DESIGNS = [
    MatmulDesign(),
    MatmulDesign(tile_u=1, tile_v=1, tile_w=1, axi_width_bits=32, requant_lanes=1),
    MatmulDesign(
        tile_u=5, tile_v=7, tile_w=3, axi_width_bits=32, requant_lanes=2, buffering="single", axi_ports="shared"
    ),
    MatmulDesign(tile_u=32, tile_v=16, tile_w=64, axi_width_bits=1024, burst_beats=4, requant_lanes=7),
    MatmulDesign(tile_u=256, tile_v=256, tile_w=256, max_w=300),
    MatmulDesign(tile_u=8, tile_v=8, tile_w=8, axi_width_bits=64, max_w=20),
]
IM2COL_DESIGNS = [
    Im2colDesign(max_src_m=40, max_src_n=40, max_k=7),
    Im2colDesign(max_src_m=40, max_src_n=40, max_k=7, axi_width_bits=32, buffering="single"),
    Im2colDesign(max_src_m=40, max_src_n=40, max_k=7, axi_width_bits=1024, burst_beats=4),
]


def max_dim(design: MatmulDesign, largest: int) -> int:
    """Shapes small enough that a design of tiny tiles runs its many steps quickly."""
    return largest if design.tile_u * design.tile_v * design.tile_w >= 64 else 24


designs_and_cases = st.sampled_from(MATMUL_DESIGNS).flatmap(
    lambda design: st.tuples(st.just(design), matmul_cases(max_dim=max_dim(design, 160)))
)


@settings(max_examples=CROSSCHECK_EXAMPLES)
@example(pair=(MatmulDesign(), worked_example_case()))
@given(designs_and_cases)
def test_qmatmul_reference_numba_and_cpp_agree(pair):
    design, case = pair
    expected = numerics.qmatmul_reference(**case)
    assert_array_equal(kernels.qmatmul(**case), expected)
    assert_array_equal(sw_emu.qmatmul(**case, design=design), expected)


@settings(max_examples=CROSSCHECK_EXAMPLES)
@given(im2col_cases(max_channels=16, max_size=40), st.sampled_from(IM2COL_DESIGNS))
def test_im2col_reference_numba_and_cpp_agree(case, design):
    expected = numerics.im2col_reference(**case)
    assert_array_equal(kernels.im2col(**case), expected)
    assert_array_equal(sw_emu.im2col(**case, design=design), expected)


@settings(max_examples=CROSSCHECK_EXAMPLES // 2)
@given(
    st.sampled_from(MATMUL_DESIGNS).flatmap(
        lambda design: st.tuples(st.just(design), matmul_cases(max_dim=max_dim(design, 70)))
    ),
    st.data(),
)
def test_layer_matmul_with_bias_and_relu_numba_equals_cpp(pair, data):
    design, case = pair
    """The extended API (int32 bias, lower clamp) agrees too; bias keeps |acc| < 2^31."""
    u = case["a_q"].shape[0]
    bias = np.array(data.draw(st.lists(st.integers(-(2**24), 2**24), min_size=u, max_size=u)), np.int64)
    output_floor = data.draw(st.integers(0, 255))
    args = [case[k] for k in ("a_q", "b_q", "zero_a", "zero_b", "zero_out", "M0", "n", "rounding")]
    expected = kernels.qmatmul_unchecked(*args, bias, output_floor, 255)
    got = sw_emu.qmatmul_layer(**case, bias_q=bias, output_floor=output_floor, design=design)
    assert_array_equal(got, expected)
    acc = numerics.qmatmul_accumulate(case["a_q"], case["b_q"], case["zero_a"], case["zero_b"]) + bias[:, None]
    reference = numerics.requantize(acc, case["M0"], case["n"], case["zero_out"], case["rounding"])
    assert_array_equal(got, np.maximum(reference, output_floor))


@settings(max_examples=CROSSCHECK_EXAMPLES)
@given(
    st.sampled_from(MATMUL_DESIGNS).flatmap(
        lambda design: st.tuples(st.just(design), matmul_cases(max_dim=max_dim(design, 70)))
    ),
    st.booleans(),
    st.data(),
)
def test_per_channel_multipliers_numpy_numba_and_cpp_agree(pair, columns, data):
    """Per-channel weight scales: every output row (weights in A) or column (weights in B, the
    kernel's bias columns) has its own (M0, n), sent with its bias on the bias port."""
    design, case = pair
    u, w = case["a_q"].shape[0], case["b_q"].shape[1]
    columns = columns and w <= design.max_w  # a mapped call is not split over column blocks
    entries = w if columns else u
    pairs = [quantize_multiplier(data.draw(multipliers)) for _ in range(entries)]
    M0 = np.array([m for m, _ in pairs], np.int64)  # noqa: N806
    n = np.array([s for _, s in pairs], np.int64)
    bias = np.array(data.draw(st.lists(st.integers(-(2**24), 2**24), min_size=entries, max_size=entries)), np.int64)
    output_floor = data.draw(st.integers(0, 255))
    case |= {"M0": M0, "n": n}
    got = sw_emu.qmatmul_layer(
        **case, bias_q=bias, output_floor=output_floor, design=design, layout=LAYOUT_BIAS_COLUMNS if columns else 0
    )
    acc = numerics.qmatmul_accumulate(case["a_q"], case["b_q"], case["zero_a"], case["zero_b"])
    shape = (1, -1) if columns else (-1, 1)
    acc = acc + bias.reshape(shape)
    reference = numerics.requantize(acc, M0.reshape(shape), n.reshape(shape), case["zero_out"], case["rounding"])
    assert_array_equal(got, np.maximum(reference, output_floor))
    if columns:  # the transposed product has the multipliers per row
        transposed = dict(case, a_q=np.ascontiguousarray(case["b_q"].T), b_q=np.ascontiguousarray(case["a_q"].T))
        transposed |= {"zero_a": case["zero_b"], "zero_b": case["zero_a"]}
        expected = numerics.qmatmul_reference(**transposed).T
        plain = sw_emu.qmatmul_layer(**case, bias_q=np.zeros(w, np.int64), output_floor=0, design=design,
                                     layout=LAYOUT_BIAS_COLUMNS)  # fmt: skip
    else:
        expected = numerics.qmatmul_reference(**case)
        args = [case[k] for k in ("a_q", "b_q", "zero_a", "zero_b", "zero_out", "M0", "n", "rounding")]
        assert_array_equal(kernels.qmatmul_unchecked(*args, bias, output_floor, 255), got)
        plain = kernels.qmatmul(**case)
    assert_array_equal(plain, expected)
