"""The loops hls_src/matmul/matmul.cpp runs for a design and a shape (see ``program.py``).

One function per C++ process, in the C++'s order and with its labels. Steps (ti, tk, tj) walk
the output tiles row-major and, inside each, the depth tiles; a new B tile latches at every
step unless B is a single tile.
- load_a, load_b: a DATAFLOW region each of a fetch (``FetchRuns`` of ``FetchRun``: burst
  trains of sequential words) and one flattened loop ``ReadRows`` over the rows of every
  step's tile, through a window of the last words taken (``row_reads``): a beat takes at most
  one word and emits at most one row. An operand is held whole (one run) when it fits its
  ring, else tiled (``host_layout``) and fetched a run per output tile (A) or band (B). The
  fetch's loops are ``Program.folded``: its words are the reads of ReadRows' AXI bursts.
- compute: one flattened loop ``ComputeBeats``; step s takes max(its A rows, the depth of
  the next B tile, which latches into the other bank meanwhile; PARTIAL_DISTANCE when it
  writes partial sums) beats, after the first tile
  latches alone.
- requantize: per output tile, ``LoadBias`` (one per row, read again per band of TILE_U rows;
  or one per column, read once) and ``RequantizeRows``; store: ``GatherOut`` and ``WriteBand``
  (a band's words into a stream); write_output: ``WriteOut``, every word of out in one burst train.
Iteration latencies (cycles from an iteration's issue to its last write): ReadRows and
LoadBias, which read the AXI port, mem_latency_cycles + 2 (request, data, store); every other
loop its pipeline depth as read from the C++ for the design (``source_depths.loop_depths``),
and every run's lead (the straight-line states before it) and the top's argument check too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from simulator.contract.layout import (
    LAYOUT_A_TILED,
    LAYOUT_B_TILED,
    LAYOUT_BIAS_COLUMNS,
    LAYOUT_CHANNEL_SCALES,
    bias_words,
)
from simulator.hardware.designs import MatmulDesign
from simulator.timing.units.program import READ_EXTRA_CYCLES, Axi, LoopRun, Program
from simulator.timing.units.source_depths import loop_depths, setup_cycles, with_leads

PARTIAL_DISTANCE = 4  # beats a step that writes partial sums lasts at least (matmul.cpp partial_distance)

# The loops of the loads' fetch (Program.folded).
FETCH_LOOPS = ("FetchRuns", "FetchRun")
# Non-pipelined loops of each process (label): one iteration per output tile.
OUTER_LOOPS = {"requantize": "RequantizeTiles", "store": "StoreTiles"}


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
    one_tile = tiles_v == 1 and tiles_w == 1
    out: list[Step] = []
    for ti in range(tiles_u):
        for tk in range(tiles_w):
            for tj in range(tiles_v):
                out.append(
                    Step(
                        ti,
                        tk,
                        tj,
                        _extent(u, design.tile_u, ti),
                        _extent(v, design.tile_v, tj),
                        _extent(w, design.tile_w, tk),
                        not (out and one_tile),
                        tj == tiles_v - 1,
                    )
                )
    return out


def a_rows(design: MatmulDesign, u: int, v: int, w: int, tiled: bool) -> tuple[np.ndarray, np.ndarray]:
    """(byte address, length) of every row ``load_a`` emits, in order (the C++ ``ARows``): for
    each row band ti, for each column tile, for each depth tile tj, its rows r."""
    tiles_u, tiles_v, tiles_w = math.ceil(u / design.tile_u), math.ceil(v / design.tile_v), math.ceil(w / design.tile_w)
    depth = np.minimum(design.tile_v, v - np.arange(tiles_v) * design.tile_v)
    band_rows = np.minimum(design.tile_u, u - np.arange(tiles_u) * design.tile_u)
    counts = tiles_w * tiles_v * band_rows  # rows emitted per band
    ti = np.repeat(np.arange(tiles_u), counts)
    rows = band_rows[ti]
    within = (np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)) % (tiles_v * rows)
    tj, r = within // rows, within % rows
    if tiled:
        address = (ti * design.tile_u * tiles_v + tj * rows + r) * design.tile_v
    else:
        address = (ti * design.tile_u + r) * v + tj * design.tile_v
    return address.astype(np.int64), depth[tj].astype(np.int64)


def b_rows(design: MatmulDesign, u: int, v: int, w: int, tiled: bool) -> tuple[np.ndarray, np.ndarray]:
    """(byte address, length) of every row ``load_b`` emits, in order (the C++ ``BRows``)."""
    tiles_u, tiles_w = math.ceil(u / design.tile_u), math.ceil(w / design.tile_w)
    if math.ceil(v / design.tile_v) == 1 and tiles_w == 1:
        tiles_u = 1  # one B tile: latched once
    tk, j = np.meshgrid(np.arange(tiles_w), np.arange(v), indexing="ij")
    address = (tk * v + j) * design.tile_w if tiled else j * w + tk * design.tile_w
    length = np.minimum(design.tile_w, w - tk * design.tile_w)
    return np.tile(address.ravel(), tiles_u).astype(np.int64), np.tile(length.ravel(), tiles_u).astype(np.int64)


@numba.njit(cache=True)
def _window_reads(first, last, window: int, whole: int, restart, capacity: int):  # pragma: no cover - jitted
    """Beats and words taken by the C++ ``read_rows`` loop for rows on words first[i] .. last[i]:
    words in address order from the fetch, the next one whenever the row is not held
    (``whole`` > 0: the operand's words, into a ring that holds them; else the words of each
    run, from the first word of a row with ``restart`` on)."""
    reads = np.empty(capacity, np.int64)  # at most every word of every run, or the whole operand
    read_beats = np.empty(len(reads), np.int64)  # the beat (from 0) of each read
    emitted = np.empty(len(first), np.int64)  # the beat (from 0) at which each row goes out
    n_reads, beats, lo, hi, i = 0, 0, 0, -1, 0
    if whole == 0 and len(first) > 0:
        lo, hi = first[0], first[0] - 1
    while i < len(first):
        beats += 1
        q = hi + 1
        wanted = q < whole if whole > 0 else q <= last[i]
        if wanted:
            if q + 1 - lo > window:
                lo = q + 1 - window
            hi = q
            reads[n_reads] = q
            read_beats[n_reads] = beats - 1
            n_reads += 1
        if first[i] >= lo and last[i] <= hi:
            emitted[i] = beats - 1
            i += 1
            if whole == 0 and i < len(first) and restart[i]:
                lo, hi = first[i], first[i] - 1
    return beats, reads[:n_reads], read_beats[:n_reads], emitted


def run_words(addresses: np.ndarray, lengths: np.ndarray, restart: np.ndarray, word: int) -> np.ndarray:
    """Words of every run of a fetched operand (the C++ ``Rows::run``): from the first word of
    a row with ``restart`` on to the last word of the run's last row (rows ascend in a run)."""
    starts = np.flatnonzero(restart)
    ends = np.append(starts[1:], len(addresses)) - 1
    return (addresses[ends] + lengths[ends] - 1) // word - addresses[starts] // word + 1


