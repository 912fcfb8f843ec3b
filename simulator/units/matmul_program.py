"""The loops hls_src/matmul/matmul.cpp runs for a design and a shape (see ``program.py``).

One function per C++ process, in the C++'s order and with its labels. Steps (ti, tk, tj) walk
the output tiles row-major and, inside each, the depth tiles; B is read again unless there is
a single depth and column tile. Block reads follow the C++'s ``Block``: one segment when a
tile spans whole rows of its matrix, else one per row, every segment taking the same number
of words. Iteration latencies (cycles from an iteration's issue to its last write):
- EmitA, EmitB, LatchB, GatherOut: 2 (buffer read, stream or register write);
- StreamA: 1 (stream read) + mac_latency_cycles (DSP pipeline) + ceil(log2 tile_v) (adder
  tree over the depth) + 2 (zero-point correction or partial-sum update, stream write);
- RequantizeRows: requant_latency_cycles + 2 (stream read, stream write);
- ReadA, ReadB, LoadBias: mem_latency_cycles + 2; WriteBand: 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.designs import MatmulDesign
from simulator.units.program import READ_EXTRA_CYCLES, Axi, LoopRun, Program

BUFFER_ITERATION = 2
WRITE_ITERATION = 2

# Non-pipelined loops of each process (label): one iteration per step or output tile.
OUTER_LOOPS = {
    "load_a": "LoadATiles",
    "load_b": "LoadBTiles",
    "compute": "ComputeSteps",
    "requantize": "RequantizeTiles",
    "store": "StoreTiles",
}


@dataclass(frozen=True, slots=True)
class Step:
    ti: int
    tk: int
    tj: int
    rows: int
    depth: int
    cols: int
    new_b: bool
    last_depth: bool


def _extent(total: int, tile: int, index: int) -> int:
    return min(tile, total - index * tile)


def steps(design: MatmulDesign, u: int, v: int, w: int) -> list[Step]:
    """The steps of the C++ ``Steps`` walk."""
    tiles_u, tiles_v, tiles_w = (
        math.ceil(u / design.tile_u),
        math.ceil(v / design.tile_v),
        math.ceil(w / design.tile_w),
    )
    out: list[Step] = []
    for ti in range(tiles_u):
        for tk in range(tiles_w):
            for tj in range(tiles_v):
                reused = bool(out) and tiles_v == 1 and tiles_w == 1
                out.append(
                    Step(
                        ti,
                        tk,
                        tj,
                        _extent(u, design.tile_u, ti),
                        _extent(v, design.tile_v, tj),
                        _extent(w, design.tile_w, tk),
                        not reused,
                        tj == tiles_v - 1,
                    )
                )
    return out


def block_words(design: MatmulDesign, base: int, n_rows: int, length: int, pitch: int):
    """(segments, words per segment) of the C++ ``Block`` read of a tile."""
    word = design.bytes_per_beat
    adjacent = pitch == length or n_rows == 1
    segments = 1 if adjacent else n_rows
    segment_len = n_rows * length if adjacent else length
    if segments == 1 or pitch % word == 0:
        per_segment = (base + segment_len - 1) // word - base // word + 1
    else:
        per_segment = (segment_len + word - 2) // word + 1
    return segments, per_segment


def _bursts(design: MatmulDesign, segments: int, per_segment: int) -> tuple[int, ...]:
    full, rest = divmod(per_segment, design.burst_beats)
    one = (design.burst_beats,) * full + ((rest,) if rest else ())
    return one * segments


def _read(design: MatmulDesign, label: str, port: str, segments: int, per_segment: int) -> LoopRun:
    return LoopRun(
        label,
        segments * per_segment,
        1,
        design.mem_latency_cycles + READ_EXTRA_CYCLES,
        axi=Axi(port, False, _bursts(design, segments, per_segment)),
    )


def stream_a_iteration(design: MatmulDesign) -> int:
    """Iteration latency of StreamA (module docstring)."""
    return 1 + design.mac_latency_cycles + math.ceil(math.log2(design.tile_v)) + 2


def matmul_program(design: MatmulDesign, u: int, v: int, w: int, *, bias: bool = False) -> Program:
    """The runs of matmul_kernel's processes for (u x v) @ (v x w) (with a bias: matmul_layer)."""
    walk = steps(design, u, v, w)
    load_a, load_b, compute, requantize, store = [], [], [], [], []
    for step in walk:
        base_a = step.ti * design.tile_u * v + step.tj * design.tile_v
        load_a += [
            _read(design, "ReadA", "a", *block_words(design, base_a, step.rows, step.depth, v)),
            LoopRun("EmitA", step.rows, 1, BUFFER_ITERATION, writes="a_rows"),
        ]
        if step.new_b:
            base_b = step.tj * design.tile_v * w + step.tk * design.tile_w
            load_b += [
                _read(design, "ReadB", "b", *block_words(design, base_b, step.depth, step.cols, w)),
                LoopRun("EmitB", step.depth, 1, BUFFER_ITERATION, writes="b_rows"),
            ]
            compute.append(LoopRun("LatchB", step.depth, 1, BUFFER_ITERATION, reads="b_rows"))
        compute.append(
            LoopRun(
                "StreamA",
                step.rows,
                1,
                stream_a_iteration(design),
                reads="a_rows",
                writes="acc_rows" if step.last_depth else None,
            )
        )
    out_tiles = [step for step in walk if step.last_depth]
    carried = 0
    for index, step in enumerate(out_tiles):
        if bias:
            beats = step.rows  # one int32 per beat: the bias port is 32 bits wide
            requantize.append(
                LoopRun(
                    "LoadBias",
                    step.rows,
                    1,
                    design.mem_latency_cycles + READ_EXTRA_CYCLES,
                    axi=Axi("bias", False, _bursts(design, 1, beats)),
                )
            )
        chunks = math.ceil(step.cols / design.requant_lanes)
        requantize.append(
            LoopRun(
                "RequantizeRows",
                step.rows * chunks,
                1,
                design.requant_latency_cycles + 2,
                reads="acc_rows",
                writes="out_rows",
                read_items=step.rows,
                write_items=step.rows,
            )
        )
        store.append(LoopRun("GatherOut", step.rows, 1, BUFFER_ITERATION, reads="out_rows"))
        if step.tk == math.ceil(w / design.tile_w) - 1:
            joined = carried + step.rows * w
            last = index == len(out_tiles) - 1
            n_words = -(-joined // design.bytes_per_beat) if last else joined // design.bytes_per_beat
            carried = joined % design.bytes_per_beat
            store.append(
                LoopRun("WriteBand", n_words, 1, WRITE_ITERATION, axi=Axi("out", True, _bursts(design, 1, n_words)))
            )
    depth = design.n_buffers
    return Program(
        "matmul",
        {
            "load_a": tuple(load_a),
            "load_b": tuple(load_b),
            "compute": tuple(compute),
            "requantize": tuple(requantize),
            "store": tuple(store),
        },
        {"a_rows": depth, "b_rows": depth, "acc_rows": depth, "out_rows": depth},
        outer={
            process: (label, len(walk) if process in ("load_a", "load_b", "compute") else len(out_tiles))
            for process, label in OUTER_LOOPS.items()
        },
    )


__all__ = ["OUTER_LOOPS", "Step", "block_words", "matmul_program", "steps", "stream_a_iteration"]
