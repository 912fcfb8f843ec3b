"""The im2col unit's shape, addresses and memory bound: pure functions, testable alone.

Numerics eq. 7 and spec Part 2, Task 2: output element (row, col), row = (c, kr, kc),
col = (orow, ocol), reads x[c][orow + kr - 1][ocol + kc - 1] or the pad value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.contract.numerics import CHANNELS_MAX, KERNEL_SIZE_MAX, KERNEL_SIZE_MIN, im2col_output_shape
from simulator.hardware.designs import Im2colDesign, check_field


def im2col_addresses(src_c: int, src_m: int, src_n: int, kernel_size_m: int, kernel_size_n: int) -> np.ndarray:
    """Source of every output element: flat index into x[C][M][N], or -1 for the pad.

    Element (row, col) with row = (c, kr, kc) and col = (orow, ocol) reads
    x[c][orow + kr - 1][ocol + kc - 1] (numerics eq. 7).

    Returns
    -------
    ndarray of shape (C * KM * KN, OM * ON), int64
    """
    out_m, out_n = im2col_output_shape(src_m, src_n, kernel_size_m, kernel_size_n)
    c, kr, kc, orow, ocol = np.ix_(
        np.arange(src_c),
        np.arange(kernel_size_m),
        np.arange(kernel_size_n),
        np.arange(out_m),
        np.arange(out_n),
    )
    src_row, src_col = orow + kr - 1, ocol + kc - 1
    inside = (src_row >= 0) & (src_row < src_m) & (src_col >= 0) & (src_col < src_n)
    flat = (c * src_m + src_row) * src_n + src_col
    addresses = np.where(inside, flat, -1)  # (c, km, kn, om, on)
    return addresses.reshape(src_c * kernel_size_m * kernel_size_n, out_m * out_n)


@dataclass(frozen=True, slots=True)
class Im2colShape:
    src_c: int
    src_m: int
    src_n: int
    kernel_size_m: int
    kernel_size_n: int

    @property
    def out_m(self) -> int:
        return self.src_m + 3 - self.kernel_size_m

    @property
    def out_n(self) -> int:
        return self.src_n + 3 - self.kernel_size_n

    @property
    def window(self) -> int:
        return self.kernel_size_m * self.kernel_size_n


def memory_bound_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    """max(L + read_beats, L + write_beats + L), beats = ceil(bytes / bytes_per_beat).

    Reads: C * M * N bytes; writes: C * KM * KN * OM * ON bytes (see matmul's bound).
    """
    per_beat, latency = design.bytes_per_beat, design.mem_latency_cycles
    read_beats = -(-shape.src_c * shape.src_m * shape.src_n // per_beat)
    write_beats = -(-shape.src_c * shape.window * shape.out_m * shape.out_n // per_beat)
    return max(latency + read_beats, 2 * latency + write_beats)


def check_im2col_shape(owner: str, design: Im2colDesign, shape: Im2colShape) -> None:
    """Validate a design and a shape at a public entry point, including the design's limits."""
    if not isinstance(design, Im2colDesign):
        raise TypeError(f"{owner}: design must be an Im2colDesign; got {type(design).__name__}")
    check_field(owner, "src_c", shape.src_c, int, 1, CHANNELS_MAX)
    check_field(owner, "src_m", shape.src_m, int, 1, design.max_src_m)
    check_field(owner, "src_n", shape.src_n, int, 1, design.max_src_n)
    check_field(
        owner,
        "kernel_size_m",
        shape.kernel_size_m,
        int,
        KERNEL_SIZE_MIN,
        min(design.max_k, KERNEL_SIZE_MAX),
    )
    check_field(
        owner,
        "kernel_size_n",
        shape.kernel_size_n,
        int,
        KERNEL_SIZE_MIN,
        min(design.max_k, KERNEL_SIZE_MAX),
    )
    if shape.src_m + 2 < shape.kernel_size_m or shape.src_n + 2 < shape.kernel_size_n:
        raise ValueError(
            f"{owner}: kernel ({shape.kernel_size_m}, {shape.kernel_size_n}) does not fit the "
            "padded input "
            f"({shape.src_m + 2}, {shape.src_n + 2}); expected kernel_size <= src_size + 2"
        )


__all__ = [
    "Im2colShape",
    "check_im2col_shape",
    "im2col_addresses",
    "memory_bound_cycles",
]