def row_reads(
    design: MatmulDesign,
    addresses: np.ndarray,
    lengths: np.ndarray,
    window: int,
    whole: int = 0,
    restart: np.ndarray | None = None,
):
    """(beats, bursts, read_beats, emitted) of ``read_rows`` through a ring of ``window`` words
    (``whole``: words of an operand held whole, else 0 and ``restart`` marks the first row of
    each run): bursts are runs of consecutive words, cut at burst_beats; ``read_beats`` is the
    beat of each word taken, ``emitted`` the beat at which each row goes out."""
    word = design.bytes_per_beat
    if restart is None:
        restart = np.zeros(len(addresses), np.bool_)
        restart[:1] = True
    first, last = addresses // word, (addresses + lengths - 1) // word
    capacity = max(whole, int(run_words(addresses, lengths, restart, word).sum()), int((last - first + 1).sum()))
    beats, reads, read_beats, emitted = _window_reads(first, last, window, whole, restart, capacity)
    cuts = np.flatnonzero(np.diff(reads) != 1) + 1
    runs = np.diff(np.concatenate(([0], cuts, [len(reads)])))
    bursts: list[int] = []
    for run in runs.tolist():
        full, rest = divmod(run, design.burst_beats)
        bursts += [design.burst_beats] * full + ([rest] if rest else [])
    return int(beats), tuple(bursts), read_beats, emitted


