"""Edge values derived from a bit width (0, 1, mid-scale, max-1, max, powers of two and
their neighbours), in the manner of gemmlowp's fixed-point tests."""

from __future__ import annotations


def edge_values(bits: int, signed: bool = False) -> list[int]:
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    values = {lo, lo + 1, 0, 1, hi // 2, hi // 2 + 1, hi - 1, hi}
    for p in range(bits):
        values.update({2**p - 1, 2**p, 2**p + 1, -(2**p) - 1, -(2**p), -(2**p) + 1})
    return sorted(v for v in values if lo <= v <= hi)


UINT8_EDGES = edge_values(8)
INT32_EDGES = edge_values(32, signed=True)
