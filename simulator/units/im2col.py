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

Stages: read --line buffer--> window --out buffer--> write. Reads and writes use the two
independent channels of one m_axi adapter, so nothing contends and the SimPy model equals its
analytic twin (``analytic_im2col``) exactly. Events are per burst, per output row and per
write group. Addresses are a pure function (``im2col_addresses``), testable without SimPy;
values come from ``kernels.im2col``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from simulator import kernels
from simulator.designs import Im2colDesign, check_field
from simulator.numerics import (
    CHANNELS_MAX,
    KERNEL_SIZE_MAX,
    KERNEL_SIZE_MIN,
    check_im2col_args,
    im2col_output_shape,
)
from simulator.resources import estimate_resources
from simulator.results import Im2colResult, Trace
from simulator.units.axi import AxiChannel, AxiPort, ChannelTwin, segment_bursts
from simulator.units.matmul import CountingEnvironment

STAGES = ("read", "window", "write")
SRC_M_MAX = 1 << 16


# ------------------------------------------------------------------ address generation


def im2col_addresses(src_c: int, src_m: int, src_n: int, kernel_size_m: int, kernel_size_n: int) -> np.ndarray:
    """Source of every output element: flat index into x[C][M][N], or -1 for the pad.

    Element (row, col) with row = (c, kr, kc) and col = (orow, ocol) reads
    x[c][orow + kr - 1][ocol + kc - 1] (numerics eq. 7).

    Returns
    -------
    ndarray of shape (C * KM * KN, OM * ON), int64
    """
    out_m, out_n = im2col_output_shape(src_m, src_n, kernel_size_m, kernel_size_n)
    c, kr, kc, orow, ocol = np.ix_(
        np.arange(src_c), np.arange(kernel_size_m), np.arange(kernel_size_n), np.arange(out_m), np.arange(out_n)
    )
    src_row, src_col = orow + kr - 1, ocol + kc - 1
    inside = (src_row >= 0) & (src_row < src_m) & (src_col >= 0) & (src_col < src_n)
    flat = (c * src_m + src_row) * src_n + src_col
    addresses = np.where(inside, flat, -1)  # (c, km, kn, om, on)
    return addresses.reshape(src_c * kernel_size_m * kernel_size_n, out_m * out_n)


def last_row_needed(orow: int, src_m: int, kernel_size_m: int) -> int:
    """Bottom input row (inside the image) that output row ``orow`` reads; -1 if none.

    Output row orow reads padded rows orow - 1 .. orow + KM - 2; every earlier input row was
    already needed by an earlier output row, so rows arrive in order.
    """
    return min(orow + kernel_size_m - 2, src_m - 1)


def group_ends(orow: int, out_m: int, rows_per_write: int) -> bool:
    """True when output row ``orow`` closes a write group."""
    return (orow + 1) % rows_per_write == 0 or orow == out_m - 1


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True, slots=True)
class Im2colShape:
    src_c: int
    src_m: int
    src_n: int
    kernel_size_m: int
    kernel_size_n: int

    @property
    def out_m(self) -> int:
        return self.src_m + 3 - self.kernel_size_m

    @property
    def out_n(self) -> int:
        return self.src_n + 3 - self.kernel_size_n

    @property
    def window(self) -> int:
        return self.kernel_size_m * self.kernel_size_n


def write_groups(design: Im2colDesign, shape: Im2colShape) -> list[int]:
    """Output rows of every write group of one channel: rows_per_write, the last one shorter."""
    out_m, per_group = shape.out_m, design.rows_per_write
    return [min(per_group, out_m - start) for start in range(0, out_m, per_group)]


def group_bursts(design: Im2colDesign, shape: Im2colShape, n_rows: int) -> tuple[int, ...]:
    """Bursts of one write group: KM * KN segments of n_rows * ON contiguous bytes."""
    return segment_bursts(n_rows * shape.out_n, design) * shape.window