def _bursts(design: MatmulDesign, beats: int) -> tuple[int, ...]:
    full, rest = divmod(beats, design.burst_beats)
    return (design.burst_beats,) * full + ((rest,) if rest else ())


def whole_words(design: MatmulDesign, end: int, buffer_bytes: int) -> int:
    """Words of an operand whose rows end before byte ``end`` when a ring of ``buffer_bytes``
    holds them (fetched once, in order), else 0 (the C++ ``whole_words``)."""
    words = -(-end // design.bytes_per_beat)
    return words if words <= buffer_bytes // design.bytes_per_beat else 0


def host_layout(design: MatmulDesign, u: int, v: int, w: int, layout: int) -> int:
    """The layout the host passes the kernel (the C++ ``host_layout``): a row-major operand
    too large for its ring is tiled first."""
    word = design.bytes_per_beat
    if not layout & LAYOUT_A_TILED and u * v > design.a_buffer_bytes // word * word:
        layout |= LAYOUT_A_TILED
    if not layout & LAYOUT_B_TILED and v * w > design.b_buffer_bytes // word * word:
        layout |= LAYOUT_B_TILED
    return layout


def _load(design, port: str, stream: str, rows, restart: np.ndarray, window: int, buffer_bytes: int):
    """The ReadRows run of a load, and the trip counts of its fetch's loops, FetchRuns and
    FetchRun: one run (an operand held whole, one burst train), or a run per output tile or
    band, from each row with ``restart`` on. The fetch runs ahead of the rows in a DATAFLOW
    region of the load's own; its words are the reads of ReadRows' AXI bursts."""
    addresses, lengths = rows
    whole = whole_words(design, int((addresses + lengths).max()), buffer_bytes)
    beats, bursts, read_beats, emitted = row_reads(design, addresses, lengths, window, whole, restart)
    run = LoopRun(
        "ReadRows",
        beats,
        1,
        design.mem_latency_cycles + READ_EXTRA_CYCLES,
        writes=stream,
        axi=Axi(port, False, bursts),
        write_items=len(addresses),
        write_at=emitted,
        axi_at=read_beats,
    )
    if whole:
        return run, {"FetchRuns": (1,), "FetchRun": (whole,)}
    counts = run_words(addresses, lengths, restart, design.bytes_per_beat)
    return run, {"FetchRuns": (len(counts),), "FetchRun": tuple(counts.tolist())}


def compute_beats(walk: list[Step]) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(beats, A rows' beats, B rows' beats, accumulator rows' beats) of ComputeBeats: the
    first tile latches alone, then step s takes max(its A rows, the next tile's depth) beats,
    and at least PARTIAL_DISTANCE when it writes partial sums (not its tile's last depth step),
    streaming its A rows from its first beat while the next tile latches from its first beat."""
    rows = np.array([step.rows for step in walk], np.int64)
    latch = np.array([step.depth if step.new_b else 0 for step in walk[1:]] + [0], np.int64)
    partial = np.array([0 if step.last_depth else PARTIAL_DISTANCE for step in walk], np.int64)
    lengths = np.maximum(np.maximum(rows, latch), partial)
    offsets = walk[0].depth + np.concatenate(([0], np.cumsum(lengths)[:-1]))

    def runs(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
        total = int(counts.sum())
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(starts, counts) + within

    a_at = runs(offsets, rows)
    b_at = np.concatenate((np.arange(walk[0].depth), runs(offsets, latch)))
    last = np.array([step.last_depth for step in walk])
    acc_at = runs(offsets[last], rows[last])
    return int(walk[0].depth + lengths.sum()), a_at, b_at, acc_at


def matmul_program(design: MatmulDesign, u: int, v: int, w: int, *, bias: bool = False, layout: int = 0) -> Program:
    """The runs of matmul_kernel's processes for (u x v) @ (v x w) (with a bias: matmul_layer;
    ``layout``: the bits of simulator.contract.layout, 0 for row-major operands)."""
    walk = steps(design, u, v, w)
    out_tiles = [step for step in walk if step.last_depth]
    layout = host_layout(design, u, v, w, layout)
    a = a_rows(design, u, v, w, bool(layout & LAYOUT_A_TILED))
    b = b_rows(design, u, v, w, bool(layout & LAYOUT_B_TILED))
    # a run of a tiled operand starts at each output tile's first A row, each band's first B row
    step_rows = np.array([step.rows for step in walk], np.int64)
    step_starts = np.concatenate(([0], np.cumsum(step_rows)[:-1]))
    a_restart = np.zeros(len(a[0]), np.bool_)
    a_restart[step_starts[np.array([step.tj == 0 for step in walk])]] = True
    b_restart = np.zeros(len(b[0]), np.bool_)
    b_restart[:: v * math.ceil(w / design.tile_w)] = True
    load_a, fetch_a = _load(design, "a", "a_rows", a, a_restart, design.a_ring_words, design.a_buffer_bytes)
    load_b, fetch_b = _load(design, "b", "b_rows", b, b_restart, design.b_ring_words, design.b_buffer_bytes)
    beats, a_at, b_at, acc_at = compute_beats(walk)
    depths = loop_depths(design)
    assert len(a_at) == len(a[0]) and len(b_at) == len(b[0])  # the two walks agree
    compute = LoopRun(
        "ComputeBeats",
        beats,
        1,
        depths["ComputeBeats"],
        reads=("a_rows", "b_rows"),
        read_items=(len(a[0]), len(b[0])),
        writes="acc_rows",
        write_items=len(acc_at),
        read_at=(a_at, b_at),
        write_at=acc_at,
    )
    requantize, store = [], []
    bias_columns = bool(layout & LAYOUT_BIAS_COLUMNS)
    bias = bias or bool(layout & LAYOUT_CHANNEL_SCALES)  # the multipliers come on the bias port
    fields = bias_words(layout)
    carried = 0
    for index, step in enumerate(out_tiles):
        if bias and (index == 0 if bias_columns else step.tk == 0):
            words = (w if bias_columns else step.rows) * fields  # one int32 per beat: the port is 32 bits wide
            requantize.append(
                LoopRun(
                    "LoadBias",
                    words,
                    1,
                    design.mem_latency_cycles + READ_EXTRA_CYCLES,
                    axi=Axi("bias", False, _bursts(design, words)),
                )
            )
        chunks = math.ceil(step.cols / design.requant_lanes)
        requantize.append(
            LoopRun(
                "RequantizeRows",
                step.rows * chunks,
                1,
                depths["RequantizeRows"],
                reads="acc_rows",
                writes="out_rows",
                read_items=step.rows,
                write_items=step.rows,
            )
        )
        store.append(LoopRun("GatherOut", step.rows, 1, depths["GatherOut"], reads="out_rows"))
        if step.tk == math.ceil(w / design.tile_w) - 1:
            joined = carried + step.rows * w
            last = index == len(out_tiles) - 1
            n_words = -(-joined // design.bytes_per_beat) if last else joined // design.bytes_per_beat
            carried = joined % design.bytes_per_beat
            store.append(LoopRun("WriteBand", n_words, 1, depths["WriteBand"], writes="out_words"))
    out_words = -(-u * w // design.bytes_per_beat)
    write_out = LoopRun(
        "WriteOut",
        out_words,
        1,
        depths["WriteOut"],
        reads="out_words",
        axi=Axi("out", True, _bursts(design, out_words)),
    )
    depth = design.n_buffers
    program = Program(
        "matmul",
        {
            "load_a": (load_a,),
            "load_b": (load_b,),
            "compute": (compute,),
            "requantize": tuple(requantize),
            "store": tuple(store),
            "write_output": (write_out,),
        },
        {"a_rows": None, "b_rows": None, "acc_rows": None, "out_rows": depth, "out_words": None},
        outer={"requantize": ("RequantizeTiles", len(out_tiles)), "store": ("StoreTiles", len(out_tiles))},
        folded={label: fetch_a.get(label, ()) + fetch_b.get(label, ()) for label in {*fetch_a, *fetch_b}},
        setup_cycles=setup_cycles(design),
    )
    return with_leads(program, design)


__all__ = [
    "FETCH_LOOPS",
    "OUTER_LOOPS",
    "Step",
    "a_rows",
    "b_rows",
    "compute_beats",
    "matmul_program",
    "row_reads",
    "steps",
    "host_layout",
    "whole_words",
]
