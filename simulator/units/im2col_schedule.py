"""The im2col unit's addresses and row schedule: pure functions, testable without SimPy.

Numerics eq. 7 and spec Part 2, Task 2: output element (row, col), row = (c, kr, kc),
col = (orow, ocol), reads x[c][orow + kr - 1][ocol + kc - 1] or the pad value. Output row
orow of a channel reads the padded input rows orow - 1 .. orow + KM - 2, so input rows are
needed in order and each row is no longer needed after output row (row + 1). Output rows
are written in groups of ``rows_per_write``; a group is one contiguous segment of each
(c, kr, kc) output row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.designs import Im2colDesign, check_field
from simulator.numerics import CHANNELS_MAX, KERNEL_SIZE_MAX, KERNEL_SIZE_MIN, im2col_output_shape
from simulator.units.axi import segment_bursts

SRC_M_MAX = 1 << 16


def im2col_addresses(
    src_c: int, src_m: int, src_n: int, kernel_size_m: int, kernel_size_n: int
) -> np.ndarray:
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


def last_row_needed(orow: int, src_m: int, kernel_size_m: int) -> int:
    """Bottom input row (inside the image) that output row ``orow`` reads; -1 if none.

    Output row orow reads padded rows orow - 1 .. orow + KM - 2; every earlier input row was
    already needed by an earlier output row, so rows arrive in order.
    """
    return min(orow + kernel_size_m - 2, src_m - 1)


def group_ends(orow: int, out_m: int, rows_per_write: int) -> bool:
    """True when output row ``orow`` closes a write group."""
    return (orow + 1) % rows_per_write == 0 or orow == out_m - 1


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


def write_groups(design: Im2colDesign, shape: Im2colShape) -> list[int]:
    """Output rows of every write group of one channel: rows_per_write, the last one shorter."""
    out_m, per_group = shape.out_m, design.rows_per_write
    return [min(per_group, out_m - start) for start in range(0, out_m, per_group)]


def group_bursts(design: Im2colDesign, shape: Im2colShape, n_rows: int) -> tuple[int, ...]:
    """Bursts of one write group: KM * KN segments of n_rows * ON contiguous bytes."""
    return segment_bursts(n_rows * shape.out_n, design) * shape.window


def window_row_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    """Cycles to generate one output row: ceil(ON / columns_per_cycle) * column_ii."""
    return -(-shape.out_n // design.columns_per_cycle) * design.column_ii


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
    check_field(owner, "src_m", shape.src_m, int, 1, SRC_M_MAX)
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
    "group_bursts",
    "group_ends",
    "im2col_addresses",
    "last_row_needed",
    "memory_bound_cycles",
    "window_row_cycles",
    "write_groups",
]
