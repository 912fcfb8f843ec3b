"""Bounds no schedule of a matmul design can beat, and the checks of a (u, v, w) shape.

Memory layout (spec Part 2, Task 1): A (u x v), B (v x w) and out (u x w) are row-major uint8.
"""

from __future__ import annotations

import math

from simulator.contract.numerics import V_MAX
from simulator.hardware.designs import MatmulDesign, check_field

DIM_MAX = 1 << 20  # u; v is bounded by the exact int32 accumulator (numerics.V_MAX)


def memory_bound_cycles(design: MatmulDesign, u: int, v: int, w: int) -> int:
    """Bytes-over-bandwidth bound: no schedule of the design's ports can be faster.

    max(L + read_beats, L + write_beats + L) with beats = ceil(bytes / bytes_per_beat),
    L = mem_latency_cycles, read_beats over A and B together on a shared port (the larger of
    the two on separate ports): reads cannot finish before their beats have crossed the
    channel after one latency, and the first output cannot be written before one read
    latency nor acknowledged before one write latency after its last beat.
    """
    per_beat = design.bytes_per_beat
    a_beats, b_beats = math.ceil(u * v / per_beat), math.ceil(v * w / per_beat)
    read_beats = a_beats + b_beats if design.axi_ports == "shared" else max(a_beats, b_beats)
    write_beats = math.ceil(u * w / per_beat)
    latency = design.mem_latency_cycles
    return max(latency + read_beats, 2 * latency + write_beats)


def compute_bound_cycles(design: MatmulDesign, u: int, v: int, w: int) -> int:
    """ceil(u * v * w / (tile_v * tile_w)): the PE array cannot do more MACs per cycle."""
    return math.ceil(u * v * w / design.macs_per_cycle)


def check_matmul_shape(owner: str, design: MatmulDesign, u: int, v: int, w: int) -> None:
    """Validate a design and a (u, v, w) shape at a public entry point."""
    if not isinstance(design, MatmulDesign):
        raise TypeError(f"{owner}: design must be a MatmulDesign; got {type(design).__name__}")
    check_field(owner, "u", u, int, 1, DIM_MAX)
    check_field(owner, "v", v, int, 1, V_MAX)
    check_field(owner, "w", w, int, 1, design.max_w)


__all__ = ["DIM_MAX", "check_matmul_shape", "compute_bound_cycles", "memory_bound_cycles"]