def window_row_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    """Cycles to generate one output row: ceil(ON / columns_per_cycle) * column_ii."""
    return -(-shape.out_n // design.columns_per_cycle) * design.column_ii


def memory_bound_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    """max(L + read_beats, L + write_beats + L), beats = ceil(bytes / bytes_per_beat).

    Reads: C * M * N bytes; writes: C * KM * KN * OM * ON bytes (see matmul's bound).
    """
    per_beat, latency = design.bytes_per_beat, design.mem_latency_cycles
    read_beats = -(-shape.src_c * shape.src_m * shape.src_n // per_beat)
    write_beats = -(-shape.src_c * shape.window * shape.out_m * shape.out_n // per_beat)
    return max(latency + read_beats, 2 * latency + write_beats)


def _interval_cycles(design: Im2colDesign, shape: Im2colShape) -> int:
    read = shape.src_c * shape.src_m * sum(segment_bursts(shape.src_n, design))
    write = shape.src_c * sum(sum(group_bursts(design, shape, rows)) for rows in write_groups(design, shape))
    window = shape.src_c * shape.out_m * window_row_cycles(design, shape)
    return max(read, write, window)


def check_im2col_shape(owner: str, design: Im2colDesign, shape: Im2colShape) -> None:
    """Validate a design and a shape at a public entry point, including the design's limits."""
    if not isinstance(design, Im2colDesign):
        raise TypeError(f"{owner}: design must be an Im2colDesign; got {type(design).__name__}")
    check_field(owner, "src_c", shape.src_c, int, 1, CHANNELS_MAX)
    check_field(owner, "src_m", shape.src_m, int, 1, SRC_M_MAX)
    check_field(owner, "src_n", shape.src_n, int, 1, design.max_src_n)
    check_field(owner, "kernel_size_m", shape.kernel_size_m, int, KERNEL_SIZE_MIN, min(design.max_k, KERNEL_SIZE_MAX))
    check_field(owner, "kernel_size_n", shape.kernel_size_n, int, KERNEL_SIZE_MIN, min(design.max_k, KERNEL_SIZE_MAX))
    if shape.src_m + 2 < shape.kernel_size_m or shape.src_n + 2 < shape.kernel_size_n:
        raise ValueError(
            f"{owner}: kernel ({shape.kernel_size_m}, {shape.kernel_size_n}) does not fit the padded input "
            f"({shape.src_m + 2}, {shape.src_n + 2}); expected kernel_size <= src_size + 2"
        )


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


class RowReader:
    """SimPy unit: reads every input row once, by bursts, into a free line-buffer row."""

    def __init__(self, env, design: Im2colDesign, inputs: Im2colShape, outputs: Im2colPorts, trace: Trace):
        self.env, self.design, self.shape, self.ports, self.trace = env, design, inputs, outputs, trace
        self.process = env.process(self.run())

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
                slot = channel.slots.request()
                yield slot
                self.trace.stall("read", asked, self.env.now)
                first_issue = self.env.now if first_issue is None else first_issue
                _, done = channel.reserve(slot, beats)
            self.env.process(self._complete(line_row, first_issue, done))

    def _complete(self, line_row, first_issue: int, done: int):
        yield self.env.timeout(done - self.env.now)
        self.trace.busy("read", first_issue, done)
        yield self.ports.line_full.put(line_row)


class WindowGenerator:
    """SimPy unit: one event per output row; frees line rows and hands out write groups."""

    def __init__(self, env, design: Im2colDesign, inputs: Im2colShape, outputs: Im2colPorts, trace: Trace):
        self.env, self.design, self.shape, self.ports, self.trace = env, design, inputs, outputs, trace
        self.process = env.process(self.run())

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
                for row in range(next_row, last_row_needed(orow, shape.src_m, shape.kernel_size_m) + 1):
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


class GroupWriter:
    """SimPy unit: writes every output group by bursts; frees its buffer after the last beat."""

    def __init__(self, env, design: Im2colDesign, inputs: Im2colShape, outputs: Im2colPorts, trace: Trace):
        self.env, self.design, self.shape, self.ports, self.trace = env, design, inputs, outputs, trace
        self.end_cycle = 0
        self.process = env.process(self.run())

    def run(self):
        channel = self.ports.write
        for _ in range(self.shape.src_c * len(write_groups(self.design, self.shape))):
            out, n_rows = yield self.ports.out_full.get()
            first_issue = data_end = done = None
            for beats in group_bursts(self.design, self.shape, n_rows):
                asked = self.env.now
                slot = channel.slots.request()
                yield slot
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


def _filled_store(env, capacity: int) -> simpy.Store:
    store = simpy.Store(env, capacity=capacity)
    for index in range(capacity):
        store.put(index)
    return store


def run_im2col_des(design: Im2colDesign, shape: Im2colShape, trace: Trace | None = None) -> Im2colResult:
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
        line_free=_filled_store(env, design.line_buffer_rows),
        line_full=simpy.Store(env),
        out_free=_filled_store(env, design.n_buffers),
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
            raise RuntimeError(f"im2col DES: unit {name!r} is still waiting at cycle {int(env.now)}")
    return _result("des", design, shape, trace, writer.end_cycle, env.n_events)


# ----------------------------------------------------------------------- analytic twin


def analytic_im2col(
    design: Im2colDesign, src_c: int, src_m: int, src_n: int, km: int, kn: int, trace: Trace | None = None
) -> Im2colResult:
    """Closed-form twin of ``run_im2col_des``: max-plus recurrences over rows and groups.

    Nothing contends in this unit (reads and writes use separate AXI channels), so the twin
    equals the SimPy model exactly.
    """
    shape = Im2colShape(src_c, src_m, src_n, km, kn)
    check_im2col_shape("analytic_im2col", design, shape)
    trace = Trace() if trace is None else trace
    reader, writer = ChannelTwin(design, "read"), ChannelTwin(design, "write")
    row_bursts = segment_bursts(src_n, design)
    slots, n_buffers = design.line_buffer_rows, design.n_buffers
    row_full, row_release, out_free = [], [], []
    reader_clock = window_clock = writer_clock = end = 0
    row_cycles = window_row_cycles(design, shape)

    def read_next_row() -> int:
        nonlocal reader_clock
        index = len(row_full)
        now = max(reader_clock, row_release[index - slots] if index >= slots else 0)
        trace.stall("read", reader_clock, now)
        first_issue = done = None
        for beats in row_bursts:
            grant, _, done = reader.issue(now, beats)
            trace.stall("read", now, grant)
            now = grant
            first_issue = now if first_issue is None else first_issue
        reader_clock = now
        trace.busy("read", first_issue, done)
        row_full.append(done)
        return done

    for _ in range(src_c):
        held: list[int] = []  # input rows in the line buffer, oldest first
        next_row = 0
        for orow in range(shape.out_m):
            if orow % design.rows_per_write == 0:
                group = len(out_free)
                ready = window_clock
                window_clock = max(window_clock, out_free[group - n_buffers] if group >= n_buffers else 0)
                trace.stall("window", ready, window_clock)
            for row in range(next_row, last_row_needed(orow, src_m, km) + 1):
                window_clock = max(window_clock, read_next_row())
                held.append(row)
                next_row = row + 1
            trace.busy("window", window_clock, window_clock + row_cycles)
            window_clock += row_cycles
            while held and held[0] < orow:
                held.pop(0)
                row_release.append(window_clock)
            if not group_ends(orow, shape.out_m, design.rows_per_write):
                continue
            cursor = max(writer_clock, window_clock)
            first_issue = data_end = done = None
            for beats in group_bursts(design, shape, orow % design.rows_per_write + 1):
                grant, data_end, done = writer.issue(cursor, beats)
                trace.stall("write", cursor, grant)
                cursor = grant
                first_issue = cursor if first_issue is None else first_issue
            writer_clock = cursor
            out_free.append(data_end)
            trace.busy("write", first_issue, done)
            end = max(end, done)
        row_release.extend([window_clock] * len(held))
    return _result("analytic", design, shape, trace, end, 0)


# ------------------------------------------------------------------------- public API


def simulate_im2col(
    design: Im2colDesign, x_q: np.ndarray, kernel_size_m: int, kernel_size_n: int, *, pad_value: int = 0
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
        raise TypeError(f"simulate_im2col: design must be an Im2colDesign; got {type(design).__name__}")
    check_im2col_args("simulate_im2col", x_q, kernel_size_m, kernel_size_n, pad_value)
    shape = Im2colShape(*x_q.shape, kernel_size_m, kernel_size_n)
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
