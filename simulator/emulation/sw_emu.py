"""The sw_emu bridge: the HLS C++ kernels of hls_src/ called from Python through ctypes.

Vitis's software-emulation flow compiles the kernels with an ordinary C++ compiler;
``simulator.emulation.sw_emu_build`` does the same (``make -C hls_src lib``, g++) and this module loads
the result as a shared library with ctypes, so the C++ that a user would synthesize can be run
on NumPy arrays and compared bit for bit with the NumPy reference and the Numba kernels
(DESIGN.md "Cross-checks").

A design's parameters reach the C++ as -D flags, from ``design.cpp_defines()`` only (read by
hls_src/common/design.hpp); each design gets its own cached library, which reports the flags it
was built with, checked here against the design's. Arguments are validated here, before any C++
runs (STYLE.md section 11), and outputs are allocated here at their exact size, so the C++ never
writes out of bounds.
"""

from __future__ import annotations

import ctypes
import dataclasses
import math
import threading
from collections.abc import Mapping

import numpy as np

from simulator.contract.layout import (
    LAYOUT_A_TILED,
    LAYOUT_B_TILED,
    LAYOUT_BIAS_COLUMNS,
    LAYOUT_CHANNEL_SCALES,
    untile_a,
    untile_b,
)
from simulator.contract.numerics import (
    M0_MIN,
    ROUNDING_MODES,
    Rounding,
    check_im2col_args,
    check_int,
    check_qmatmul_args,
    check_qmatmul_multipliers,
    check_uint8_array,
    im2col_output_shape,
)
from simulator.contract.packing import packed_bytes
from simulator.emulation.sw_emu_build import (  # re-exported: building is part of the API
    DEFINE_NAMES,
    HLS_SRC,
    SwEmuBuildError,
    build_library,
    fingerprint,
)
from simulator.hardware.designs import Im2colDesign, MatmulDesign

__all__ = [
    "DEFINE_NAMES",
    "HLS_SRC",
    "ROUNDING_MODES",
    "SwEmuBuildError",
    "build_library",
    "compiled_config",
    "fingerprint",
    "im2col",
    "qmatmul",
    "qmatmul_layer",
    "unpack_codes",
]


def _matmul_design(owner: str, design: MatmulDesign | None, rounding: Rounding | None):
    """The design to build: ``design`` (default MatmulDesign()), with ``rounding`` if given."""
    design = MatmulDesign() if design is None else design
    if not isinstance(design, MatmulDesign):
        raise TypeError(f"{owner}: design must be a MatmulDesign; got {type(design).__name__}")
    if rounding is not None and rounding != design.rounding:
        design = dataclasses.replace(design, rounding=rounding)
    return design


# ------------------------------------------------------------------------------- loading

_UINT8_POINTER = np.ctypeslib.ndpointer(dtype=np.uint8, flags="C_CONTIGUOUS")
_loaded: dict[str, ctypes.CDLL] = {}
_load_lock = threading.Lock()


def _check_status(library: ctypes.CDLL, owner: str, status: int) -> None:
    """Raise with the C++ checks' own line (hls_src/common/limits.hpp) when a call was refused:
    Python validated the arguments first, so this is a disagreement between the two."""
    if status != 0:
        line = library.cnnacc_last_error().decode()
        raise RuntimeError(f"{owner}: the C++ kernel refused validated arguments (status {status}): {line}")


def _declare(library: ctypes.CDLL) -> ctypes.CDLL:
    """ctypes signatures of hls_src/bridge.cpp."""
    u32, u8 = ctypes.c_uint32, ctypes.c_uint8
    library.cnnacc_matmul.argtypes = [
        _UINT8_POINTER,
        u32,
        u32,
        _UINT8_POINTER,
        _UINT8_POINTER,
        u8,
        u8,
        u8,
        u32,
        u32,
        u32,
    ]
    library.cnnacc_matmul.restype = ctypes.c_int
    library.cnnacc_matmul_layer.argtypes = library.cnnacc_matmul.argtypes + [
        np.ctypeslib.ndpointer(np.int32, flags="C_CONTIGUOUS"),
        u8,
        u8,
    ]
    library.cnnacc_matmul_layer.restype = ctypes.c_int
    library.cnnacc_im2col.argtypes = [_UINT8_POINTER, _UINT8_POINTER, u32, u32, u32, u32, u32, u8]
    library.cnnacc_im2col.restype = ctypes.c_int
    library.cnnacc_last_error.argtypes = []
    library.cnnacc_last_error.restype = ctypes.c_char_p
    library.cnnacc_unpack_codes.argtypes = [_UINT8_POINTER, u32, ctypes.c_uint64, _UINT8_POINTER]
    library.cnnacc_unpack_codes.restype = ctypes.c_int
    library.cnnacc_config_count.argtypes = []
    library.cnnacc_config_count.restype = ctypes.c_int32
    library.cnnacc_config_flag.argtypes = [ctypes.c_int32, ctypes.POINTER(ctypes.c_int32)]
    library.cnnacc_config_flag.restype = ctypes.c_char_p
    return library


