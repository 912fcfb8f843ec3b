"""Numba-jitted, bit-exact kernels of the numerical contract (simulator/contract/numerics.py).

Jitted functions are pure and never validate; each has a plain Python wrapper that checks
its arguments with the contract's validators. Scalar stages carry the same names as in
numerics.py and hls_src/common/arith.hpp.

The kernels are serial on purpose: the matmul spends its time in BLAS, whose threads a
parallel (OpenMP) epilogue would fight for the cores between calls.

Fast quantized matmul. Centre the operands, a' = a - 128 and b' = b - 128 (both in
[-128, 127]), and write c_a = Za - 128, c_b = Zb - 128. By Jacob et al. 2018, eq. 7-8,
    acc[i,k] = sum_j (a'[i,j] - c_a)(b'[j,k] - c_b)
             = sum_j a'[i,j] b'[j,k] - c_b sum_j a'[i,j] - c_a sum_j b'[j,k] + v c_a c_b.
The raw products sum_j a' b' are computed with float32 BLAS on slices of at most 1024
along v: every product has magnitude at most 128^2 = 2^14, so every partial sum, in any
order and with or without FMA, is an integer of magnitude at most 1024 * 2^14 = 2^24 and is
represented exactly in float32. Several slices are accumulated in float64 (exact below
2^53); a jitted epilogue then applies the zero-point terms and requantization.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.contract.numerics import (
    ROUNDING_MODES,
    check_im2col_args,
    check_int,
    check_qmatmul_args,
    check_qmatmul_multipliers,
    im2col_output_shape,
)

EXACT_FLOAT32_SLICE = 1024  # 1024 * 128^2 = 2^24: a float32 sum of this many centred products is exact
CENTRE = 128


# ---------------------------------------------------------------- scalar stages (eq. 5-6)


@njit(cache=True, inline="always")
def clamp_uint8(x):
    """clamp(x, 0, 255)."""
    return 0 if x < 0 else (255 if x > 255 else x)


@njit(cache=True, inline="always")
def shift_right_floor(x, shift):
    """Arithmetic right shift of an int64: floor(x / 2^shift)."""
    return np.int64(x) >> np.int64(shift)


@njit(cache=True, inline="always")
def saturating_rounding_doubling_high_mul(a, b):
    """gemmlowp SRDHM of int32 a, b: trunc((a b + nudge) / 2^31), saturating at INT32_MAX."""
    if a == -2147483648 and b == -2147483648:
        return np.int64(2147483647)
    ab = np.int64(a) * np.int64(b)
    nudge = np.int64(1 << 30) if ab >= 0 else np.int64(1 - (1 << 30))
    total = ab + nudge
    quotient = total >> np.int64(31)
    if total < 0 and (total & np.int64((1 << 31) - 1)) != 0:
        quotient += 1  # C division truncates toward zero
    return quotient


@njit(cache=True, inline="always")
def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT: x / 2^exponent, halves away from zero."""
    mask = (np.int64(1) << np.int64(exponent)) - 1
    remainder = np.int64(x) & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (np.int64(x) >> np.int64(exponent)) + (1 if remainder > threshold else 0)


@njit(cache=True, inline="always")
def requantize_one(acc, M0, n, zero_out, nearest):  # noqa: N803
    """One int32 accumulator -> uint8 by eq. 5 (floor) or eq. 6 (nearest)."""
    if nearest:
        scaled = rounding_divide_by_pot(saturating_rounding_doubling_high_mul(acc, M0), n)
    else:
        scaled = shift_right_floor(np.int64(acc) * np.int64(M0), 31 + n)
    return np.uint8(clamp_uint8(scaled + zero_out))


# ------------------------------------------------------------------------- jitted kernels


@njit(cache=True, nogil=True)
def centre_float32(x):
    """x - 128 as float32 (exact), with its row sums (int64): one pass over a uint8 matrix."""
    rows, cols = x.shape
    out = np.empty((rows, cols), np.float32)
    row_sums = np.empty(rows, np.int64)
    for i in range(rows):
        total = 0
        for j in range(cols):
            value = np.int64(x[i, j]) - 128
            out[i, j] = value
            total += value
        row_sums[i] = total
    return out, row_sums


@njit(cache=True, inline="always")
def row_terms(a_rowsum, v, centre_a, centre_b, bias):
    """Per output row: v c_a c_b - c_b sum_j a'[i, j] + bias[i], the row part of eq. 7-8."""
    constant = np.int64(v) * np.int64(centre_a) * np.int64(centre_b)
    return constant - np.int64(centre_b) * a_rowsum + bias


