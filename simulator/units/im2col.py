"""Timing of the streaming im2col unit: SimPy model, analytic twin and address generation.

Schedule (spec Part 2, Task 2; numerics eq. 7; the order of hls_src/im2col/im2col.cpp):
for every channel c, every input row is read once, by bursts, into a line buffer of
``Im2colDesign.line_buffer_rows`` rows (the reader runs ahead while rows are free). Output row
orow of channel c needs the padded input rows orow - 1 .. orow + KM - 2 (rows outside the
image are pad and never read); the window generator then emits its ON = src_n + 3 - KN
im2col columns, ``columns_per_cycle`` of them every ``column_ii`` cycles (each column is the
KM x KN window of one output pixel).
After output row orow, input rows below orow are no longer needed and their line-buffer
rows are freed. Every ``rows_per_write`` output rows (and at the end of a channel) the group
is written: for each (kr, kc) one contiguous segment of out row (c, kr, kc).

Addresses, row needs and write groups are pure functions in ``im2col_schedule.py``.
Stages: read --line buffer--> window --out buffer--> write. Reads and writes use the two
independent channels of one m_axi adapter, so nothing contends and the SimPy model equals its
analytic twin (``analytic_im2col``) exactly. Events are per burst, per output row and per
write group. Values come from ``kernels.im2col``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from simulator import kernels
from simulator.designs import Im2colDesign
from simulator.numerics import check_im2col_args
from simulator.resources import estimate_resources
from simulator.results import Im2colResult, Trace
from simulator.units.axi import AxiChannel, AxiPort, ChannelTwin, segment_bursts
from simulator.units.environment import CountingEnvironment, filled_store
from simulator.units.im2col_schedule import (
    Im2colShape,
    check_im2col_shape,
    group_bursts,
    group_ends,
    im2col_addresses,
    last_row_needed,
    memory_bound_cycles,
    window_row_cycles,
    write_groups,
)

STAGES = ("read", "window", "write")


def _interval_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    read = shape.src_c * shape.src_m * sum(segment_bursts(shape.src_n, design))
    write = shape.src_c * sum(
        sum(group_bursts(design, shape, rows)) for rows in write_groups(design, shape)
    )
    window = shape.src_c * shape.out_m * window_row_cycles(design, shape)
    return max(read, write, window)


def _result(model, design, shape, trace, latency, n_events) -> Im2colResult:
    return Im2colResult(
        model=model,
        design=design,
        src_c=shape.src_c,
        src_m=shape.src_m,
        src_n=shape.src_n,
        kernel_size_m=shape.kernel_size_m,
        kernel_size_n=shape.kernel_size_n,
        latency_cycles=latency,
        interval_cycles=_interval_cycles(design, shape),
        memory_bound_cycles=memory_bound_cycles(design, shape),
        stages=trace.stage_cycles(STAGES, latency),
        resources=estimate_resources(design),
        n_events=n_events,
    )


# ------------------------------------------------------------------------- SimPy units


@dataclass(frozen=True, slots=True)
class Im2colPorts:
    """Stores and channels of the im2col unit."""

    line_free: simpy.Store
    line_full: simpy.Store
    out_free: simpy.Store
    out_full: simpy.Store
    read: AxiChannel
    write: AxiChannel


class Im2colUnit:
    """A SimPy unit of the im2col pipeline: stores (env, design, shape, ports, trace) and
    starts its ``run`` process (the shared constructor of RowReader, WindowGenerator and
    GroupWriter)."""

    def __init__(
        self, env, design: Im2colDesign, inputs: Im2colShape, outputs: Im2colPorts, trace: Trace
    ):
        self.env, self.design, self.shape, self.ports, self.trace = (
            env,
            design,
            inputs,
            outputs,
            trace,
        )
        self.process = env.process(self.run())

    def run(self):
        raise NotImplementedError


class RowReader(Im2colUnit):
    """SimPy unit: reads every input row once, by bursts, into a free line-buffer row."""

    def run(self):
        bursts = segment_bursts(self.shape.src_n, self.design)
        channel = self.ports.read
        for _ in range(self.shape.src_c * self.shape.src_m):
            ready = self.env.now
            line_row = yield self.ports.line_free.get()
            self.trace.stall("read", ready, self.env.now)
            first_issue = done = None
            for beats in bursts:
                asked = self.env.now
                slot = yield from channel.acquire()
                self.trace.stall("read", asked, self.env.now)
                first_issue = self.env.now if first_issue is None else first_issue
                _, done = channel.reserve(slot, beats)
            self.env.process(self._complete(line_row, first_issue, done))

    def _complete(self, line_row, first_issue: int, done: int):
        yield self.env.timeout(done - self.env.now)
        self.trace.busy("read", first_issue, done)
        yield self.ports.line_full.put(line_row)


class WindowGenerator(Im2colUnit):
    """SimPy unit: one event per output row; frees line rows and hands out write groups."""

    def _row_cycles(self) -> int:
        return window_row_cycles(self.design, self.shape)

    def run(self):
        shape, ports, per_group = self.shape, self.ports, self.design.rows_per_write
        for _ in range(shape.src_c):
            held: list[tuple[int, int]] = []  # (input row, line-buffer row), oldest first
            next_row = 0
            for orow in range(shape.out_m):
                if orow % per_group == 0:
                    ready = self.env.now
                    out = yield ports.out_free.get()
                    self.trace.stall("window", ready, self.env.now)
                for row in range(
                    next_row, last_row_needed(orow, shape.src_m, shape.kernel_size_m) + 1
                ):
                    held.append((row, (yield ports.line_full.get())))
                    next_row = row + 1
                start = self.env.now
                yield self.env.timeout(self._row_cycles())
                self.trace.busy("window", start, self.env.now)
                while held and held[0][0] < orow:
                    ports.line_free.put(held.pop(0)[1])
                if group_ends(orow, shape.out_m, per_group):
                    ports.out_full.put((out, orow % per_group + 1))
            for _, line_row in held:
                ports.line_free.put(line_row)


class GroupWriter(Im2colUnit):
    """SimPy unit: writes every output group by bursts; frees its buffer after the last beat."""

    def __init__(
        self, env, design: Im2colDesign, inputs: Im2colShape, outputs: Im2colPorts, trace: Trace
    ):
        self.end_cycle = 0
        super().__init__(env, design, inputs, outputs, trace)

    def run(self):
        channel = self.ports.write
        for _ in range(self.shape.src_c * len(write_groups(self.design, self.shape))):
            out, n_rows = yield self.ports.out_full.get()
            first_issue = data_end = done = None
            for beats in group_bursts(self.design, self.shape, n_rows):
                asked = self.env.now
                slot = yield from channel.acquire()
                self.trace.stall("write", asked, self.env.now)
                first_issue = self.env.now if first_issue is None else first_issue
                data_end, done = channel.reserve(slot, beats)
            self.end_cycle = max(self.end_cycle, done)
            self.env.process(self._complete(out, first_issue, data_end, done))

    def _complete(self, out, first_issue: int, data_end: int, done: int):
        yield self.env.timeout(data_end - self.env.now)
        self.ports.out_free.put(out)
        yield self.env.timeout(done - self.env.now)
        self.trace.busy("write", first_issue, done)


def run_im2col_des(
    design: Im2colDesign, shape: Im2colShape, trace: Trace | None = None
) -> Im2colResult:
    """Simulate the timing of one im2col call in SimPy (no values).

    Raises
    ------
    RuntimeError
        If a unit is still waiting when no event is left (a deadlock of the model).
    """
    check_im2col_shape("run_im2col_des", design, shape)
    trace = Trace() if trace is None else trace
    env = CountingEnvironment()
    port = AxiPort(env, design)
    ports = Im2colPorts(
        line_free=filled_store(env, design.line_buffer_rows),
        line_full=simpy.Store(env),
        out_free=filled_store(env, design.n_buffers),
        out_full=simpy.Store(env),
        read=port.read,
        write=port.write,
    )
    reader = RowReader(env, design, shape, ports, trace)
    window = WindowGenerator(env, design, shape, ports, trace)
    writer = GroupWriter(env, design, shape, ports, trace)
    env.run()
    for name, unit in (("read", reader), ("window", window), ("write", writer)):
        if unit.process.is_alive:
            raise RuntimeError(
                f"im2col DES: unit {name!r} is still waiting at cycle {int(env.now)}"
            )
    return _result("des", design, shape, trace, writer.end_cycle, env.n_events)


# ----------------------------------------------------------------------- analytic twin


class _RowReaderTwin:
    """Max-plus replay of the RowReader: input rows in order into free line-buffer rows."""

    def __init__(self, design: Im2colDesign, shape: Im2colShape, trace: Trace):
        self.design, self.trace = design, trace
        self.channel = ChannelTwin(design, "read")
        self.bursts = segment_bursts(shape.src_n, design)
        self.clock = 0
        self.n_read = 0
        self.release: list[int] = []  # cycle the window freed the line row of input row k

    def read_next_row(self) -> int:
        """Cycle the next input row is in the line buffer."""
        slots = self.design.line_buffer_rows
        free = self.release[self.n_read - slots] if self.n_read >= slots else 0
        start = max(self.clock, free)
        self.trace.stall("read", self.clock, start)
        first, self.clock, _, done = self.channel.issue_bursts(
            start, self.bursts, self.trace, "read"
        )
        self.trace.busy("read", first, done)
        self.n_read += 1
        return done


class _GroupWriterTwin:
    """Max-plus replay of the GroupWriter: write groups in order, buffers freed after the beats."""

    def __init__(self, design: Im2colDesign, shape: Im2colShape, trace: Trace):
        self.design, self.shape, self.trace = design, shape, trace
        self.channel = ChannelTwin(design, "write")
        self.clock = self.end_cycle = 0
        self.out_free: list[int] = []  # cycle the out buffer of group g is free again

    def buffer_free(self) -> int:
        """Cycle an out buffer is free for the next group."""
        group, n_buffers = len(self.out_free), self.design.n_buffers
        return self.out_free[group - n_buffers] if group >= n_buffers else 0

    def write(self, ready: int, n_rows: int) -> None:
        bursts = group_bursts(self.design, self.shape, n_rows)
        first, self.clock, data_end, done = self.channel.issue_bursts(
            max(self.clock, ready), bursts, self.trace, "write"
        )
        self.out_free.append(data_end)
        self.trace.busy("write", first, done)
        self.end_cycle = max(self.end_cycle, done)


def analytic_im2col(
    design: Im2colDesign,
    src_c: int,
    src_m: int,
    src_n: int,
    km: int,
    kn: int,
    trace: Trace | None = None,
) -> Im2colResult:
    """Closed-form twin of ``run_im2col_des``: max-plus recurrences over rows and groups.

    Nothing contends in this unit (reads and writes use separate AXI channels), so the twin
    equals the SimPy model exactly.
    """
    shape = Im2colShape(src_c, src_m, src_n, km, kn)
    check_im2col_shape("analytic_im2col", design, shape)
    trace = Trace() if trace is None else trace
    reader, writer = _RowReaderTwin(design, shape, trace), _GroupWriterTwin(design, shape, trace)
    row_cycles, per_group = window_row_cycles(design, shape), design.rows_per_write
    now = 0  # the window generator's clock
    for _ in range(src_c):
        held: list[int] = []  # input rows in the line buffer, oldest first
        next_row = 0
        for orow in range(shape.out_m):
            if orow % per_group == 0:
                ready, now = now, max(now, writer.buffer_free())
                trace.stall("window", ready, now)
            for row in range(next_row, last_row_needed(orow, src_m, km) + 1):
                now = max(now, reader.read_next_row())
                held.append(row)
                next_row = row + 1
            trace.busy("window", now, now + row_cycles)
            now += row_cycles
            while held and held[0] < orow:
                held.pop(0)
                reader.release.append(now)
            if group_ends(orow, shape.out_m, per_group):
                writer.write(now, orow % per_group + 1)
        reader.release.extend([now] * len(held))
    return _result("analytic", design, shape, trace, writer.end_cycle, 0)


# ------------------------------------------------------------------------- public API


def simulate_im2col(
    design: Im2colDesign,
    x_q: np.ndarray,
    kernel_size_m: int,
    kernel_size_n: int,
    *,
    pad_value: int = 0,
) -> tuple[np.ndarray, Im2colResult]:
    """Bit-exact im2col with its simulated timing on ``design``.

    Parameters
    ----------
    design : Im2colDesign (src_n <= max_src_n and kernel sizes <= max_k)
    x_q : ndarray of shape (C, M, N), uint8
    kernel_size_m, kernel_size_n : int in [1, max_k]
    pad_value : int in [0, 255], the value of the one-pixel border

    Returns
    -------
    out : ndarray of shape (C * KM * KN, OM * ON), uint8, equal to ``kernels.im2col``
    result : Im2colResult of the SimPy model

    Raises
    ------
    TypeError, ValueError
        For a design that is not an Im2colDesign, arguments outside the contract, or a shape
        beyond the design's line buffer.
    """
    if not isinstance(design, Im2colDesign):
        raise TypeError(
            f"simulate_im2col: design must be an Im2colDesign; got {type(design).__name__}"
        )
    check_im2col_args("simulate_im2col", x_q, kernel_size_m, kernel_size_n, pad_value)
    shape = Im2colShape(*x_q.shape, kernel_size_m, kernel_size_n)
    check_im2col_shape("simulate_im2col", design, shape)
    result = run_im2col_des(design, shape)
    return kernels.im2col(x_q, kernel_size_m, kernel_size_n, pad_value=pad_value), result


__all__ = [
    "STAGES",
    "Im2colShape",
    "analytic_im2col",
    "im2col_addresses",
    "memory_bound_cycles",
    "run_im2col_des",
    "simulate_im2col",
]
