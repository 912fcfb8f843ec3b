"""The numerical contract: quantization, requantization and im2col, written once.

Every component of cnnacc (torch fake quantization, Numba kernels, the HLS C++ and the
whole-network integer inference) mirrors the formulas below, and the tests prove they agree
bit for bit. The derivation follows Jacob et al. 2018, "Quantization and Training of Neural
Networks for Efficient Integer-Arithmetic-Only Inference", section 2.2, and gemmlowp's
output stages.

(1) Asymmetric (uniform affine) quantization to b bits, real value r = S (q - Z):
    lo = min(rmin, 0), hi = max(rmax, 0)               (the range always contains 0)
    S = (hi - lo) / (2^b - 1)
    Z = clamp(round(-lo / S), 0, 2^b - 1)
    q = clamp(round(r / S) + Z, 0, 2^b - 1)           round = half to even (np.rint)
(2) Symmetric signed quantization to b bits:
    S = max|r| / (2^(b-1) - 1), Z = 0, q in [-(2^(b-1) - 1), 2^(b-1) - 1]
(3) Quantized matmul, uint8 in: acc[i,k] = sum_j (a[i,j] - Za)(b[j,k] - Zb), exact in int32.
(4) M = Sa Sb / Sout in (0, 1); n = doublings bringing M into [0.5, 1);
    M0 = round(M 2^n 2^31)  (if that reaches 2^31: halve it and decrease n, or
    saturate M0 at 2^31 - 1 when n is already 0).
(5) "floor" requantization: out = clamp(Zout + ((acc M0) >> (31 + n)), 0, 255), with the
    product in 64 bits and an arithmetic (flooring) shift. Reproduces the spec's example.
(6) "nearest" requantization (gemmlowp / TFLite):
    out = clamp(Zout + RDivPOT(SRDHM(acc, M0), n), 0, 255).
    With per-channel weight scales (one S_b per output channel), M, and so (M0, n), is one
    per output channel: eq. 4-6 apply channel by channel.
(7) im2col, stride 1, dilation 1, padding 1: input [C][M][N]; output
    [C*KM*KN][OM*ON] with OM = M + 3 - KM, ON = N + 3 - KN, row (c, kr, kc), column
    (orow, ocol), element in[c][orow + kr - 1][ocol + kc - 1] or the pad value outside
    (the order of torch.nn.functional.unfold).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

ROUNDING_MODES = ("floor", "nearest")
Rounding = Literal["floor", "nearest"]

UINT8_MAX = 255
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
M0_MIN = 2**30
M0_MAX = 2**31 - 1
SHIFT_MAX = 31
BITS_MIN, BITS_MAX = 2, 16
KERNEL_SIZE_MIN, KERNEL_SIZE_MAX = 1, 7
# The int32 accumulator of eq. 3 cannot overflow when v * 255^2 < 2^31.
V_MAX = (2**31 - 1) // UINT8_MAX**2
CHANNELS_MIN, CHANNELS_MAX = 1, 512


# --------------------------------------------------------------------------- validation


def check_int(owner: str, name: str, value, lo: int, hi: int) -> int:
    """Return ``value`` as int if it is an integer in [lo, hi]; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}: {name}={value!r} must be an int in [{lo}, {hi}]")
    if not lo <= int(value) <= hi:
        raise ValueError(f"{owner}: {name}={value!r} is out of range; expected an int in [{lo}, {hi}]")
    return int(value)


def check_choice(field: str, value, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``; else ValueError naming ``field`` (its owner
    and name, as the caller writes them: "requantize: rounding", "MatmulDesign.rounding")."""
    if value not in choices:
        raise ValueError(f"{field}={value!r} is not one of {choices}")
    return value


def check_uint8_array(owner: str, name: str, array, ndim: int) -> np.ndarray:
    """Check that ``array`` is a C-contiguous uint8 ndarray of ``ndim`` dimensions."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{owner}: {name} must be a numpy ndarray of uint8; got {type(array).__name__}")
    if array.dtype != np.uint8:
        raise TypeError(f"{owner}: {name} must have dtype uint8; got {array.dtype} (pass uint8 arrays)")
    if array.ndim != ndim:
        raise ValueError(f"{owner}: {name} must be {ndim}-D; got shape {array.shape}")
    if min(array.shape) < 1:
        raise ValueError(f"{owner}: {name} has an empty dimension; got shape {array.shape}")
    if not array.flags.c_contiguous:
        raise ValueError(f"{owner}: {name} must be C-contiguous; pass np.ascontiguousarray({name})")
    return array