def _read_config(library: ctypes.CDLL) -> dict[str, int]:
    value = ctypes.c_int32()
    flags = {}
    for index in range(library.cnnacc_config_count()):
        name = library.cnnacc_config_flag(index, ctypes.byref(value))
        flags[name.decode()] = value.value
    return flags


def _library(defines: Mapping[str, int]) -> ctypes.CDLL:
    """The loaded library for ``defines``, checked to report exactly those values."""
    path = build_library(defines)
    key = path.parent.name
    with _load_lock:
        if key not in _loaded:
            library = _declare(ctypes.CDLL(str(path)))
            compiled = _read_config(library)
            wrong = {name: compiled[name] for name in defines if compiled[name] != defines[name]}
            if wrong:
                raise SwEmuBuildError(
                    f"sw_emu: {path} reports {wrong}, but was built with {dict(defines)}; delete that folder and retry"
                )
            _loaded[key] = library
        return _loaded[key]


def compiled_config(design: MatmulDesign | Im2colDesign | None = None) -> dict[str, int]:
    """Every design flag compiled into the library of ``design`` (default MatmulDesign()),
    read back from the C++ (names as in hls_src/common/design.hpp)."""
    design = MatmulDesign() if design is None else design
    if not isinstance(design, (MatmulDesign, Im2colDesign)):
        raise TypeError(
            f"sw_emu.compiled_config: design must be a MatmulDesign or an Im2colDesign; got {type(design).__name__}"
        )
    return _read_config(_library(design.cpp_defines()))


# ----------------------------------------------------------------------------- operators


def unpack_codes(packed: np.ndarray, bits: int, count: int) -> np.ndarray:
    """``count`` weight codes of ``bits`` bits from ``packed`` by the C++ unpacker
    (hls_src/common/packing.hpp; the layout of ``simulator.contract.packing``)."""
    packed = np.ascontiguousarray(packed, dtype=np.uint8).ravel()
    needed = packed_bytes(count, bits)
    if packed.size != needed:
        raise ValueError(f"sw_emu.unpack_codes: {packed.size} bytes; {count} codes of {bits} bits take {needed}")
    out = np.zeros(max(count, 1), dtype=np.uint8)
    source = packed if packed.size else np.zeros(1, dtype=np.uint8)
    status = _library(MatmulDesign().cpp_defines()).cnnacc_unpack_codes(source, bits, count, out)
    if status != 0:
        raise RuntimeError(f"sw_emu.unpack_codes: the C++ bridge returned {status}")
    return out[:count]


def _column_blocks(w: int, max_w: int) -> list[tuple[int, int]]:
    return [(start, min(start + max_w, w)) for start in range(0, w, max_w)]


def _run_matmul(owner, library, design, a_q, b_q, args, bias, layout: int = 0) -> np.ndarray:
    """Call the kernel once per block of at most design.max_w columns of B (the host splits a
    wider product, as the kernel's store buffer holds max_w columns); ``layout`` 0 or
    LAYOUT_CHANNEL_SCALES (row-major operands, entries per row)."""
    u, v, w = a_q.shape[0], a_q.shape[1], b_q.shape[1]
    out = np.empty((u, w), np.uint8)
    for start, end in _column_blocks(w, design.max_w):
        block = np.ascontiguousarray(b_q[:, start:end])
        result = np.empty((u, end - start), np.uint8)
        if bias is None:
            status = library.cnnacc_matmul(result, *args[:2], a_q, block, *args[2:], u, v, end - start)
        else:
            status = library.cnnacc_matmul_layer(
                result, *args[:2], a_q, block, *args[2:], u, v, end - start, *bias, layout
            )
        _check_status(library, owner, status)
        out[:, start:end] = result
    return out


