"""Timing of the quantized matmul accelerator: SimPy model and its analytic twin.

Schedule (spec Part 2, Task 1): the tile loop nest of ``tiling.py``, A and B tiles loaded
by bursts, their product computed on the PE array (``pe_array.py``) into the accumulators;
after the last depth tile of an output tile, requantize it and write it.

Stages and the stores between them (each buffer holds ``n_buffers`` tiles):
    load_a --A buffer--> compute <--B buffer-- load_b
    compute --accumulator buffer--> requantize --out buffer--> store
Loads and stores move bursts through AXI channels (``axi.py``): one m_axi adapter shared by
A, B and out ("shared") or one per matrix ("separate"). On a shared adapter the A and B
tiles contend for one read channel, and its request sequencer issues them in program order
(A then B of each step, as the sequential loads of hls_src/matmul.cpp do): a fixed order of
service keeps the model a max-plus system, so no duration or buffer added anywhere can make
it finish earlier (with a timing-dependent arbiter, prefetching into a ping-pong buffer can
delay the current tile and make ping-pong slower than single buffering). On separate
adapters the two loaders run independently. Events are per burst, per fold and per tile,
never per element or cycle.

The analytic twin (``analytic_matmul``) replays the same schedule as max-plus recurrences,
contention on the shared read channel included, and equals the SimPy model exactly.
The values are never simulated: ``simulate_matmul`` returns the bit-exact output of
``kernels.qmatmul`` next to the timing (time and value are separate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import simpy

from simulator import kernels
from simulator.designs import MatmulDesign
from simulator.numerics import check_qmatmul_args
from simulator.resources import estimate_resources
from simulator.results import MatmulResult, Trace
from simulator.units.axi import AxiChannel, AxiPort, ChannelTwin
from simulator.units.environment import CountingEnvironment, filled_store
from simulator.units.pe_array import PeArray, PeArrayPorts, fold_plan
from simulator.units.tiling import (
    LOAD_STAGES,
    MatmulSchedule,
    check_matmul_shape,
    compute_bound_cycles,
    matmul_schedule,
    memory_bound_cycles,
)

STAGES = ("load_a", "load_b", "compute", "requantize", "store")


def requantize_cycles(design: MatmulDesign, n_outputs: int) -> int:
    """Cycles to requantize one tile: ceil(outputs / requant_lanes) + requant_latency_cycles."""
    return math.ceil(n_outputs / design.requant_lanes) + design.requant_latency_cycles


def _interval_cycles(design: MatmulDesign, schedule: MatmulSchedule) -> int:
    """Busiest stage or channel over one call (the interval of back-to-back calls)."""
    a_beats = sum(sum(bursts) for _, bursts in schedule.operand_loads("load_a"))
    b_beats = sum(sum(bursts) for _, bursts in schedule.operand_loads("load_b"))
    read = a_beats + b_beats if design.axi_ports == "shared" else max(a_beats, b_beats)
    write = sum(sum(bursts) for _, _, bursts in schedule.out_tiles)
    compute = sum(fold_plan(design, s.rows, s.depth, s.cols).busy_cycles for s in schedule.steps)
    requantize = sum(requantize_cycles(design, rows * cols) for rows, cols, _ in schedule.out_tiles)
    return max(read, write, compute, requantize)


def _result(
    model: str, design: MatmulDesign, u, v, w, schedule, trace, latency, n_events
) -> MatmulResult:
    return MatmulResult(
        model=model,
        design=design,
        u=u,
        v=v,
        w=w,
        latency_cycles=latency,
        interval_cycles=_interval_cycles(design, schedule),
        compute_bound_cycles=compute_bound_cycles(design, u, v, w),
        memory_bound_cycles=memory_bound_cycles(design, u, v, w),
        stages=trace.stage_cycles(STAGES, latency),
        resources=estimate_resources(design),
        n_events=n_events,
        extra={
            "n_steps": len(schedule.steps),
            "n_a_loads": len(schedule.operand_loads("load_a")),
            "n_b_loads": len(schedule.operand_loads("load_b")),
            "n_out_tiles": len(schedule.out_tiles),
        },
    )


# ------------------------------------------------------------------------- SimPy units


@dataclass(frozen=True, slots=True)
class LoaderInputs:
    """What a TileLoader reads: its loads (stage, bursts) in order, its read channel, and the
    free buffers of each operand it loads (by stage)."""

    loads: tuple[tuple[str, tuple[int, ...]], ...]
    channel: AxiChannel
    free: dict[str, simpy.Store]


class TileLoader:
    """SimPy unit: burst reads of operand tiles into their buffers, in the order given.

    For each tile: take a free buffer of its operand (stall while none), issue its bursts as
    soon as read slots allow (stall while none), and hand the buffer to ``outputs[stage]``
    when the last beat has arrived. The next tile's bursts issue without waiting for this
    one's data. One loader serves both operands of a shared adapter (program order); each
    operand has its own loader on separate adapters.
    """

    def __init__(
        self,
        env,
        design: MatmulDesign,
        inputs: LoaderInputs,
        outputs: dict[str, simpy.Store],
        trace: Trace,
    ):
        self.env = env
        self.design = design
        self.inputs = inputs
        self.full = outputs
        self.trace = trace
        self.process = env.process(self.run())

    def run(self):
        channel = self.inputs.channel
        for stage, bursts in self.inputs.loads:
            ready = self.env.now
            buffer = yield self.inputs.free[stage].get()
            self.trace.stall(stage, ready, self.env.now)
            first_issue = done = None
            for beats in bursts:
                asked = self.env.now
                slot = yield from channel.acquire()
                self.trace.stall(stage, asked, self.env.now)
                first_issue = self.env.now if first_issue is None else first_issue
                _, done = channel.reserve(slot, beats)
            self.env.process(self._complete(stage, buffer, first_issue, done))

    def _complete(self, stage: str, buffer, first_issue: int, done: int):
        yield self.env.timeout(done - self.env.now)
        self.trace.busy(stage, first_issue, done)
        yield self.full[stage].put(buffer)


@dataclass(frozen=True, slots=True)
class RequantizerPorts:
    acc_full: simpy.Store
    out_free: simpy.Store
    acc_free: simpy.Store
    out_full: simpy.Store


class Requantizer:
    """SimPy unit: int32 accumulators -> uint8 tile, requant_lanes outputs per cycle.

    ``inputs`` is the sequence of (rows, cols) output tiles; ``outputs`` a RequantizerPorts.
    """

    def __init__(self, env, design: MatmulDesign, inputs, outputs: RequantizerPorts, trace: Trace):
        self.env = env
        self.design = design
        self.tiles = inputs
        self.ports = outputs
        self.trace = trace
        self.process = env.process(self.run())

    def _requantize_cycles(self, n_outputs: int) -> int:
        return requantize_cycles(self.design, n_outputs)

    def run(self):
        for rows, cols in self.tiles:
            acc = yield self.ports.acc_full.get()
            ready = self.env.now
            out = yield self.ports.out_free.get()
            self.trace.stall("requantize", ready, self.env.now)
            start = self.env.now
            yield self.env.timeout(self._requantize_cycles(rows * cols))
            self.trace.busy("requantize", start, self.env.now)
            self.ports.acc_free.put(acc)
            self.ports.out_full.put(out)


@dataclass(frozen=True, slots=True)
class WriterPorts:
    out_full: simpy.Store
    out_free: simpy.Store
    channel: AxiChannel


class TileWriter:
    """SimPy unit: burst writes of the out tiles; frees a buffer once its beats are sent.

    ``inputs`` is the sequence of burst tuples, one per out tile; ``end_cycle`` is the last
    write response, the end of the kernel.
    """

    def __init__(self, env, design: MatmulDesign, inputs, outputs: WriterPorts, trace: Trace):
        self.env = env
        self.design = design
        self.tiles = inputs
        self.ports = outputs
        self.trace = trace
        self.end_cycle = 0
        self.process = env.process(self.run())

    def run(self):
        channel = self.ports.channel
        for bursts in self.tiles:
            buffer = yield self.ports.out_full.get()
            first_issue = data_end = done = None
            for beats in bursts:
                asked = self.env.now
                slot = yield from channel.acquire()
                self.trace.stall("store", asked, self.env.now)
                first_issue = self.env.now if first_issue is None else first_issue
                data_end, done = channel.reserve(slot, beats)
            self.end_cycle = max(self.end_cycle, done)
            self.env.process(self._complete(buffer, first_issue, data_end, done))

    def _complete(self, buffer, first_issue: int, data_end: int, done: int):
        yield self.env.timeout(data_end - self.env.now)
        self.ports.out_free.put(buffer)
        yield self.env.timeout(done - self.env.now)
        self.trace.busy("store", first_issue, done)


def run_matmul_des(
    design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None
) -> MatmulResult:
    """Simulate the timing of one (u x v) @ (v x w) call in SimPy (no values).

    Raises
    ------
    RuntimeError
        If a unit is still waiting when no event is left (a deadlock of the model).
    """
    check_matmul_shape("run_matmul_des", design, u, v, w)
    trace = Trace() if trace is None else trace
    schedule = matmul_schedule(design, u, v, w)
    env = CountingEnvironment()
    n_buffers = design.n_buffers
    a_free, b_free = filled_store(env, n_buffers), filled_store(env, n_buffers)
    acc_free, out_free = filled_store(env, n_buffers), filled_store(env, n_buffers)
    a_full, b_full, acc_full, out_full = (simpy.Store(env) for _ in range(4))
    free, full = {"load_a": a_free, "load_b": b_free}, {"load_a": a_full, "load_b": b_full}
    if design.axi_ports == "shared":
        port = AxiPort(env, design)
        write_channel = port.write
        loaders = {
            "load": TileLoader(
                env, design, LoaderInputs(schedule.loads, port.read, free), full, trace
            )
        }
    else:
        write_channel = AxiPort(env, design).write
        loaders = {
            stage: TileLoader(
                env,
                design,
                LoaderInputs(schedule.operand_loads(stage), AxiPort(env, design).read, free),
                full,
                trace,
            )
            for stage in LOAD_STAGES
        }
    units = {
        **loaders,
        "compute": PeArray(
            env,
            design,
            schedule.steps,
            PeArrayPorts(a_full, b_full, acc_free, a_free, b_free, acc_full),
            trace,
        ),
        "requantize": Requantizer(
            env,
            design,
            [(rows, cols) for rows, cols, _ in schedule.out_tiles],
            RequantizerPorts(acc_full, out_free, acc_free, out_full),
            trace,
        ),
    }
    writer = TileWriter(
        env,
        design,
        [bursts for _, _, bursts in schedule.out_tiles],
        WriterPorts(out_full, out_free, write_channel),
        trace,
    )
    units["store"] = writer
    env.run()
    for name, unit in units.items():
        if unit.process.is_alive:
            raise RuntimeError(
                f"matmul DES: unit {name!r} is still waiting at cycle {int(env.now)}"
            )
    return _result("des", design, u, v, w, schedule, trace, writer.end_cycle, env.n_events)


# ----------------------------------------------------------------------- analytic twin


class _LoaderTwin:
    """Max-plus replay of one TileLoader (its loads in order, on its own read channel)."""

    def __init__(self, design: MatmulDesign, loads, trace: Trace):
        self.design, self.loads, self.trace = design, loads, trace
        self.channel = ChannelTwin(design, "read")
        self.clock = 0
        self.next_load = 0
        self.full_cycle: dict[str, list[int]] = {stage: [] for stage in LOAD_STAGES}

    def load(self, stage: str, index: int, release: dict[str, list[int]]) -> int:
        """Cycle tile ``index`` of ``stage`` is in its buffer.

        Replays the loads in order up to that tile; ``release[stage][k]`` is the cycle the
        compute stage freed tile k of that operand (known for every tile the replay needs,
        since the compute stage frees tiles before it waits for the next).
        """
        n_buffers = self.design.n_buffers
        while len(self.full_cycle[stage]) <= index:
            load_stage, bursts = self.loads[self.next_load]
            self.next_load += 1
            count = len(self.full_cycle[load_stage])
            free = release[load_stage][count - n_buffers] if count >= n_buffers else 0
            start = max(self.clock, free)
            self.trace.stall(load_stage, self.clock, start)
            first, self.clock, _, done = self.channel.issue_bursts(
                start, bursts, self.trace, load_stage
            )
            self.trace.busy(load_stage, first, done)
            self.full_cycle[load_stage].append(done)
        return self.full_cycle[stage][index]


class _OutputTwin:
    """Max-plus replay of the Requantizer and the TileWriter, one output tile at a time."""

    def __init__(self, design: MatmulDesign, trace: Trace):
        self.design, self.trace = design, trace
        self.writer = ChannelTwin(design, "write")
        self.requant_clock = self.writer_clock = self.end_cycle = 0
        self.acc_free: list[int] = []  # cycle the accumulators of output tile o are free again
        self.out_free: list[int] = []  # cycle the out buffer of output tile o is free again

    def _free_cycle(self, frees: list[int], index: int) -> int:
        n_buffers = self.design.n_buffers
        return frees[index - n_buffers] if index >= n_buffers else 0

    def acc_buffer_free(self, out_index: int) -> int:
        """Cycle an accumulator buffer is free for output tile ``out_index``."""
        return self._free_cycle(self.acc_free, out_index)

    def finish(self, out_index: int, tile: tuple[int, int, tuple[int, ...]], results_cycle: int):
        """Requantize and store output tile ``out_index`` whose results are out at a cycle."""
        rows, cols, bursts = tile
        ready = max(self.requant_clock, results_cycle)
        start = max(ready, self._free_cycle(self.out_free, out_index))
        self.trace.stall("requantize", ready, start)
        self.requant_clock = start + requantize_cycles(self.design, rows * cols)
        self.trace.busy("requantize", start, self.requant_clock)
        self.acc_free.append(self.requant_clock)
        ready = max(self.writer_clock, self.requant_clock)
        first, self.writer_clock, data_end, done = self.writer.issue_bursts(
            ready, bursts, self.trace, "store"
        )
        self.out_free.append(data_end)
        self.trace.busy("store", first, done)
        self.end_cycle = max(self.end_cycle, done)


def analytic_matmul(
    design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None
) -> MatmulResult:
    """Closed-form twin of ``run_matmul_des``: the same schedule as max-plus recurrences.

    Every stage is a recurrence over its tiles (start = max(own previous end, input ready,
    buffer free)), and the shared read channel serves the loads in program order as in the
    SimPy model, so the twin equals it exactly (spans and stalls included).
    """
    check_matmul_shape("analytic_matmul", design, u, v, w)
    trace = Trace() if trace is None else trace
    schedule = matmul_schedule(design, u, v, w)
    if design.axi_ports == "shared":
        shared = _LoaderTwin(design, schedule.loads, trace)
        loaders = {"load_a": shared, "load_b": shared}
    else:
        loaders = {
            stage: _LoaderTwin(design, schedule.operand_loads(stage), trace)
            for stage in LOAD_STAGES
        }
    output = _OutputTwin(design, trace)
    release: dict[str, list[int]] = {stage: [] for stage in LOAD_STAGES}
    index = {"load_a": -1, "load_b": -1}
    now = out_index = 0
    for step in schedule.steps:
        needed = [
            stage for stage, new in zip(LOAD_STAGES, (step.new_a, step.new_b), strict=True) if new
        ]
        for stage in needed:  # free the tiles being replaced, then wait for the new ones
            if index[stage] >= 0:
                release[stage].append(now)
            index[stage] += 1
        for stage in needed:
            now = max(now, loaders[stage].load(stage, index[stage], release))
        if step.first_v:
            ready, now = now, max(now, output.acc_buffer_free(out_index))
            trace.stall("compute", ready, now)
        plan = fold_plan(design, step.rows, step.depth, step.cols)
        last_issue = now + (plan.n_folds - 1) * plan.interval_cycles
        trace.busy("compute", now, last_issue + plan.latency_cycles)
        now += plan.n_folds * plan.interval_cycles
        if step.last_v:
            output.finish(
                out_index, schedule.out_tiles[out_index], last_issue + plan.latency_cycles
            )
            out_index += 1
    return _result("analytic", design, u, v, w, schedule, trace, output.end_cycle, 0)


# ------------------------------------------------------------------------- public API


def simulate_matmul(
    design: MatmulDesign,
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0: int,  # noqa: N803
    n: int,
) -> tuple[np.ndarray, MatmulResult]:
    """Bit-exact quantized matmul with its simulated timing on ``design``.

    Parameters
    ----------
    design : MatmulDesign (its ``rounding`` selects the requantization mode)
    a_q : ndarray of shape (u, v), uint8
    b_q : ndarray of shape (v, w), uint8
    zero_a, zero_b, zero_out : int in [0, 255]
    M0 : int in [2^30, 2^31); n : int in [0, 31]

    Returns
    -------
    out : ndarray of shape (u, w), uint8, equal to ``kernels.qmatmul``
    result : MatmulResult of the SimPy model

    Raises
    ------
    TypeError, ValueError
        For a design that is not a MatmulDesign, or arguments outside the contract.
    """
    if not isinstance(design, MatmulDesign):
        raise TypeError(
            f"simulate_matmul: design must be a MatmulDesign; got {type(design).__name__}"
        )
    check_qmatmul_args(
        "simulate_matmul", a_q, b_q, zero_a, zero_b, zero_out, M0, n, design.rounding
    )
    out = kernels.qmatmul(
        a_q,
        b_q,
        zero_a=zero_a,
        zero_b=zero_b,
        zero_out=zero_out,
        M0=M0,
        n=n,
        rounding=design.rounding,
    )
    u, v = a_q.shape
    return out, run_matmul_des(design, u, v, b_q.shape[1])


__all__ = [
    "STAGES",
    "analytic_matmul",
    "compute_bound_cycles",
    "matmul_schedule",
    "memory_bound_cycles",
    "run_matmul_des",
    "simulate_matmul",
]
