"""Hypothesis strategies in the project's own terms."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.contract.numerics import ROUNDING_MODES, quantize_multiplier
from tests.edges import UINT8_EDGES

uint8_values = st.one_of(st.sampled_from(UINT8_EDGES), st.integers(0, 255))
zero_points = uint8_values
roundings = st.sampled_from(ROUNDING_MODES)
# M in [2^-24, 1): the real multipliers Sa Sb / Sout of practical layers.
multipliers = st.floats(2.0**-24, 1.0, exclude_max=True, allow_nan=False, allow_infinity=False)


@st.composite
def uint8_matrices(draw, rows: int, cols: int) -> np.ndarray:
    """uint8 matrices mixing uniform noise with runs of edge values."""
    elements = st.one_of(st.integers(0, 255), st.sampled_from([0, 1, 127, 128, 254, 255]))
    return draw(hnp.arrays(np.uint8, (rows, cols), elements=elements))


@st.composite
def matmul_shapes(draw, max_dim: int = 160) -> tuple[int, int, int]:
    """(u, v, w), each 1..max_dim, biased toward tile boundaries (multiples of 8/16/32 +- 1)."""
    near_tile = st.sampled_from([1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 160])
    dim = st.one_of(near_tile, st.integers(1, max_dim)).filter(lambda d: d <= max_dim)
    return draw(dim), draw(dim), draw(dim)


@st.composite
def matmul_cases(draw, max_dim: int = 160) -> dict:
    """A complete quantized-matmul call: matrices, zero points, M0, n and rounding."""
    u, v, w = draw(matmul_shapes(max_dim))
    M0, n = quantize_multiplier(draw(multipliers))  # noqa: N806
    return {
        "a_q": draw(uint8_matrices(u, v)),
        "b_q": draw(uint8_matrices(v, w)),
        "zero_a": draw(zero_points),
        "zero_b": draw(zero_points),
        "zero_out": draw(zero_points),
        "M0": M0,
        "n": n,
        "rounding": draw(roundings),
    }


@st.composite
def im2col_cases(draw, max_channels: int = 8, max_size: int = 20) -> dict:
    kernel_size_m = draw(st.integers(1, 7))
    kernel_size_n = draw(st.integers(1, 7))
    channels = draw(st.integers(1, max_channels))
    src_m = draw(st.integers(max(1, kernel_size_m - 2), max_size))
    src_n = draw(st.integers(max(1, kernel_size_n - 2), max_size))
    x_q = draw(hnp.arrays(np.uint8, (channels, src_m, src_n), elements=st.integers(0, 255)))
    return {"x_q": x_q, "kernel_size_m": kernel_size_m, "kernel_size_n": kernel_size_n, "pad_value": draw(zero_points)}