def qmatmul(
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0: int,  # noqa: N803
    n: int,
    design: MatmulDesign | None = None,
    rounding: Rounding | None = None,
) -> np.ndarray:
    """Quantized matmul by the C++ kernel hls_src/matmul built for ``design`` (eq. 3-6).

    Parameters
    ----------
    a_q : ndarray of shape (u, v), uint8, C-contiguous
    b_q : ndarray of shape (v, w), uint8, C-contiguous; v <= numerics.V_MAX = 33025
        (the int32 accumulators stay exact); w beyond design.max_w runs as several calls
    zero_a, zero_b, zero_out : int in [0, 255]
    M0 : int in [2^30, 2^31); n : int in [0, 31]
    design : MatmulDesign built by the C++ (default MatmulDesign())
    rounding : "floor" | "nearest", overriding design.rounding

    Returns
    -------
    ndarray of shape (u, w), uint8

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong kind or out of range, or a design the C++ does not
        build (before any C++ runs).
    SwEmuBuildError
        If the library for this design fails to build.
    """
    owner = "sw_emu.qmatmul"
    design = _matmul_design(owner, design, rounding)
    check_qmatmul_args(owner, a_q, b_q, zero_a, zero_b, zero_out, M0, n, design.rounding)
    library = _library(design.cpp_defines())
    args = (int(M0), int(n), int(zero_a), int(zero_b), int(zero_out))
    return _run_matmul(owner, library, design, a_q, b_q, args, None)


def qmatmul_layer(
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0: int | np.ndarray,  # noqa: N803
    n: int | np.ndarray,
    bias_q: np.ndarray,
    output_floor: int,
    design: MatmulDesign | None = None,
    rounding: Rounding | None = None,
    layout: int = 0,
    w: int | None = None,
) -> np.ndarray:
    """A network layer by the C++ ``matmul_mapped``: qmatmul whose accumulators start at
    ``bias_q`` (int32, one per row of A, or one per column with LAYOUT_BIAS_COLUMNS) and whose
    outputs are clamped from below at ``output_floor`` (a fused ReLU).

    M0, n : one multiplier, or one per bias entry (per-channel weight scales: the kernel's
        LAYOUT_CHANNEL_SCALES, three words per entry on the bias port).

    layout : bits of simulator.contract.layout (A tiled, B tiled, bias per column); default 0, the
        spec's ``matmul_layer`` (row-major operands). A tiled operand is passed as its 1-D
        device image (``layout.tile_a`` / ``tile_b``), and then ``w`` (columns of out) is
        required when B is tiled. With B tiled, w must be at most design.max_w.

    Other parameters and errors as :func:`qmatmul`."""
    owner = "sw_emu.qmatmul_layer"
    design = _matmul_design(owner, design, rounding)
    check_int(owner, "layout", layout, 0, 7)
    a_2d, b_2d = _logical_operands(owner, a_q, b_q, layout, w, design)
    u, v, cols = a_2d.shape[0], a_2d.shape[1], b_2d.shape[1]
    entries = cols if layout & LAYOUT_BIAS_COLUMNS else u
    M0, n = check_qmatmul_multipliers(owner, a_2d, b_2d, zero_a, zero_b, zero_out, M0, n, design.rounding, entries)  # noqa: N806
    check_int(owner, "output_floor", output_floor, 0, 255)
    bias = np.ascontiguousarray(bias_q, dtype=np.int64)
    if bias.shape != (entries,) or np.abs(bias).max(initial=0) >= 2**31:
        raise ValueError(f"{owner}: bias_q must hold {entries} int32 values; got shape {bias.shape}")
    library = _library(design.cpp_defines())
    words = bias
    if np.ndim(M0):  # (bias, M0, n) per entry; the scalar arguments are then not read
        words = np.stack([bias, M0, n], axis=1).reshape(-1)
        layout |= LAYOUT_CHANNEL_SCALES
        M0, n = M0_MIN, 0  # noqa: N806
    args = (int(M0), int(n), int(zero_a), int(zero_b), int(zero_out))
    bias_args = (np.ascontiguousarray(words, dtype=np.int32), int(output_floor))
    if layout & ~LAYOUT_CHANNEL_SCALES == 0:
        return _run_matmul(owner, library, design, a_2d, b_2d, args, bias_args, layout)
    if cols > design.max_w:
        raise ValueError(f"{owner}: w={cols} exceeds the design's max_w={design.max_w} (a mapped call is not split)")
    a_dev = np.ascontiguousarray(a_q if layout & LAYOUT_A_TILED else a_2d).reshape(-1)
    b_dev = np.ascontiguousarray(b_q if layout & LAYOUT_B_TILED else b_2d).reshape(-1)
    out = np.empty((u, cols), np.uint8)
    status = library.cnnacc_matmul_layer(out, *args[:2], a_dev, b_dev, *args[2:], u, v, cols, *bias_args, layout)
    _check_status(library, owner, status)
    return out


