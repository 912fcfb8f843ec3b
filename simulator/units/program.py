"""A kernel as the loops its C++ runs: the one description the static and SimPy views share.

The HLS kernels of hls_src/ are DATAFLOW regions of processes joined by streams. Each process
runs its labelled loops one after another; a ``LoopRun`` is one execution of one loop (its
C++ label, trip count, initiation interval II and iteration latency), with what it reads from
a stream, writes to a stream, or moves over AXI. ``matmul_program`` and ``im2col_program``
(in ``matmul_program.py`` and ``im2col_program.py``) list the runs of every process for a
design and a shape, following the C++ line by line; tests check the labels against the
source and the trip counts against gcov counts of the compiled C++.

Timing of one run that starts at cycle s (Vitis HLS UG1399, "Pipelining Loops"): iteration i
issues at s + i * II and its result is ready at s + i * II + iteration latency; the run ends
at s + (trips - 1) * II + iteration latency; the next run of the process starts one cycle
later (the state that leaves the loop). Two things can delay a run:
- streams: iteration i of a run that reads items k0 .. k0 + trips - 1 of a stream cannot
  issue before item k0 + i is ready, so s >= max_i(ready(k0 + i) - i * II) (items are
  produced by a writer's iterations, at their ready cycles);
- AXI: a read loop's iteration latency is mem_latency_cycles + 2 (request, data, store); a
  write loop's data leave one beat per cycle and are acknowledged mem_latency_cycles after
  the last beat of each burst.

Streams hold ``buffering`` tiles (the C++'s STREAM depths): a writer's run k waits until
the reader has finished run k - depth.

``static_timing`` composes these rules with every AXI channel uncontended: the static view
(what a csynth report would give per loop, composed through the streams). ``simulate_des``
runs the same runs in SimPy, adding what the static rules ignore (DESIGN.md "Hardware model
contract"): the AXI adapter's outstanding-request limit and data bus, shared by the
processes of one bundle (``axi_ports="shared"``: requests are served in the order their
loops start). With separate bundles and enough outstanding requests to cover the memory
latency the two views give the same cycle for every run (tested); otherwise the SimPy
latency is larger.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import simpy
from numba import njit

from simulator.designs import Im2colDesign, MatmulDesign
from simulator.results import Trace
from simulator.units.axi import ChannelTwin
from simulator.units.environment import CountingEnvironment

Design = MatmulDesign | Im2colDesign

MAX_PASSES = 100_000
EXIT_CYCLES = 1  # the state between a loop's last iteration and the next loop of a process
READ_EXTRA_CYCLES = 2  # a read loop's iteration: request, data, store (+ mem latency)


@dataclass(frozen=True, slots=True)
class Axi:
    """An AXI access of a loop: one beat per iteration, in bursts of the given beats."""

    port: str  # the C++ port (a, b, bias, out, in)
    write: bool
    bursts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LoopRun:
    """One execution of a labelled loop of a process."""

    label: str
    trips: int
    ii: int
    iteration: int
    reads: str | tuple[str, ...] | None = None  # stream(s) this loop reads
    writes: str | None = None  # stream this loop writes
    axi: Axi | None = None
    read_items: int | tuple[int, ...] | None = None  # items read per stream (default: one per iteration), spread evenly
    write_items: int | None = None  # items written (default: one per iteration), spread evenly
    # the iteration of every item read (per stream) or written, when not spread evenly
    read_at: tuple[np.ndarray | None, ...] | None = field(default=None, compare=False)
    write_at: np.ndarray | None = field(default=None, compare=False)
    axi_at: np.ndarray | None = field(default=None, compare=False)  # the iteration of every word read

    def read_positions(self, index: int) -> np.ndarray | None:
        """Iterations of the items of read stream ``index``, or None (spread evenly)."""
        return None if self.read_at is None else self.read_at[index]

    def read_streams(self) -> tuple[tuple[str, int], ...]:
        """(stream, items read) for every stream the loop reads."""
        if self.reads is None:
            return ()
        names = (self.reads,) if isinstance(self.reads, str) else self.reads
        if self.read_items is None:
            counts: tuple[int, ...] = (self.trips,) * len(names)
        else:
            counts = (self.read_items,) if isinstance(self.read_items, int) else self.read_items
        return tuple(zip(names, counts))

    @property
    def n_written(self) -> int:
        return self.trips if self.write_items is None else self.write_items

    @property
    def latency(self) -> int:
        """(trips - 1) * II + iteration latency; 0 for a run of no iterations."""
        return 0 if self.trips == 0 else (self.trips - 1) * self.ii + self.iteration


@dataclass(frozen=True, slots=True)
class Program:
    """The runs of every process of a DATAFLOW region, in C++ order, and its streams.

    ``outer[process]`` is the label and trip count of the process's non-pipelined outer loop
    (over tiles or channels), whose body holds the runs. ``depth_runs[stream]`` is the number of
    writer runs a stream holds (its C++ depth, in tiles) when its writer's and reader's runs
    pair one to one; None when they do not (the SimPy view then lets the stream grow).
    """

    name: str
    processes: dict[str, tuple[LoopRun, ...]]
    depth_runs: dict[str, int | None] = field(default_factory=dict)
    outer: dict[str, tuple[str, int]] = field(default_factory=dict)  # process: (label, trips)
    functions: dict[str, str] = field(default_factory=dict)  # process: C++ function, if not equal
    # the trips of each run of a loop whose timing another run carries (label: trips per run):
    # the fetch of a load, whose words are the reads of its ReadRows run's AXI bursts
    folded: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def runs(self):
        """(process, run) pairs in process order."""
        for process, runs in self.processes.items():
            for run in runs:
                yield process, run


def ports_to_channels(design: Design) -> dict[str, str]:
    """The AXI channel each C++ port uses, by the design's bundles."""
    if isinstance(design, MatmulDesign) and design.axi_ports == "separate":
        return {"a": "gmem0", "bias": "gmem0", "b": "gmem1", "out": "gmem2"}
    if isinstance(design, Im2colDesign):
        return {"in": "gmem0", "out": "gmem1"}
    return {"a": "gmem", "b": "gmem", "bias": "gmem", "out": "gmem"}


