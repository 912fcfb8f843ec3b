"""Timing of the quantized matmul accelerator: SimPy model and its analytic twin.

Schedule (spec Part 2, Task 1; the loop order of hls_src/matmul/matmul.cpp): for every
output tile (i, k) of tile_u x tile_w, in row-major order, for every depth tile j of
tile_v: load the A tile (i, j) and the B tile (j, k), compute their product on the PE array
(``pe_array.py``) into the accumulators; after the last j, requantize the tile and write it.
A tile whose index did not change since the previous step stays in its buffer and is not
loaded again (with one depth tile, A is reused along a row of output tiles and B for the
whole product when there is also one column tile).

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
from simulator.designs import MatmulDesign, check_field
from simulator.numerics import V_MAX, check_qmatmul_args
from simulator.resources import estimate_resources
from simulator.results import MatmulResult, Trace
from simulator.units.axi import AxiChannel, AxiPort, ChannelTwin, block_bursts
from simulator.units.pe_array import ComputeStep, PeArray, PeArrayPorts, fold_plan

STAGES = ("load_a", "load_b", "compute", "requantize", "store")
DIM_MAX = 1 << 20  # u and w; v is bounded by the exact int32 accumulator (numerics.V_MAX)


class CountingEnvironment(simpy.Environment):
    """simpy.Environment that counts scheduled events (to show the event granularity)."""

    def __init__(self) -> None:
        super().__init__()
        self.n_events = 0

    def schedule(self, event, priority=1, delay=0):  # noqa: D102 (SimPy API)
        self.n_events += 1
        super().schedule(event, priority, delay)


# -------------------------------------------------------------------------- the schedule


LOAD_STAGES = ("load_a", "load_b")


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
    rows_u, depths_v, cols_w = _tile_sizes(u, design.tile_u), _tile_sizes(v, design.tile_v), _tile_sizes(w, design.tile_w)
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


def requantize_cycles(design: MatmulDesign, n_outputs: int) -> int:
    """Cycles to requantize one tile: ceil(outputs / requant_lanes) + requant_latency_cycles."""
    return math.ceil(n_outputs / design.requant_lanes) + design.requant_latency_cycles


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


def _interval_cycles(design: MatmulDesign, schedule: MatmulSchedule) -> int:
    """Busiest stage or channel over one call (the interval of back-to-back calls)."""
    a_beats = sum(sum(bursts) for _, bursts in schedule.operand_loads("load_a"))
    b_beats = sum(sum(bursts) for _, bursts in schedule.operand_loads("load_b"))
    read = a_beats + b_beats if design.axi_ports == "shared" else max(a_beats, b_beats)
    write = sum(sum(bursts) for _, _, bursts in schedule.out_tiles)
    compute = sum(fold_plan(design, s.rows, s.depth, s.cols).busy_cycles for s in schedule.steps)
    requantize = sum(requantize_cycles(design, rows * cols) for rows, cols, _ in schedule.out_tiles)
    return max(read, write, compute, requantize)


def check_matmul_shape(owner: str, design: MatmulDesign, u: int, v: int, w: int) -> None:
    """Validate a design object and a (u, v, w) shape at a public entry point."""
    if not isinstance(design, MatmulDesign):
        raise TypeError(f"{owner}: design must be a MatmulDesign; got {type(design).__name__}")
    check_field(owner, "u", u, int, 1, DIM_MAX)
    check_field(owner, "v", v, int, 1, V_MAX)
    check_field(owner, "w", w, int, 1, DIM_MAX)


def _result(model: str, design: MatmulDesign, u, v, w, schedule, trace, latency, n_events) -> MatmulResult:
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

    def __init__(self, env, design: MatmulDesign, inputs: LoaderInputs, outputs: dict[str, simpy.Store], trace: Trace):
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
                slot = channel.slots.request()
                yield slot
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
                slot = channel.slots.request()
                yield slot
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


def _filled_store(env, capacity: int) -> simpy.Store:
    store = simpy.Store(env, capacity=capacity)
    for index in range(capacity):
        store.put(index)
    return store


def run_matmul_des(design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None) -> MatmulResult:
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
    a_free, b_free = _filled_store(env, n_buffers), _filled_store(env, n_buffers)
    acc_free, out_free = _filled_store(env, n_buffers), _filled_store(env, n_buffers)
    a_full, b_full, acc_full, out_full = (simpy.Store(env) for _ in range(4))
    free, full = {"load_a": a_free, "load_b": b_free}, {"load_a": a_full, "load_b": b_full}
    if design.axi_ports == "shared":
        port = AxiPort(env, design)
        write_channel = port.write
        loaders = {"load": TileLoader(env, design, LoaderInputs(schedule.loads, port.read, free), full, trace)}
    else:
        write_channel = AxiPort(env, design).write
        loaders = {
            stage: TileLoader(env, design, LoaderInputs(schedule.operand_loads(stage), AxiPort(env, design).read, free), full, trace)
            for stage in LOAD_STAGES
        }
    units = {
        **loaders,
        "compute": PeArray(
            env, design, schedule.steps, PeArrayPorts(a_full, b_full, acc_free, a_free, b_free, acc_full), trace
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
        env, design, [bursts for _, _, bursts in schedule.out_tiles], WriterPorts(out_full, out_free, write_channel), trace
    )
    units["store"] = writer
    env.run()
    for name, unit in units.items():
        if unit.process.is_alive:
            raise RuntimeError(f"matmul DES: unit {name!r} is still waiting at cycle {int(env.now)}")
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
            ready = self.clock
            now = max(ready, release[load_stage][count - n_buffers] if count >= n_buffers else 0)
            self.trace.stall(load_stage, ready, now)
            first_issue = done = None
            for beats in bursts:
                grant, _, done = self.channel.issue(now, beats)
                self.trace.stall(load_stage, now, grant)
                now = grant
                first_issue = now if first_issue is None else first_issue
            self.clock = now
            self.trace.busy(load_stage, first_issue, done)
            self.full_cycle[load_stage].append(done)
        return self.full_cycle[stage][index]


def analytic_matmul(design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None) -> MatmulResult:
    """Closed-form twin of ``run_matmul_des``: the same schedule, no contention.

    Every stage is a max-plus recurrence over its tiles (start = max(own previous end,
    input ready, buffer free)), and the shared read channel serves the loads in program
    order as in the SimPy model, so the twin equals it exactly (spans and stalls included).
    """
    check_matmul_shape("analytic_matmul", design, u, v, w)
    trace = Trace() if trace is None else trace
    schedule = matmul_schedule(design, u, v, w)
    n_buffers = design.n_buffers
    if design.axi_ports == "shared":
        shared = _LoaderTwin(design, schedule.loads, trace)
        loaders = {"load_a": shared, "load_b": shared}
    else:
        loaders = {stage: _LoaderTwin(design, schedule.operand_loads(stage), trace) for stage in LOAD_STAGES}
    writer = ChannelTwin(design, "write")
    release: dict[str, list[int]] = {stage: [] for stage in LOAD_STAGES}
    acc_free, out_free = [], []
    requant_clock = writer_clock = end = 0
    now = 0
    a_index = b_index = out_index = -1
    for step in schedule.steps:
        if step.new_a and a_index >= 0:
            release["load_a"].append(now)
        if step.new_b and b_index >= 0:
            release["load_b"].append(now)
        if step.new_a:
            a_index += 1
            now = max(now, loaders["load_a"].load("load_a", a_index, release))
        if step.new_b:
            b_index += 1
            now = max(now, loaders["load_b"].load("load_b", b_index, release))
        if step.first_v:
            out_index += 1
            ready = now
            now = max(now, acc_free[out_index - n_buffers] if out_index >= n_buffers else 0)
            trace.stall("compute", ready, now)
        plan = fold_plan(design, step.rows, step.depth, step.cols)
        for _ in range(plan.n_folds):
            issue = now
            trace.busy("compute", issue, issue + plan.latency_cycles)
            now += plan.interval_cycles
        if not step.last_v:
            continue
        rows, cols, bursts = schedule.out_tiles[out_index]
        # requantize: wait for the accumulators, then for a free out buffer
        ready = max(requant_clock, issue + plan.latency_cycles)
        start = max(ready, out_free[out_index - n_buffers] if out_index >= n_buffers else 0)
        trace.stall("requantize", ready, start)
        requant_clock = start + requantize_cycles(design, rows * cols)
        trace.busy("requantize", start, requant_clock)
        acc_free.append(requant_clock)
        # store: issue the bursts in order, free the out buffer after the last beat
        cursor = max(writer_clock, requant_clock)
        first_issue = data_end = done = None
        for beats in bursts:
            grant, data_end, done = writer.issue(cursor, beats)
            trace.stall("store", cursor, grant)
            cursor = grant
            first_issue = cursor if first_issue is None else first_issue
        writer_clock = cursor
        out_free.append(data_end)
        trace.busy("store", first_issue, done)
        end = max(end, done)
    return _result("analytic", design, u, v, w, schedule, trace, end, 0)


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
        raise TypeError(f"simulate_matmul: design must be a MatmulDesign; got {type(design).__name__}")
    check_qmatmul_args("simulate_matmul", a_q, b_q, zero_a, zero_b, zero_out, M0, n, design.rounding)
    out = kernels.qmatmul(
        a_q, b_q, zero_a=zero_a, zero_b=zero_b, zero_out=zero_out, M0=M0, n=n, rounding=design.rounding
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