def _logical_operands(owner, a_q, b_q, layout, w, design):
    """The (u x v) and (v x w) matrices behind the operands (tiled ones are untiled)."""
    a_tiled, b_tiled = bool(layout & LAYOUT_A_TILED), bool(layout & LAYOUT_B_TILED)
    if not a_tiled:
        a_q = check_uint8_array(owner, "a_q", a_q, 2)
    if not b_tiled:
        b_q = check_uint8_array(owner, "b_q", b_q, 2)
    if b_tiled:
        if w is None:
            raise ValueError(f"{owner}: w (columns of out) is required when B is tiled (layout={layout})")
        b_q = check_uint8_array(owner, "b_q", b_q, 1)
        width = math.ceil(check_int(owner, "w", w, 1, design.max_w) / design.tile_w) * design.tile_w
        if b_q.size % width:
            raise ValueError(f"{owner}: a tiled B of {b_q.size} bytes is not a whole number of rows of {width} bytes")
        b_q = untile_b(b_q, b_q.size // width, w, design.tile_w)
    if a_tiled:
        a_q = check_uint8_array(owner, "a_q", a_q, 1)
        v = b_q.shape[0]
        width = math.ceil(v / design.tile_v) * design.tile_v
        if a_q.size % width:
            raise ValueError(f"{owner}: a tiled A of {a_q.size} bytes is not a whole number of rows of {width} bytes")
        a_q = untile_a(a_q, a_q.size // width, v, design.tile_u, design.tile_v)
    return a_q, b_q


def im2col(
    x_q: np.ndarray,
    kernel_size_m: int,
    kernel_size_n: int,
    *,
    pad_value: int = 0,
    design: Im2colDesign | None = None,
) -> np.ndarray:
    """im2col by the C++ kernel hls_src/im2col built for ``design`` (eq. 7; stride 1, pad 1).

    Parameters
    ----------
    x_q : ndarray of shape (C, M, N), uint8, C-contiguous; C in [1, 512], M and N at most the
        design's max_src_m and max_src_n
    kernel_size_m, kernel_size_n : int in [1, design.max_k], at most M + 2 and N + 2
    pad_value : int in [0, 255], the value of the one-pixel border
    design : Im2colDesign (default Im2colDesign())

    Returns
    -------
    ndarray of shape (C * KM * KN, OM * ON), uint8, with OM = M + 3 - KM, ON = N + 3 - KN

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong kind or out of range, or a shape beyond the design
        (before any kernel runs).
    SwEmuBuildError
        If the library fails to build.
    """
    owner = "sw_emu.im2col"
    design = Im2colDesign() if design is None else design
    if not isinstance(design, Im2colDesign):
        raise TypeError(f"{owner}: design must be an Im2colDesign; got {type(design).__name__}")
    check_im2col_args(owner, x_q, kernel_size_m, kernel_size_n, pad_value)
    src_c, src_m, src_n = x_q.shape
    check_int(owner, "src_m (x_q.shape[1])", src_m, 1, design.max_src_m)
    check_int(owner, "src_n (x_q.shape[2])", src_n, 1, design.max_src_n)
    check_int(owner, "kernel_size_m", kernel_size_m, 1, design.max_k)
    check_int(owner, "kernel_size_n", kernel_size_n, 1, design.max_k)
    library = _library(design.cpp_defines())
    kernel_size_m, kernel_size_n = int(kernel_size_m), int(kernel_size_n)
    out_m, out_n = im2col_output_shape(src_m, src_n, kernel_size_m, kernel_size_n)
    out = np.empty((src_c * kernel_size_m * kernel_size_n, out_m * out_n), np.uint8)
    status = library.cnnacc_im2col(x_q, out, src_m, src_n, src_c, kernel_size_m, kernel_size_n, int(pad_value))
    _check_status(library, owner, status)
    return out