# ------------------------------------------------------------------------- shared rules


@dataclass(slots=True)
class _Items:
    """Ready cycles of a stream's items, one segment per writing run.

    A run of T iterations at II that writes n items writes item m at iteration
    ceil((m + 1) T / n) - 1 (evenly spread; one per iteration when n = T), ready
    ``iteration`` cycles after that iteration issues.
    """

    # first item, run, start, and the ready cycle of every item when known (a port-slowed run)
    segments: list[tuple[int, LoopRun, int, np.ndarray | None]] = field(default_factory=list)
    firsts: list[int] = field(default_factory=list)  # the first index of every segment
    count: int = 0

    def add(self, run: LoopRun, start: int, ready: np.ndarray | None = None) -> None:
        if run.n_written:
            self.segments.append((self.count, run, start, ready))
            self.firsts.append(self.count)
            self.count += run.n_written

    @staticmethod
    def _ready(run: LoopRun, start: int, m, ready: np.ndarray | None = None):
        """Ready cycle of item(s) ``m`` (an int or an array) of a writer run."""
        if ready is not None:
            return ready[m]
        if run.write_at is not None:
            issue = run.write_at[m]
        else:
            issue = -(-(m + 1) * run.trips // run.n_written) - 1
        return start + issue * run.ii + run.iteration

    def earliest_start(self, reader: LoopRun, k0: int, n: int, at: np.ndarray | None = None) -> int:
        """Least s at which ``reader``, reading items k0 .. k0 + n - 1 (item m at iteration
        ``at[m]``, or floor(m T / n) when spread evenly), never waits for an item. When both
        sides spread evenly, the ends of each writer segment decide; else every item is checked."""
        start = 0
        for index in range(max(0, bisect.bisect_right(self.firsts, k0) - 1), len(self.segments)):
            first, run, run_start, known = self.segments[index]
            if first >= k0 + n:
                break
            lo, hi = max(first, k0), min(first + run.n_written, k0 + n)
            if lo >= hi:
                continue
            if at is None and run.write_at is None and known is None:
                for k in {lo, hi - 1}:
                    issue = (k - k0) * reader.trips // n
                    start = max(start, self._ready(run, run_start, k - first) - issue * reader.ii)
                continue
            items = np.arange(lo, hi)
            issues = at[items - k0] if at is not None else (items - k0) * reader.trips // n
            ready = self._ready(run, run_start, items - first, known)
            start = max(start, int((ready - issues * reader.ii).max()))
        return start


def _paced(run: LoopRun, trips: int) -> LoopRun:
    """``run`` stretched to ``trips`` iterations at II = 1, its items at the same fractions."""
    write_at = None if run.write_at is None else (run.write_at * trips) // max(1, run.trips)
    return replace(run, trips=trips, ii=1, write_items=run.n_written, write_at=write_at)


@dataclass
class Timing:
    """Cycle of every run (start, end), per process, and the kernel's end.

    The trace records busy spans only: in the static view a process waits for its inputs
    (idle) and never for a full stream or a busy port (stall)."""

    runs: dict[str, list[tuple[LoopRun, int, int]]]
    latency_cycles: int
    write_done_cycle: int

    def process_busy(self) -> dict[str, int]:
        """Cycles each process spends in its loops (its interval in a DATAFLOW region)."""
        return {name: sum(end - start + EXIT_CYCLES for _, start, end in runs) for name, runs in self.runs.items()}


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
    latency = max([int(done_cycle)] + [rows[-1][2] for rows in timing.values() if rows])
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
                    (run.trips, run.ii, run.iteration, run.latency, run.n_written, writes, write_at, axi, beats)
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
        # trips, ii, iteration, latency, items written, stream written, write_at, axi (1 read, 2 write), beats
        self.run = np.asarray(table, np.int64).reshape(-1, 9)
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
            trips, ii = run[r, 0], run[r, 1]
            start = clock
            for j in range(read_ptr[r], read_ptr[r + 1]):
                s, items, at = reads[j, 0], reads[j, 1], reads[j, 2]
                k0 = read_index[s]
                start = max(start, _earliest(seg_first[s], seg_run[s], seg_start[s], n_segs[s], run, positions,
                                             k0, items, at, trips, ii))  # fmt: skip
                read_index[s] = k0 + items
            w = run[r, 5]
            if w >= 0:
                if depth[w] >= 0:
                    needed = written[w] - depth[w]
                    if 0 <= needed < n_known[w]:
                        start = max(start, known[w, needed] + 1)
                written[w] += 1
            end = start + run[r, 3]
            if run[r, 7] == 1:
                done = max(done, end)
            elif run[r, 7] == 2:
                done = max(done, start + run[r, 8] + mem_latency)
            if w >= 0 and run[r, 4] > 0:
                seg_first[w, n_segs[w]] = count[w]
                seg_run[w, n_segs[w]] = r
                seg_start[w, n_segs[w]] = start
                n_segs[w] += 1
                count[w] += run[r, 4]
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
def _ready(run, positions, r, start, m):  # pragma: no cover - jitted
    """Ready cycle of item m of writer run r started at ``start`` (item m at iteration
    write_at[m], or ceil((m + 1) T / n) - 1 when spread evenly)."""
    trips, ii, iteration, n_written, at = run[r, 0], run[r, 1], run[r, 2], run[r, 4], run[r, 6]
    issue = positions[at + m] if at >= 0 else -(-(m + 1) * trips // n_written) - 1
    return start + issue * ii + iteration


@njit(cache=True, inline="always")
def _earliest(seg_first, seg_run, seg_start, n_segs, run, positions, k0, n, at, trips, ii):  # pragma: no cover
    """Least start at which a reader run (trips, ii) reading items k0 .. k0 + n - 1 (item m at
    iteration positions[at + m], or floor(m T / n) when spread evenly) never waits for an item.
    When both sides spread evenly the ends of each writer segment decide; else every item."""
    start = 0
    first_segment = max(0, np.searchsorted(seg_first[:n_segs], k0, side="right") - 1)
    for index in range(first_segment, n_segs):
        first, r, run_start = seg_first[index], seg_run[index], seg_start[index]
        if first >= k0 + n:
            break
        lo, hi = max(first, k0), min(first + run[r, 4], k0 + n)
        if lo >= hi:
            continue
        if at < 0 and run[r, 6] < 0:
            for k in (lo, hi - 1):
                issue = (k - k0) * trips // n
                start = max(start, _ready(run, positions, r, run_start, k - first) - issue * ii)
            continue
        for k in range(lo, hi):
            issue = positions[at + k - k0] if at >= 0 else (k - k0) * trips // n
            start = max(start, _ready(run, positions, r, run_start, k - first) - issue * ii)
    return start


# ------------------------------------------------------------------------------ SimPy


class _Stream:
    """A stream in the SimPy view: item ready cycles, reader-run ends, and wake-up events."""

    def __init__(self, env: simpy.Environment, depth_runs: int | None):
        self.env = env
        self.items = _Items()
        self.depth_runs = depth_runs
        self.writer_runs = 0
        self.reader_ends: list[int] = []
        self.changed = env.event()

    def notify(self) -> None:
        changed, self.changed = self.changed, self.env.event()
        changed.succeed()


class _ProcessUnit:
    """SimPy process of one C++ process: its runs in order, one event per run or wait."""

    def __init__(self, env, name, runs, streams, channels, ports, design, trace, acks):
        self.env, self.name, self.runs = env, name, runs
        self.streams, self.channels, self.ports = streams, channels, ports
        self.design, self.trace, self.acks = design, trace, acks
        self.read_index: dict[str, int] = defaultdict(int)
        self.end_cycle = 0
        self.process = env.process(self.run())

    def _wait(self, condition):
        """Wait (in SimPy) until ``condition()`` holds; streams notify on every change."""
        while not condition():
            yield simpy.AnyOf(self.env, [stream.changed for stream in self.streams.values()])

    def run(self):
        clock = 0
        for run in self.runs:
            start = clock
            for position, (name, n) in enumerate(run.read_streams()):
                stream, k0 = self.streams[name], self.read_index[name]
                yield from self._wait(lambda s=stream, m=k0 + n: s.items.count >= m)
                start = max(start, stream.items.earliest_start(run, k0, n, run.read_positions(position)))
            ready = start  # waiting for inputs until here (idle), for a full stream after (stall)
            if run.writes is not None:
                out = self.streams[run.writes]
                if out.depth_runs is not None and out.writer_runs >= out.depth_runs:
                    needed = out.writer_runs - out.depth_runs
                    yield from self._wait(lambda o=out, k=needed: len(o.reader_ends) > k)
                    start = max(start, out.reader_ends[needed] + 1)
            # a start earlier than now is fine: the run's cycles follow from its inputs, which
            # are all known by now (it waited for them to be decided, not to arrive)
            if start > self.env.now:
                yield self.env.timeout(start - self.env.now)
            self.trace.stall(self.name, ready, start)
            end, known = start + run.latency, None
            if run.axi is not None:
                end, known = self._axi(run, start)  # later than start + latency: waiting for the port
                self.trace.stall(self.name, start + run.latency, end)
            if run.writes is not None:
                # items of a run slowed by its port come when their words do (known), or at the
                # slower pace, over the run's whole span
                paced = (
                    run
                    if end == start + run.latency or known is not None
                    else _paced(run, end - start - run.iteration + 1)
                )
                out.items.add(paced, start, known)
                out.writer_runs += 1
                out.notify()
            self.trace.busy(self.name, start, start + run.latency)
            if end > self.env.now:
                yield self.env.timeout(end - self.env.now)
            for name, n in run.read_streams():
                self.read_index[name] += n
                self.streams[name].reader_ends.append(end)
                self.streams[name].notify()
            clock = end + EXIT_CYCLES if run.trips else end
            self.end_cycle = max(self.end_cycle, end)

    def _axi(self, run: LoopRun, start: int) -> tuple[int, np.ndarray | None]:
        """(end, ready cycle of every item or None) of an AXI run: its bursts queue on the
        channel at ``start`` (in order). A read run that knows the iteration of each word it
        reads (``axi_at``) and of each item it writes stalls, as a pipeline does, from the
        iteration whose word comes late: every later iteration moves by the largest delay so
        far, and each item is ready that much later."""
        axi = run.axi
        assert axi is not None  # called for AXI runs only
        channel = self.channels[(self.ports[axi.port], axi.write)]
        data_end = done = start
        arrivals = []
        for beats in axi.bursts:
            _, data_end, done = channel.issue(start, beats)
            arrivals.append(np.arange(data_end - beats, data_end))
        self.acks.append(done)
        if axi.write:
            return max(start + run.latency, data_end + run.iteration - 1), None
        if run.axi_at is None or run.write_at is None or not arrivals:
            return max(start + run.latency, data_end + READ_EXTRA_CYCLES - 1), None
        arrival = np.concatenate(arrivals)
        # the word read at iteration b arrives, uncontended, at start + b * II + mem latency
        due = start + run.axi_at * run.ii + run.iteration - READ_EXTRA_CYCLES
        delay_at_read = np.maximum.accumulate(np.maximum(arrival - due, 0))
        # the delay of every iteration: that of the last read at or before it
        last_read = np.searchsorted(run.axi_at, np.arange(run.trips), side="right") - 1
        delay = np.where(last_read >= 0, delay_at_read[np.maximum(last_read, 0)], 0)
        ready = start + run.write_at * run.ii + run.iteration + delay[run.write_at]
        return start + run.latency + int(delay[-1]), ready


@dataclass
class DesTiming:
    latency_cycles: int
    n_events: int
    process_ends: dict[str, int]


def simulate_des(program: Program, design: Design, trace: Trace | None = None) -> DesTiming:
    """The SimPy view of ``program`` on ``design`` (module docstring).

    Raises
    ------
    RuntimeError
        If a process is still waiting when no event is left (a deadlock of the model).
    """
    trace = Trace() if trace is None else trace
    env = CountingEnvironment()
    names = {name for _, run in program.runs() for name, _ in run.read_streams()}
    names |= {run.writes for _, run in program.runs()}
    streams = {name: _Stream(env, program.depth_runs.get(name)) for name in names if name is not None}
    ports = ports_to_channels(design)
    channels = {
        (channel, write): ChannelTwin(design, "write" if write else "read")
        for channel in set(ports.values())
        for write in (False, True)
    }
    acks: list[int] = []
    units = [
        _ProcessUnit(env, name, runs, streams, channels, ports, design, trace, acks)
        for name, runs in program.processes.items()
    ]
    env.run()
    stuck = [unit.name for unit in units if unit.process.is_alive]
    if stuck:
        raise RuntimeError(f"{program.name} DES: processes {stuck} still waiting at cycle {env.now}")
    ends = {unit.name: unit.end_cycle for unit in units}
    latency = max([int(env.now)] + acks)
    return DesTiming(latency, env.n_events, ends)


__all__ = [
    "Axi",
    "LoopRun",
    "Program",
    "Timing",
    "ports_to_channels",
    "simulate_des",
    "static_timing",
]
