"""The static view of a loop program (``program.py``): the timing rules with every AXI channel
uncontended, what a csynth report would give per loop, composed through the streams."""

from __future__ import annotations

import numpy as np
from numba import njit

from simulator.timing.results import Trace
from simulator.timing.units.program import EXIT_CYCLES, MAX_PASSES, Design, LoopRun, Program, Timing
from simulator.timing.units.stream_rule import segment_start

# The columns of the run table (``_Flat.run``), one row per run: trips, II, iteration latency,
# latency, items written, the stream written (-1: none), the offset of its write positions
# (-1: spread evenly), AXI (0 none, 1 read, 2 write), beats written, lead.
TRIPS, II, ITERATION, LATENCY, WRITTEN, STREAM, WRITE_AT, AXI, BEATS, LEAD = range(10)


def static_timing(program: Program, design: Design, trace: Trace | None = None) -> Timing:
    """The static view: the module docstring's rules with every AXI channel uncontended.

    Processes are evaluated in order (every stream goes from an earlier process to a later
    one), each run at the earliest cycle its process, its input stream and the room in its
    output stream allow. Room depends on a later process, so the evaluation repeats until
    no cycle changes (a max-plus fixed point: each pass can only delay runs). The passes run
    compiled (``_fixpoint``) over the program laid out as arrays (``_Flat``).
    """
    flat = _Flat(program)
    arrays = (flat.process, flat.run, flat.read_ptr, flat.reads, flat.positions, flat.depth)
    starts, ends, done_cycle, passes = _fixpoint(*arrays, design.mem_latency_cycles, MAX_PASSES)
    if passes > MAX_PASSES:
        raise RuntimeError(f"{program.name}: the static schedule did not settle")
    timing: dict[str, list[tuple[LoopRun, int, int]]] = {}
    index = 0
    for process, runs in program.processes.items():
        timing[process] = [(run, int(starts[index + i]), int(ends[index + i])) for i, run in enumerate(runs)]
        index += len(runs)
    latency = max([int(done_cycle)] + [rows[-1][2] for rows in timing.values() if rows]) + program.setup_cycles
    if trace is not None:
        for process, rows in timing.items():
            for _, start, end in rows:
                trace.busy(process, start, end)
    return Timing(timing, latency, int(done_cycle))


class _Flat:
    """A program as the arrays ``_fixpoint`` reads: one entry per run (in process order), one
    per stream read (CSR by run), item positions (``read_at`` / ``write_at``) concatenated."""

    def __init__(self, program: Program):
        names: dict[str, int] = {}
        processes, table, read_ptr, reads, positions = [], [], [0], [], [0]
        for process, runs in enumerate(program.processes.values()):
            for run in runs:
                processes.append(process)
                writes = -1 if run.writes is None else names.setdefault(run.writes, len(names))
                write_at = -1
                if run.write_at is not None:
                    write_at = len(positions) - 1
                    positions.extend(run.write_at.tolist())
                axi, beats = 0, 0
                if run.axi is not None:
                    axi, beats = (2, sum(run.axi.bursts)) if run.axi.write else (1, 0)
                table.append(
                    (
                        run.trips,
                        run.ii,
                        run.iteration,
                        run.latency,
                        run.n_written,
                        writes,
                        write_at,
                        axi,
                        beats,
                        run.lead,
                    )
                )
                for position, (name, count) in enumerate(run.read_streams()):
                    at = run.read_positions(position)
                    offset = -1
                    if at is not None:
                        offset = len(positions) - 1
                        positions.extend(at.tolist())
                    reads.append((names.setdefault(name, len(names)), count, offset))
                read_ptr.append(len(reads))
        self.process = np.asarray(processes, np.int64)
        self.run = np.asarray(table, np.int64).reshape(-1, LEAD + 1)  # the columns above
        self.read_ptr = np.asarray(read_ptr, np.int64)
        self.reads = np.asarray(reads, np.int64).reshape(-1, 3)
        self.positions = np.asarray(positions[1:], np.int64)
        self.depth = np.asarray([-1 if (d := program.depth_runs.get(name)) is None else d for name in names], np.int64)


