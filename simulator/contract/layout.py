"""Tiled operand layouts of the matmul kernel (hls_src/matmul/matmul.hpp, ``layout_*`` bits).

A row-major operand is read one row of a tile at a time, and a tile row of B lies ``w`` bytes
from the next: every row is its own burst. The tiled layouts store each tile as one run of
bytes, in the order the kernel's steps read them, so a whole operand is one burst train:

- A tiled: row blocks of ``tile_u`` rows; within a block, its tiles (ti, tj) one after
  another, each ``rows x tile_v`` bytes (rows zero-padded to ``tile_v`` bytes). Tile (ti, tj)
  starts at byte (ti * tile_u * tiles_v + tj * rows(ti)) * tile_v.
- B tiled: column blocks of ``tile_w`` columns (zero-padded to ``tile_w`` bytes), each holding
  all ``v`` rows: row j of block tk starts at byte (tk * v + j) * tile_w.

The functions are exact inverses on the data (``untile_*(tile_*(m)) == m``) and the padding is
zero; ``check_padding`` lets a loader refuse an array that is not a tiled operand.
"""

from __future__ import annotations

import math

import numpy as np

LAYOUT_A_TILED = 1
LAYOUT_B_TILED = 2
LAYOUT_BIAS_COLUMNS = 4
LAYOUT_CHANNEL_SCALES = 8  # a multiplier (M0, n) per bias entry: three words per entry on the bias port


def bias_words(layout: int) -> int:
    """int32 words per entry on the kernel's bias port: the bias, or (bias, M0, n)."""
    return 3 if layout & LAYOUT_CHANNEL_SCALES else 1


def _pad_columns(m: np.ndarray, multiple: int) -> np.ndarray:
    rows, cols = m.shape
    padded = np.zeros((rows, math.ceil(cols / multiple) * multiple), np.uint8)
    padded[:, :cols] = m
    return padded


def tiled_a_bytes(u: int, v: int, tile_v: int) -> int:
    return u * math.ceil(v / tile_v) * tile_v


def tiled_b_bytes(v: int, w: int, tile_w: int) -> int:
    return math.ceil(w / tile_w) * tile_w * v


def tile_a(a: np.ndarray, tile_u: int, tile_v: int) -> np.ndarray:
    """A (u x v) in the A-tiled layout, as a 1-D uint8 array of ``tiled_a_bytes`` bytes."""
    u, _ = a.shape
    padded = _pad_columns(a, tile_v)
    tiles_v = padded.shape[1] // tile_v
    blocks = []
    for start in range(0, u, tile_u):
        block = padded[start : start + tile_u]  # rows x (tiles_v tile_v)
        blocks.append(block.reshape(len(block), tiles_v, tile_v).transpose(1, 0, 2).ravel())
    return np.ascontiguousarray(np.concatenate(blocks))


def untile_a(data: np.ndarray, u: int, v: int, tile_u: int, tile_v: int) -> np.ndarray:
    """Inverse of :func:`tile_a`."""
    tiles_v = math.ceil(v / tile_v)
    out = np.empty((u, tiles_v * tile_v), np.uint8)
    offset = 0
    for start in range(0, u, tile_u):
        rows = min(tile_u, u - start)
        size = rows * tiles_v * tile_v
        out[start : start + rows] = (
            data[offset : offset + size].reshape(tiles_v, rows, tile_v).transpose(1, 0, 2).reshape(rows, -1)
        )
        offset += size
    return np.ascontiguousarray(out[:, :v])


def tile_b(b: np.ndarray, tile_w: int) -> np.ndarray:
    """B (v x w) in the B-tiled layout, as a 1-D uint8 array of ``tiled_b_bytes`` bytes."""
    v, _ = b.shape
    padded = _pad_columns(b, tile_w)
    return np.ascontiguousarray(padded.reshape(v, -1, tile_w).transpose(1, 0, 2).ravel())


def untile_b(data: np.ndarray, v: int, w: int, tile_w: int) -> np.ndarray:
    """Inverse of :func:`tile_b`."""
    blocks = math.ceil(w / tile_w)
    return np.ascontiguousarray(data.reshape(blocks, v, tile_w).transpose(1, 0, 2).reshape(v, -1)[:, :w])


def padding_is_zero(data: np.ndarray, operand: str, shape: tuple[int, int], tile: tuple[int, int]) -> bool:
    """True when ``data`` is a tiled operand of ``shape`` whose padding bytes are all zero."""
    rows, cols = shape
    if operand == "a":
        again = tile_a(untile_a(data, rows, cols, *tile), *tile)
    else:
        again = tile_b(untile_b(data, rows, cols, tile[1]), tile[1])
    return bool(np.array_equal(again, data))


__all__ = [
    "LAYOUT_A_TILED",
    "LAYOUT_BIAS_COLUMNS",
    "LAYOUT_CHANNEL_SCALES",
    "LAYOUT_B_TILED",
    "bias_words",
    "padding_is_zero",
    "tile_a",
    "tile_b",
    "tiled_a_bytes",
    "tiled_b_bytes",
    "untile_a",
    "untile_b",
]
