"""The SimPy view of a loop program (``program.py``): the same runs as discrete events, adding
what the static rules ignore, the AXI adapter's outstanding-request limit and the data bus
shared by the processes of one bundle."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import simpy

from simulator.timing.results import Trace
from simulator.timing.units.axi import ChannelTwin
from simulator.timing.units.environment import CountingEnvironment
from simulator.timing.units.program import EXIT_CYCLES, READ_EXTRA_CYCLES, Design, LoopRun, Program, ports_to_channels
from simulator.timing.units.stream_rule import NONE, segment_start


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

    def earliest_start(self, reader: LoopRun, k0: int, n: int, at: np.ndarray | None = None) -> int:
        """Least s at which ``reader``, reading items k0 .. k0 + n - 1 (item m at iteration
        ``at[m]``, or spread evenly), never waits for an item: the rule of
        ``stream_rule.segment_start`` over the writer segments it reads from."""
        read_at = NONE if at is None else np.asarray(at, np.int64)
        start = 0
        for index in range(max(0, bisect.bisect_right(self.firsts, k0) - 1), len(self.segments)):
            first, run, run_start, known = self.segments[index]
            if first >= k0 + n:
                break
            write_at = NONE if run.write_at is None else np.asarray(run.write_at, np.int64)
            ready = NONE if known is None else np.asarray(known, np.int64)
            segment = segment_start(first, run_start, run.trips, run.ii, run.iteration, run.n_written, write_at, ready,
                                    k0, n, read_at, reader.trips, reader.ii)  # fmt: skip
            start = max(start, int(segment))
        return start


def _paced(run: LoopRun, trips: int) -> LoopRun:
    """``run`` stretched to ``trips`` iterations at II = 1, its items at the same fractions."""
    write_at = None if run.write_at is None else (run.write_at * trips) // max(1, run.trips)
    return replace(run, trips=trips, ii=1, write_items=run.n_written, write_at=write_at)


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
            start = clock + run.lead
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
    latency = max([int(env.now)] + acks) + program.setup_cycles  # the top's check, before the region
    return DesTiming(latency, env.n_events, ends)


__all__ = ["DesTiming", "simulate_des"]