@njit(cache=True, nogil=True)
def _fixpoint(process, run, read_ptr, reads, positions, depth, mem_latency, max_passes):  # pragma: no cover - jitted
    """Passes of the static rules until no reader-run end changes: (starts, ends, the last
    write acknowledge, passes; max_passes + 1 if it did not settle)."""
    n, streams = run.shape[0], depth.shape[0]
    known = np.full((streams, n + 1), -1, np.int64)  # reader-run ends of the previous pass
    n_known = np.zeros(streams, np.int64)
    starts = np.zeros(n, np.int64)
    ends = np.zeros(n, np.int64)
    for passes in range(1, max_passes + 1):
        ends_now = np.full((streams, n + 1), -1, np.int64)
        n_ends = np.zeros(streams, np.int64)
        seg_first = np.zeros((streams, n + 1), np.int64)  # writer segments: first item, run, start
        seg_run = np.zeros((streams, n + 1), np.int64)
        seg_start = np.zeros((streams, n + 1), np.int64)
        n_segs = np.zeros(streams, np.int64)
        count = np.zeros(streams, np.int64)  # items written
        read_index = np.zeros(streams, np.int64)
        written = np.zeros(streams, np.int64)  # writer runs
        done = 0
        clock = 0
        for r in range(n):
            if r == 0 or process[r] != process[r - 1]:
                clock = 0
            trips, ii = run[r, TRIPS], run[r, II]
            start = clock + run[r, LEAD]
            for j in range(read_ptr[r], read_ptr[r + 1]):
                s, items, at = reads[j, 0], reads[j, 1], reads[j, 2]
                k0 = read_index[s]
                start = max(start, _earliest(seg_first[s], seg_run[s], seg_start[s], n_segs[s], run, positions,
                                             k0, items, at, trips, ii))  # fmt: skip
                read_index[s] = k0 + items
            w = run[r, STREAM]
            if w >= 0:
                if depth[w] >= 0:
                    needed = written[w] - depth[w]
                    if 0 <= needed < n_known[w]:
                        start = max(start, known[w, needed] + 1)
                written[w] += 1
            end = start + run[r, LATENCY]
            if run[r, AXI] == 1:
                done = max(done, end)
            elif run[r, AXI] == 2:
                done = max(done, start + run[r, BEATS] + mem_latency)
            if w >= 0 and run[r, WRITTEN] > 0:
                seg_first[w, n_segs[w]] = count[w]
                seg_run[w, n_segs[w]] = r
                seg_start[w, n_segs[w]] = start
                n_segs[w] += 1
                count[w] += run[r, WRITTEN]
            for j in range(read_ptr[r], read_ptr[r + 1]):
                s = reads[j, 0]
                ends_now[s, n_ends[s]] = end
                n_ends[s] += 1
            starts[r], ends[r] = start, end
            clock = end + EXIT_CYCLES if trips else end
        settled = True
        for s in range(streams):
            if n_ends[s] != n_known[s] or not np.array_equal(ends_now[s, : n_ends[s]], known[s, : n_known[s]]):
                settled = False
        if settled:
            return starts, ends, done, passes
        known, n_known = ends_now, n_ends
    return starts, ends, 0, max_passes + 1


@njit(cache=True, inline="always")
def _earliest(seg_first, seg_run, seg_start, n_segs, run, positions, k0, n, at, trips, ii):  # pragma: no cover
    """Least start at which a reader run (trips, ii) reading items k0 .. k0 + n - 1 (item m at
    iteration positions[at + m], or spread evenly) never waits for an item: the rule of
    ``stream_rule.segment_start`` over the writer segments it reads from."""
    none = positions[:0]
    read_at = positions[at : at + n] if at >= 0 else none
    start = 0
    first_segment = max(0, np.searchsorted(seg_first[:n_segs], k0, side="right") - 1)
    for index in range(first_segment, n_segs):
        first, r = seg_first[index], seg_run[index]
        if first >= k0 + n:
            break
        w = run[r, WRITE_AT]
        write_at = positions[w : w + run[r, WRITTEN]] if w >= 0 else none
        segment = segment_start(first, seg_start[index], run[r, TRIPS], run[r, II], run[r, ITERATION],
                                run[r, WRITTEN], write_at, none, k0, n, read_at, trips, ii)  # fmt: skip
        start = max(start, segment)
    return start


__all__ = ["static_timing"]
