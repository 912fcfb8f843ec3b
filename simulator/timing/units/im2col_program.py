"""The loops hls_src/im2col/im2col.cpp runs for a design and a shape (see ``program.py``).

Processes (stage names in the results: read, window, write):
- read (``read_input``): ReadInput, one word per cycle, the whole input as one burst train;
- window: FillRows fills channel 0's KN shifted copies (a word's worth of a padded row per
  cycle, the M + 2 padded rows in order, pad rows included; the unpacker takes an input word
  whenever it holds too few bytes, so the channel's words are spread over the loop); then, per
  channel c >= 1 (Channels), Overlap fills channel c into one copy buffer while it emits
  channel c - 1 from the other (a word's worth of output per cycle into the packer, which
  writes a word whenever one is full); EmitRows emits the last channel;
- write (``write_output``): WriteOutput, one word per cycle, one burst train.
Iteration latencies: ReadInput mem_latency_cycles + 2; WriteOutput, FillRows, Overlap and
EmitRows their pipeline depths as read from the C++ for the design (``source_depths.loop_depths``: the
unpacker's shift, the copies' byte routing and the packer's shift chained at the design's clock).
"""

from __future__ import annotations

import numpy as np

from simulator.hardware.designs import Im2colDesign
from simulator.timing.units.im2col_schedule import Im2colShape
from simulator.timing.units.program import READ_EXTRA_CYCLES, Axi, LoopRun, Program
from simulator.timing.units.source_depths import loop_depths, setup_cycles, with_leads

OUTER_LOOPS = {"window": "Channels"}
FUNCTIONS = {"read": "read_input", "window": "window", "write": "write_output"}


def _ceil(x: int, y: int) -> int:
    return -(-x // y)


def _bursts(design: Im2colDesign, n_words: int) -> tuple[int, ...]:
    full, rest = divmod(n_words, design.burst_beats)
    return (design.burst_beats,) * full + ((rest,) if rest else ())


def _spread(items: int, beats: int) -> np.ndarray:
    """The beats of ``items`` spread evenly over the first ``beats`` iterations of a loop."""
    return np.arange(items, dtype=np.int64) * beats // max(1, items)


def _fill_takes(shape: Im2colShape, word: int, held: int) -> tuple[np.ndarray, int]:
    """The FillRows beats of one channel at which the unpacker takes an input word (it holds
    fewer bytes than the beat's input run; pad rows take none), and the bytes it holds after."""
    padded_n = shape.src_n + 2
    row_chunks = _ceil(padded_n, word)
    takes = []
    for row in range(1, shape.src_m + 1):
        for chunk in range(row_chunks):
            p0 = chunk * word
            first, last = max(p0, 1), min(p0 + word, padded_n, shape.src_n + 1)
            if held < last - first:
                takes.append(row * row_chunks + chunk)
                held += word
            held -= last - first
    return np.array(takes, np.int64), held


def im2col_program(design: Im2colDesign, shape: Im2colShape) -> Program:
    """The runs of im2col_kernel's processes for ``shape``."""
    word = design.bytes_per_beat
    channel_in = shape.src_m * shape.src_n
    channel_out = shape.window * shape.out_m * shape.out_n
    in_words, out_words = _ceil(shape.src_c * channel_in, word), _ceil(shape.src_c * channel_out, word)
    row_chunks = _ceil(shape.src_n + 2, word)
    emit_chunks = _ceil(shape.out_m * shape.out_n, word)
    depths = loop_depths(design)
    fill_beats, emit_beats = (shape.src_m + 2) * row_chunks, shape.window * emit_chunks
    takes, written, held = [], [], 0  # held: bytes the unpacker holds, carried from channel to channel
    for c in range(shape.src_c):
        channel_takes, held = _fill_takes(shape, word, held)
        takes.append(channel_takes)
        written.append((c + 1) * channel_out // word - c * channel_out // word)
    written[-1] += int(shape.src_c * channel_out % word != 0)  # the packer's last (padded) word
    # channel 0 filled alone; then each Overlap beat fills channel c while it emits channel c - 1
    # (its writes in the loop's first emit_beats beats); the last channel emitted alone
    window = [LoopRun("FillRows", fill_beats, 1, depths["FillRows"], reads="in_words", read_items=len(takes[0]),
                      read_at=(takes[0],))]  # fmt: skip
    beats = max(fill_beats, emit_beats)
    for c in range(1, shape.src_c):
        window.append(
            LoopRun(
                "Overlap",
                beats,
                1,
                depths["Overlap"],
                reads="in_words",
                read_items=len(takes[c]),
                read_at=(takes[c],),
                writes="out_words",
                write_items=written[c - 1],
                write_at=_spread(written[c - 1], emit_beats),
            )
        )
    window.append(LoopRun("EmitRows", emit_beats, 1, depths["EmitRows"], writes="out_words", write_items=written[-1]))
    read = LoopRun(
        "ReadInput",
        in_words,
        1,
        design.mem_latency_cycles + READ_EXTRA_CYCLES,
        writes="in_words",
        axi=Axi("in", False, _bursts(design, in_words)),
    )
    write = LoopRun(
        "WriteOutput",
        out_words,
        1,
        depths["WriteOutput"],
        reads="out_words",
        axi=Axi("out", True, _bursts(design, out_words)),
    )
    program = Program(
        "im2col",
        {"read": (read,), "window": tuple(window), "write": (write,)},
        {"in_words": None, "out_words": None},
        outer={"window": ("Channels", shape.src_c - 1)},
        functions=FUNCTIONS,
        setup_cycles=setup_cycles(design),
    )
    return with_leads(program, design)


__all__ = ["OUTER_LOOPS", "im2col_program"]