@njit(cache=True, inline="always")
def output_code(acc, M0, n, zero_out, nearest, output_floor, output_qmax):  # noqa: N803
    """An accumulator (with its zero-point terms and bias) as an output code: requantization
    (eq. 5 or 6) and the clamp to [output_floor, output_qmax]."""
    return min(max(requantize_one(acc, M0, n, zero_out, nearest), output_floor), output_qmax)


@njit(cache=True, nogil=True)
def qmatmul_epilogue(
    raw,
    a_rowsum,
    b_colsum,
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
):
    """Zero-point terms (eq. 7-8, centred operands), the per-row int32 bias, requantization
    by the row's multiplier (M0[i], n[i]) and a clamp to [output_floor, output_qmax]
    (output_floor = the output zero point for a fused ReLU, else 0; output_qmax = 2^b - 1 for
    b-bit activations, 255 for uint8)."""
    u, w = raw.shape
    out = np.empty((u, w), np.uint8)
    rows = row_terms(a_rowsum, v, centre_a, centre_b, bias)
    for i in range(u):
        for k in range(w):
            acc = np.int64(raw[i, k]) + rows[i] - np.int64(centre_a) * b_colsum[k]
            out[i, k] = output_code(acc, M0[i], n[i], zero_out, nearest, output_floor, output_qmax)
    return out


