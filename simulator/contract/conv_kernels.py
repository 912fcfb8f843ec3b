"""Numba kernels of the network's convolution layers, on the contract's quantized matmul
(``kernels``): a 3x3 convolution as the matmul of its im2col on the padded grid, its
epilogue, and the 2x2 max-pool of uint8 codes."""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.contract.kernels import CENTRE, centre_float32, output_code, per_row, raw_products, row_terms


@njit(cache=True, nogil=True)
def maxpool2x2_kernel(x):
    """2x2 max-pooling, stride 2, of uint8 (N, C, H, W); odd trailing rows/columns dropped."""
    batch, channels, height, width = x.shape
    out = np.empty((batch, channels, height // 2, width // 2), np.uint8)
    for b in range(batch):
        for c in range(channels):
            for i in range(height // 2):
                for j in range(width // 2):
                    out[b, c, i, j] = max(
                        max(x[b, c, 2 * i, 2 * j], x[b, c, 2 * i, 2 * j + 1]),
                        max(x[b, c, 2 * i + 1, 2 * j], x[b, c, 2 * i + 1, 2 * j + 1]),
                    )
    return out


@njit(cache=True, nogil=True)
def padded_centred_kernel(x, kernel_size_m, kernel_size_n, pad_value):
    """The convolution input (N, C, M, N') with its one-pixel border of pad_value, minus 128, as
    float32 (C, N * (M + 2) * (N' + 2)) (the padded grid, image-major), and for every grid
    position p the sum of the centred values in the KM x KN window whose top-left corner is p
    (summed over channels; int64): the column sums of the im2col matrix, on the grid."""
    batch, channels, src_m, src_n = x.shape
    grid_m, grid_n = src_m + 2, src_n + 2
    per_image = grid_m * grid_n
    pad = np.int64(pad_value) - CENTRE
    out = np.full((channels, batch * per_image), np.float32(pad))
    sums = np.full(batch * per_image, channels * pad, np.int64)
    for b in range(batch):
        for i in range(src_m):
            for j in range(src_n):
                p = b * per_image + (i + 1) * grid_n + j + 1
                total = np.int64(0)
                for c in range(channels):
                    value = np.int64(x[b, c, i, j]) - CENTRE
                    out[c, p] = value
                    total += value
                sums[p] = total
    boxes = np.zeros(batch * per_image, np.int64)
    for p in range(batch * per_image - (kernel_size_m - 1) * grid_n - (kernel_size_n - 1)):
        total = np.int64(0)
        for kr in range(kernel_size_m):
            for kc in range(kernel_size_n):
                total += sums[p + kr * grid_n + kc]
        boxes[p] = total
    return out, boxes


@njit(cache=True, nogil=True)
def conv_epilogue_kernel(
    raw,
    a_rowsum,
    boxes,
    batch,
    out_m,
    out_n,
    grid_n,
    per_image,
    v,
    centre_a,
    centre_b,
    zero_out,
    M0,
    n,
    nearest,
    bias,
    output_floor,  # noqa: N803
    output_qmax,
    pool,
):
    """``qmatmul_epilogue`` of a convolution computed on the padded grid (raw: C_out x grid
    positions), written as (N, C_out, OM, ON), or 2x2 max-pooled (N, C_out, OM // 2, ON // 2)
    with pool. Pooling takes the largest accumulator of each window: requantization and the
    clamp never decrease with the accumulator, so it equals pooling the output codes."""
    channels = raw.shape[0]
    step = 2 if pool else 1
    rows, cols = out_m // step, out_n // step
    out = np.empty((batch, channels, rows, cols), np.uint8)
    terms = row_terms(a_rowsum, v, centre_a, centre_b, bias)
    for i in range(channels):
        for b in range(batch):
            for r in range(rows):
                for c in range(cols):
                    best = np.int64(-(2**62))
                    for dr in range(step):
                        for dc in range(step):
                            p = b * per_image + (step * r + dr) * grid_n + step * c + dc
                            acc = np.int64(raw[i, p]) - np.int64(centre_a) * boxes[p]
                            best = max(best, acc)
                    out[b, i, r, c] = output_code(
                        best + terms[i], M0[i], n[i], zero_out, nearest, output_floor, output_qmax
                    )
    return out


def conv3x3_unchecked(weight_q, x_q, zero_w, zero_x, zero_out, M0, n, rounding, bias, output_floor, output_qmax, pool):  # noqa: N803
    """A 3x3 convolution, stride 1, pad 1 (pad value zero_x), as the quantized matmul of its
    im2col (weights (C_out, C*9) by columns (C*9, N*M*N')), then optionally 2x2 max-pooled;
    returns (N, C_out, M', N') uint8. For callers that validated already.

    The im2col matrix is taken on the padded grid (image-major, row pitch N' + 2): the column
    of output (r, c) at grid position p holds the grid at p + kr (N' + 2) + kc, so its rows are
    nine shifted contiguous slices of the centred grid, and the raw products are one float32
    matmul (exact as in ``raw_products``). Columns at grid positions past an image's edge are
    computed and never read."""
    batch, channels, src_m, src_n = x_q.shape
    out_channels = weight_q.shape[0]
    grid_n, per_image = src_n + 2, (src_m + 2) * (src_n + 2)
    grid, boxes = padded_centred_kernel(x_q, 3, 3, np.uint8(zero_x))
    positions = grid.shape[1] - 2 * grid_n - 2  # the last output's top-left corner + 1
    columns = np.concatenate(
        [grid[:, kr * grid_n + kc : kr * grid_n + kc + positions] for kr in range(3) for kc in range(3)]
    )
    # weights (C_out, C, kr, kc) reordered to the rows of ``columns``: (kr, kc, c)
    centred, a_rowsum = centre_float32(np.ascontiguousarray(weight_q.transpose(0, 2, 3, 1).reshape(out_channels, -1)))
    raw = raw_products(centred, columns)
    return conv_epilogue_kernel(
        raw,
        a_rowsum,
        boxes,
        batch,
        src_m,
        src_n,
        grid_n,
        per_image,
        channels * 9,
        zero_w - CENTRE,
        zero_x - CENTRE,
        zero_out,
        *per_row(M0, n, out_channels),
        rounding == "nearest",
        bias,
        np.uint8(output_floor),
        np.uint8(output_qmax),
        pool,
    )


__all__ = ["conv3x3_unchecked", "maxpool2x2_kernel"]