def check_qmatmul_args(owner, a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding) -> None:  # noqa: N803
    """Validate the arguments of a quantized matmul (shared by every engine)."""
    check_uint8_array(owner, "a_q", a_q, 2)
    check_uint8_array(owner, "b_q", b_q, 2)
    if a_q.shape[1] != b_q.shape[0]:
        raise ValueError(
            f"{owner}: a_q.shape={a_q.shape} and b_q.shape={b_q.shape} do not chain; expected a_q (u, v) and b_q (v, w)"
        )
    check_int(owner, "v", a_q.shape[1], 1, V_MAX)
    for name, value in (("zero_a", zero_a), ("zero_b", zero_b), ("zero_out", zero_out)):
        check_int(owner, name, value, 0, UINT8_MAX)
    check_int(owner, "M0", M0, M0_MIN, M0_MAX)
    check_int(owner, "n", n, 0, SHIFT_MAX)
    check_choice(f"{owner}: rounding", rounding, ROUNDING_MODES)


def check_channel_scales(owner: str, M0, n, entries: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
    """Per-channel multipliers: ``entries`` values of M0 in [2^30, 2^31) and of n in [0, 31]
    (one of them may be a scalar, shared); returned as two int64 arrays."""
    arrays = []
    for name, value, lo, hi in (("M0", M0, M0_MIN, M0_MAX), ("n", n, 0, SHIFT_MAX)):
        array = np.asarray(value)
        if array.dtype.kind not in "iu":
            raise TypeError(f"{owner}: {name} must be an int or an integer array; got dtype {array.dtype}")
        array = np.broadcast_to(array.astype(np.int64), (entries,)) if array.ndim == 0 else array.astype(np.int64)
        if array.shape != (entries,):
            raise ValueError(f"{owner}: {name} must hold one value per channel ({entries}); got shape {array.shape}")
        bad = np.flatnonzero((array < lo) | (array > hi))
        if bad.size:
            value = array[bad[0]]
            raise ValueError(f"{owner}: {name}[{bad[0]}]={value} is out of range; expected an int in [{lo}, {hi}]")
        arrays.append(np.ascontiguousarray(array))
    return arrays[0], arrays[1]


def check_qmatmul_multipliers(owner, a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding, entries: int):  # noqa: N803
    """``check_qmatmul_args`` with one multiplier (ints, returned as given) or one per channel
    (``entries`` of them, returned as int64 arrays by ``check_channel_scales``)."""
    if np.ndim(M0) == 0 and np.ndim(n) == 0:
        check_qmatmul_args(owner, a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding)
        return M0, n
    check_qmatmul_args(owner, a_q, b_q, zero_a, zero_b, zero_out, M0_MIN, 0, rounding)
    return check_channel_scales(owner, M0, n, entries)


def im2col_output_shape(src_m: int, src_n: int, kernel_size_m: int, kernel_size_n: int) -> tuple[int, int]:
    """(OM, ON) of im2col with stride 1, dilation 1 and padding 1 (eq. 7)."""
    return src_m + 3 - kernel_size_m, src_n + 3 - kernel_size_n


def check_im2col_args(owner, x_q, kernel_size_m, kernel_size_n, pad_value) -> None:
    """Validate im2col arguments (shared by every engine)."""
    check_uint8_array(owner, "x_q", x_q, 3)
    check_int(owner, "src_c", x_q.shape[0], CHANNELS_MIN, CHANNELS_MAX)
    check_int(owner, "kernel_size_m", kernel_size_m, KERNEL_SIZE_MIN, KERNEL_SIZE_MAX)
    check_int(owner, "kernel_size_n", kernel_size_n, KERNEL_SIZE_MIN, KERNEL_SIZE_MAX)
    check_int(owner, "pad_value", pad_value, 0, UINT8_MAX)
    _, src_m, src_n = x_q.shape
    if src_m + 2 < kernel_size_m or src_n + 2 < kernel_size_n:
        raise ValueError(
            f"{owner}: kernel ({kernel_size_m}, {kernel_size_n}) does not fit the padded input "
            f"({src_m + 2}, {src_n + 2}); expected kernel_size <= src_size + 2"
        )


# ----------------------------------------------------------------- quantization parameters


def asymmetric_params(rmin: float, rmax: float, bits: int = 8) -> tuple[float, int]:
    """Scale and zero point of asymmetric quantization (eq. 1).

    Returns
    -------
    (scale, zero_point) : (float, int)
        A degenerate range (rmin == rmax == 0) gets scale 1 so that everything maps to Z.
    """
    check_int("asymmetric_params", "bits", bits, BITS_MIN, BITS_MAX)
    if not (math.isfinite(rmin) and math.isfinite(rmax)) or rmin > rmax:
        raise ValueError(f"asymmetric_params: range [{rmin!r}, {rmax!r}] must be finite with rmin <= rmax")
    qmax = 2**bits - 1
    lo, hi = min(float(rmin), 0.0), max(float(rmax), 0.0)
    scale = (hi - lo) / qmax
    if scale == 0.0:
        return 1.0, 0
    zero_point = int(np.clip(np.rint(-lo / scale), 0, qmax))
    return scale, zero_point


def symmetric_params(absmax: float, bits: int = 8) -> float:
    """Scale of symmetric signed quantization (eq. 2); Z = 0."""
    check_int("symmetric_params", "bits", bits, BITS_MIN, BITS_MAX)
    if not math.isfinite(absmax) or absmax < 0:
        raise ValueError(f"symmetric_params: absmax={absmax!r} must be finite and >= 0")
    return float(absmax) / (2 ** (bits - 1) - 1) if absmax > 0 else 1.0


def quant_range(bits: int, symmetric: bool) -> tuple[int, int]:
    """Integer range [qmin, qmax] of a b-bit code (eq. 1 and 2)."""
    if symmetric:
        return -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1


def quantize(r_real: np.ndarray, scale, zero_point: int, qmin: int, qmax: int) -> np.ndarray:
    """q = clamp(round(r / S) + Z, qmin, qmax) as int64 (eq. 1); S a float, or an array (per channel) that
    broadcasts against r. Float division in float64."""
    return np.clip(np.rint(np.asarray(r_real, np.float64) / scale) + zero_point, qmin, qmax).astype(np.int64)


def dequantize(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """r = S (q - Z) in float64."""
    return scale * (np.asarray(q, np.float64) - zero_point)


def quantize_multiplier(M: float) -> tuple[int, int]:  # noqa: N803
    """Fixed-point form of the real multiplier M in (0, 1) (eq. 4).

    Returns
    -------
    (M0, n) : (int, int)
        M ~= M0 * 2^-(31 + n), with M0 in [2^30, 2^31) and n in [0, 31].

    Raises
    ------
    ValueError
        If M is not finite or outside [2^-32, 1).
    """
    if not isinstance(M, (float, int, np.floating)) or not math.isfinite(M) or not 2.0**-32 <= M < 1.0:
        raise ValueError(f"quantize_multiplier: M={M!r} is out of range; expected a finite float in [2^-32, 1)")
    mantissa, exponent = math.frexp(float(M))  # M = mantissa * 2^exponent, mantissa in [0.5, 1)
    n = -exponent
    M0 = round(mantissa * 2**31)  # noqa: N806 (Python round is half to even, exact here)
    if M0 == 2**31 and n > 0:
        M0, n = 2**30, n - 1  # noqa: N806
    elif M0 == 2**31:
        M0 = M0_MAX  # noqa: N806 (M within 2^-32 of 1: n cannot go below 0, saturate instead)
    if n > SHIFT_MAX:
        raise ValueError(f"quantize_multiplier: M={M!r} needs a shift n={n} > {SHIFT_MAX}")
    return M0, n


def quantize_multipliers(M):  # noqa: N803
    """``quantize_multiplier`` of one multiplier (two ints) or of an array of them, one per
    channel (two int64 arrays)."""
    if np.ndim(M) == 0:
        return quantize_multiplier(float(M))
    pairs = [quantize_multiplier(float(m)) for m in np.ravel(M)]
    return np.array([m for m, _ in pairs], np.int64), np.array([s for _, s in pairs], np.int64)


# ------------------------------------------------------------------ requantization stages


def shift_right_floor(x: np.ndarray, shift) -> np.ndarray:
    """x >> shift on int64: arithmetic shift, i.e. floor(x / 2^shift) (eq. 5)."""
    return np.right_shift(np.asarray(x, np.int64), np.asarray(shift, np.int64))


def saturating_rounding_doubling_high_mul(a: np.ndarray, b) -> np.ndarray:
    """gemmlowp SRDHM: round(a b / 2^31) with ties away from zero, saturating (eq. 6).

    ab = a * b in 64 bits; nudge = 2^30 if ab >= 0 else 1 - 2^30;
    result = trunc((ab + nudge) / 2^31); the single overflow a == b == INT32_MIN saturates.
    """
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    total = ab + nudge
    # C's truncating division by 2^31: floor division, corrected toward zero for negatives.
    quotient = np.right_shift(total, 31) + ((total < 0) & ((total & ((1 << 31) - 1)) != 0))
    saturate = (a == INT32_MIN) & (b == INT32_MIN)
    return np.where(saturate, np.int64(INT32_MAX), quotient)


def rounding_divide_by_pot(x: np.ndarray, exponent) -> np.ndarray:
    """gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero (eq. 6)."""
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    mask = np.left_shift(np.int64(1), exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return np.right_shift(x, exponent) + (remainder > threshold)


def clamp_uint8(x: np.ndarray) -> np.ndarray:
    """clamp(x, 0, 255) as uint8."""
    return np.clip(x, 0, UINT8_MAX).astype(np.uint8)


def requantize(acc: np.ndarray, M0, n, zero_out: int, rounding: Rounding) -> np.ndarray:  # noqa: N803
    """int32 accumulators -> uint8 outputs by eq. 5 ("floor") or eq. 6 ("nearest"); M0 and n
    are ints, or arrays that broadcast against ``acc`` (per channel: shape (u, 1) for rows)."""
    check_choice("requantize: rounding", rounding, ROUNDING_MODES)
    acc = np.asarray(acc, np.int64)
    M0, n = np.asarray(M0, np.int64), np.asarray(n, np.int64)  # noqa: N806
    if rounding == "floor":
        scaled = shift_right_floor(acc * M0, 31 + n)
    else:
        scaled = rounding_divide_by_pot(saturating_rounding_doubling_high_mul(acc, M0), n)
    return clamp_uint8(scaled + zero_out)


# ------------------------------------------------------------------------- operators


def qmatmul_accumulate(a_q: np.ndarray, b_q: np.ndarray, zero_a: int, zero_b: int) -> np.ndarray:
    """acc = (A - Za)(B - Zb), exact (eq. 3), returned as int64 of shape (u, w)."""
    return (a_q.astype(np.int64) - zero_a) @ (b_q.astype(np.int64) - zero_b)


def qmatmul_reference(
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0,  # noqa: N803
    n,
    rounding: Rounding = "floor",
) -> np.ndarray:
    """Readable NumPy reference of the quantized matmul (eq. 3-6), with one multiplier or one
    per output row (per-channel weights in A).

    Parameters
    ----------
    a_q : ndarray of shape (u, v), uint8
    b_q : ndarray of shape (v, w), uint8
    zero_a, zero_b, zero_out : int in [0, 255]
    M0 : int in [2^30, 2^31), or u of them; n : int in [0, 31], or u of them
    rounding : "floor" | "nearest"

    Returns
    -------
    ndarray of shape (u, w), uint8
    """
    M0, n = check_qmatmul_multipliers(  # noqa: N806
        "qmatmul_reference", a_q, b_q, zero_a, zero_b, zero_out, M0, n, rounding, np.shape(a_q)[0]
    )
    rows = (-1, 1) if np.ndim(M0) else ()
    acc = qmatmul_accumulate(a_q, b_q, zero_a, zero_b)
    return requantize(acc, np.reshape(M0, rows), np.reshape(n, rows), zero_out, rounding)


def im2col_reference(x_q: np.ndarray, kernel_size_m: int, kernel_size_n: int, *, pad_value: int = 0) -> np.ndarray:
    """Readable NumPy reference of im2col (eq. 7).

    Parameters
    ----------
    x_q : ndarray of shape (C, M, N), uint8
    kernel_size_m, kernel_size_n : int in [1, 7]
    pad_value : int in [0, 255], the value of the one-pixel border

    Returns
    -------
    ndarray of shape (C * KM * KN, OM * ON), uint8
    """
    check_im2col_args("im2col_reference", x_q, kernel_size_m, kernel_size_n, pad_value)
    channels, src_m, src_n = x_q.shape
    out_m, out_n = im2col_output_shape(src_m, src_n, kernel_size_m, kernel_size_n)
    padded = np.pad(x_q, ((0, 0), (1, 1), (1, 1)), constant_values=pad_value)
    out = np.empty((channels, kernel_size_m, kernel_size_n, out_m, out_n), np.uint8)
    for kr in range(kernel_size_m):
        for kc in range(kernel_size_n):
            out[:, kr, kc] = padded[:, kr : kr + out_m, kc : kc + out_n]
    return out.reshape(channels * kernel_size_m * kernel_size_n, out_m * out_n)