@njit(cache=True, nogil=True)
def im2col_batch_kernel(x, kernel_size_m, kernel_size_n, pad_value):
    """im2col of a batch (N, C, M, N') side by side: (C*KM*KN, N*OM*ON), columns image-major."""
    batch, channels, src_m, src_n = x.shape
    out_m = src_m + 3 - kernel_size_m
    out_n = src_n + 3 - kernel_size_n
    per_image = out_m * out_n
    out = np.empty((channels * kernel_size_m * kernel_size_n, batch * per_image), np.uint8)
    for row in range(channels * kernel_size_m * kernel_size_n):
        c = row // (kernel_size_m * kernel_size_n)
        kr = (row // kernel_size_n) % kernel_size_m
        kc = row % kernel_size_n
        for b in range(batch):
            base = b * per_image
            for orow in range(out_m):
                src_row = orow + kr - 1
                for ocol in range(out_n):
                    src_col = ocol + kc - 1
                    inside = 0 <= src_row < src_m and 0 <= src_col < src_n
                    out[row, base + orow * out_n + ocol] = x[b, c, src_row, src_col] if inside else pad_value
    return out


@njit(cache=True, nogil=True)
def qmatmul_tiled_kernel(a, b, zero_a, zero_b, zero_out, M0, n, nearest, tile_u, tile_v, tile_w):  # noqa: N803
    """The HLS kernel's loop nest in Numba: tiles of u x w, accumulated over tiles of v.

    Slow but literal; it exists to show that the tile shape changes time, never values.
    """
    u, v = a.shape
    w = b.shape[1]
    out = np.empty((u, w), np.uint8)
    acc = np.empty((tile_u, tile_w), np.int64)
    for i0 in range(0, u, tile_u):
        for k0 in range(0, w, tile_w):
            acc[:] = 0
            for j0 in range(0, v, tile_v):
                for i in range(i0, min(i0 + tile_u, u)):
                    for j in range(j0, min(j0 + tile_v, v)):
                        a_ij = np.int64(a[i, j]) - zero_a
                        for k in range(k0, min(k0 + tile_w, w)):
                            acc[i - i0, k - k0] += a_ij * (np.int64(b[j, k]) - zero_b)
            for i in range(i0, min(i0 + tile_u, u)):
                for k in range(k0, min(k0 + tile_w, w)):
                    out[i, k] = requantize_one(acc[i - i0, k - k0], M0[i], n[i], zero_out, nearest)
    return out


@njit(cache=True, nogil=True)
def im2col_kernel(x, kernel_size_m, kernel_size_n, pad_value):
    """im2col of one (C, M, N) uint8 image with padding 1 (eq. 7)."""
    channels, src_m, src_n = x.shape
    out_m = src_m + 3 - kernel_size_m
    out_n = src_n + 3 - kernel_size_n
    out = np.empty((channels * kernel_size_m * kernel_size_n, out_m * out_n), np.uint8)
    for row in range(channels * kernel_size_m * kernel_size_n):
        c = row // (kernel_size_m * kernel_size_n)
        kr = (row // kernel_size_n) % kernel_size_m
        kc = row % kernel_size_n
        for orow in range(out_m):
            src_row = orow + kr - 1
            for ocol in range(out_n):
                src_col = ocol + kc - 1
                inside = 0 <= src_row < src_m and 0 <= src_col < src_n
                out[row, orow * out_n + ocol] = x[c, src_row, src_col] if inside else pad_value
    return out


# ------------------------------------------------------------------------ Python wrappers


def raw_products(a_centred: np.ndarray, b_centred: np.ndarray) -> np.ndarray:
    """sum_j a'[i,j] b'[j,k] of centred float32 operands, exact (see the module docstring).

    float32 when v fits one slice, else float64.
    """
    v = a_centred.shape[1]
    if v <= EXACT_FLOAT32_SLICE:
        return np.matmul(a_centred, b_centred)
    raw = np.zeros((a_centred.shape[0], b_centred.shape[1]), np.float64)
    partial = np.empty((a_centred.shape[0], b_centred.shape[1]), np.float32)
    for start in range(0, v, EXACT_FLOAT32_SLICE):
        stop = min(start + EXACT_FLOAT32_SLICE, v)
        np.matmul(a_centred[:, start:stop], b_centred[start:stop], out=partial)
        raw += partial
    return raw


def qmatmul(
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0: int | np.ndarray,  # noqa: N803
    n: int | np.ndarray,
    rounding: str = "floor",
) -> np.ndarray:
    """Fast bit-exact quantized matmul; same contract as ``numerics.qmatmul_reference``.

    Parameters
    ----------
    a_q : ndarray of shape (u, v), uint8
    b_q : ndarray of shape (v, w), uint8
    zero_a, zero_b, zero_out : int in [0, 255]
    M0 : int in [2^30, 2^31), or u of them (one per row); n : int in [0, 31], or u of them
    rounding : "floor" | "nearest"

    Returns
    -------
    ndarray of shape (u, w), uint8
    """
    M0, n = check_qmatmul_multipliers(  # noqa: N806
        "kernels.qmatmul", a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding, np.shape(a_q)[0]
    )
    return qmatmul_unchecked(
        a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding, np.zeros(a_q.shape[0], np.int64), 0, 255
    )


def per_row(M0, n, rows: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
    """(M0, n) as one int64 value per output row: an int is shared, an array is one per row."""
    return tuple(np.ascontiguousarray(np.broadcast_to(np.asarray(x, np.int64), (rows,))) for x in (M0, n))  # type: ignore[return-value]


def qmatmul_unchecked(a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding, bias, output_floor, output_qmax):  # noqa: N803
    """qmatmul plus a per-row int32 bias and a clamp to [output_floor, output_qmax], for callers that
    validated already; M0 and n are ints or one per row (per-channel weights in A)."""
    a_centred, a_rowsum = centre_float32(a_q)
    b_centred_t, b_colsum = centre_float32(np.ascontiguousarray(b_q.T))
    raw = raw_products(a_centred, b_centred_t.T)
    return qmatmul_epilogue(
        raw,
        a_rowsum,
        b_colsum,
        a_q.shape[1],
        zero_a - CENTRE,
        zero_b - CENTRE,
        zero_out,
        *per_row(M0, n, a_q.shape[0]),
        rounding == "nearest",
        bias,
        np.uint8(output_floor),
        np.uint8(output_qmax),
    )


def qmatmul_tiled(
    a_q,
    b_q,
    *,
    zero_a,
    zero_b,
    zero_out,
    M0,
    n,
    rounding="floor",
    tiles=(16, 32, 16),  # noqa: N803
) -> np.ndarray:
    """The literal tiled loop nest of the HLS kernel (slow); ``tiles`` = (tile_u, tile_v, tile_w)."""
    check_qmatmul_args("kernels.qmatmul_tiled", a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding)
    for name, size in zip(("tile_u", "tile_v", "tile_w"), tiles):
        check_int("kernels.qmatmul_tiled", name, size, 1, 256)
    return qmatmul_tiled_kernel(
        a_q, b_q, zero_a, zero_b, zero_out, *per_row(M0, n, a_q.shape[0]), rounding == "nearest", *tiles
    )


def im2col(x_q: np.ndarray, kernel_size_m: int, kernel_size_n: int, *, pad_value: int = 0) -> np.ndarray:
    """Fast im2col; same contract as ``numerics.im2col_reference``.

    Returns
    -------
    ndarray of shape (C * KM * KN, OM * ON), uint8
    """
    check_im2col_args("kernels.im2col", x_q, kernel_size_m, kernel_size_n, pad_value)
    return im2col_kernel(x_q, kernel_size_m, kernel_size_n, np.uint8(pad_value))


__all__ = ["ROUNDING_MODES", "im2col", "im2col_output_shape", "qmatmul", "qmatmul_tiled"]
