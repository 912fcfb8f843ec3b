"""The tile loop nest of the matmul unit, its bursts, and the bounds no schedule can beat.

For every output tile (i, k) of tile_u x tile_w, in row-major order, for every depth tile j
of tile_v: the A tile (i, j) and the B tile (j, k) meet on the PE array (the loop order of
hls_src/matmul/matmul.cpp). A tile whose index did not change since the previous step stays
in its buffer and is not loaded again: with one depth tile, A is reused along a row of
output tiles, and B for the whole product when there is also one column tile.
Memory layout (spec Part 2, Task 1): A, B and out are row-major, so A rows are v bytes
apart and B and out rows w bytes apart; a tile is one contiguous segment when it spans
whole rows, otherwise one segment per row (``axi.block_bursts``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.designs import MatmulDesign, check_field
from simulator.numerics import V_MAX
from simulator.units.axi import block_bursts
from simulator.units.pe_array import ComputeStep

LOAD_STAGES = ("load_a", "load_b")
DIM_MAX = 1 << 20  # u and w; v is bounded by the exact int32 accumulator (numerics.V_MAX)


@dataclass(frozen=True, slots=True)
class MatmulSchedule:
    """Steps of the PE array and the bursts of every load and store, in program order.

    ``loads`` holds (stage, bursts) pairs, stage "load_a" or "load_b", in the order the
    sequential loop nest would issue them (A then B of each step).
    """

    steps: tuple[ComputeStep, ...]
    loads: tuple[tuple[str, tuple[int, ...]], ...]
    out_tiles: tuple[tuple[int, int, tuple[int, ...]], ...]  # (rows, cols, bursts)

    def operand_loads(self, stage: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """The loads of one operand only, in order."""
        return tuple(load for load in self.loads if load[0] == stage)


def _tile_sizes(total: int, tile: int) -> list[int]:
    return [min(tile, total - start) for start in range(0, total, tile)]


def matmul_schedule(design: MatmulDesign, u: int, v: int, w: int) -> MatmulSchedule:
    """The tile loop nest of the design for a (u x v) @ (v x w) product (module docstring).

    A rows are v bytes apart, B and out rows w bytes apart: a tile is one contiguous
    segment when it spans whole rows (one depth tile for A, one column tile for B and out).
    """
    rows_u, depths_v, cols_w = (
        _tile_sizes(u, design.tile_u),
        _tile_sizes(v, design.tile_v),
        _tile_sizes(w, design.tile_w),
    )
    a_whole_rows, bw_whole_rows = len(depths_v) == 1, len(cols_w) == 1
    steps, loads, out_tiles = [], [], []
    previous_a = previous_b = None
    for i, rows in enumerate(rows_u):
        for k, cols in enumerate(cols_w):
            for j, depth in enumerate(depths_v):
                new_a, new_b = (i, j) != previous_a, (j, k) != previous_b
                if new_a:
                    loads.append(("load_a", block_bursts(rows, depth, a_whole_rows, design)))
                if new_b:
                    loads.append(("load_b", block_bursts(depth, cols, bw_whole_rows, design)))
                first_v, last_v = j == 0, j == len(depths_v) - 1
                steps.append(ComputeStep(rows, depth, cols, new_a, new_b, first_v, last_v))
                previous_a, previous_b = (i, j), (j, k)
            out_tiles.append((rows, cols, block_bursts(rows, cols, bw_whole_rows, design)))
    return MatmulSchedule(tuple(steps), tuple(loads), tuple(out_tiles))


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
    """ceil(u * v * w / PEs): the PE array cannot do more MACs per cycle."""
    return math.ceil(u * v * w / design.n_pes)


def check_matmul_shape(owner: str, design: MatmulDesign, u: int, v: int, w: int) -> None:
    """Validate a design object and a (u, v, w) shape at a public entry point."""
    if not isinstance(design, MatmulDesign):
        raise TypeError(f"{owner}: design must be a MatmulDesign; got {type(design).__name__}")
    check_field(owner, "u", u, int, 1, DIM_MAX)
    check_field(owner, "v", v, int, 1, V_MAX)
    check_field(owner, "w", w, int, 1, DIM_MAX)


__all__ = [
    "DIM_MAX",
    "LOAD_STAGES",
    "MatmulSchedule",
    "check_matmul_shape",
    "compute_bound_cycles",
    "matmul_schedule",
    "memory_bound_cycles",
]
