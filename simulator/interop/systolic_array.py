"""A systolic PE array (SystolicDesign): folds of a product, their timing, and the SimPy unit
that runs them, the compute model SCALE-Sim's cycles are reproduced with (interop.scalesim).

A product (rows x depth) @ (depth x cols) is mapped on a pe_rows x pe_cols array by the
dataflow (SCALE-Sim, Samajdar et al. 2020, section III; the names S_R, S_C, T are theirs):
    output stationary : S_R = rows,  S_C = cols, T = depth
    weight stationary : S_R = depth, S_C = cols, T = rows
    input stationary  : S_R = depth, S_C = rows, T = cols
and cut into folds of at most pe_rows x pe_cols: n_folds = ceil(S_R / R) * ceil(S_C / C).
One fold:
    preload : R cycles to load the stationary operand (weight / input stationary), 0 for OS
    stream  : T cycles, one operand vector per cycle
    drain   : systolic: R + C - 2 cycles of skew to fill and drain the array (SCALE-Sim's
              per-fold count is preload + T + R + C - 2 exactly);
              broadcast: R cycles to swap the stationary values (OS readout of R rows of
              accumulators) + mac_latency_cycles + an adder tree of ceil(log2 R) levels
              for WS/IS, whose products of one column must be summed
Without fold overlap (SCALE-Sim) folds run back to back: interval = latency. With overlap,
shadow registers hide the next fold's preload (or the previous fold's readout) behind the
current stream, so a fold issues every max(T, R) cycles and completes latency cycles after
its issue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import simpy

from simulator.hardware.designs import SystolicDesign
from simulator.timing.results import Trace

STAGE = "compute"


@dataclass(frozen=True, slots=True)
class FoldPlan:
    """Folds of one tile product on the PE array (see the module docstring)."""

    spatial_rows: int
    spatial_cols: int
    stream_cycles: int
    n_folds: int
    latency_cycles: int
    interval_cycles: int

    @property
    def busy_cycles(self) -> int:
        """Cycles the array input is occupied: n_folds * interval."""
        return self.n_folds * self.interval_cycles


def spatial_mapping(dataflow: str, rows: int, depth: int, cols: int) -> tuple[int, int, int]:
    """(S_R, S_C, T) of a (rows x depth) @ (depth x cols) product for ``dataflow``."""
    if dataflow == "output_stationary":
        return rows, cols, depth
    if dataflow == "weight_stationary":
        return depth, cols, rows
    return depth, rows, cols


def preload_cycles(design: SystolicDesign) -> int:
    """Cycles to load the stationary operand of one fold: R (WS, IS) or 0 (OS)."""
    return 0 if design.dataflow == "output_stationary" else design.pe_rows


def drain_cycles(design: SystolicDesign) -> int:
    """Cycles from the last streamed operand to the fold's results (module docstring)."""
    rows, cols = design.pe_rows, design.pe_cols
    if design.pe_interconnect == "systolic":
        return rows + cols - 2
    if design.dataflow == "output_stationary":
        return rows + design.mac_latency_cycles  # readout of R rows of accumulators
    return design.mac_latency_cycles + math.ceil(math.log2(rows))  # adder tree over R rows


def fold_latency_cycles(design: SystolicDesign, stream: int) -> int:
    """Cycles from a fold's issue to its results: preload + stream + drain.

    Broadcast WS/IS folds count their R-cycle swap as the preload; broadcast OS folds count
    it in the drain (the readout).
    """
    preload = preload_cycles(design)
    return preload + stream + drain_cycles(design)


def fold_interval_cycles(design: SystolicDesign, stream: int) -> int:
    """Cycles between fold issues: max(T, R) with fold overlap, the fold latency without."""
    if design.fold_overlap:
        return max(stream, design.pe_rows)
    return fold_latency_cycles(design, stream)


@lru_cache(maxsize=65536)
def fold_plan(design: SystolicDesign, rows: int, depth: int, cols: int) -> FoldPlan:
    """Folds of a (rows x depth) @ (depth x cols) product on the design's PE array."""
    spatial_rows, spatial_cols, stream = spatial_mapping(design.dataflow, rows, depth, cols)
    n_folds = math.ceil(spatial_rows / design.pe_rows) * math.ceil(spatial_cols / design.pe_cols)
    return FoldPlan(
        spatial_rows=spatial_rows,
        spatial_cols=spatial_cols,
        stream_cycles=stream,
        n_folds=n_folds,
        latency_cycles=fold_latency_cycles(design, stream),
        interval_cycles=fold_interval_cycles(design, stream),
    )


@dataclass(frozen=True, slots=True)
class ComputeStep:
    """One tile product the array computes: its shape and what it consumes and produces.

    new_a / new_b: the step takes a new operand tile (and frees the one it held);
    first_v: the step starts an output tile (takes an accumulator buffer);
    last_v: the step completes the output tile (hands the accumulators on).
    """

    rows: int
    depth: int
    cols: int
    new_a: bool
    new_b: bool
    first_v: bool
    last_v: bool


@dataclass(frozen=True, slots=True)
class PeArrayPorts:
    """Stores around the PE array. Inputs: a_full, b_full, acc_free; outputs: the rest."""

    a_full: simpy.Store
    b_full: simpy.Store
    acc_free: simpy.Store
    a_free: simpy.Store
    b_free: simpy.Store
    acc_full: simpy.Store


class PeArray:
    """SimPy unit: runs the folds of every ComputeStep on the PE array, one event per fold.

    Parameters
    ----------
    env : simpy.Environment
    design : SystolicDesign
    inputs : sequence of ComputeStep, in schedule order
    outputs : PeArrayPorts (operand tokens in, accumulator tokens out)
    trace : Trace receiving "compute" busy spans (one per step: its folds overlap or touch)
        and stalls (waiting for an accumulator buffer)
    """

    def __init__(
        self,
        env: simpy.Environment,
        design: SystolicDesign,
        inputs,
        outputs: PeArrayPorts,
        trace: Trace,
    ):
        self.env = env
        self.design = design
        self.steps = inputs
        self.ports = outputs
        self.trace = trace
        self.process = env.process(self.run())

    def _fold_plan(self, step: ComputeStep) -> FoldPlan:
        return fold_plan(self.design, step.rows, step.depth, step.cols)

    def run(self):
        ports = self.ports
        held_a = held_b = acc = None
        for step in self.steps:
            if step.new_a and held_a is not None:
                ports.a_free.put(held_a)
            if step.new_b and held_b is not None:
                ports.b_free.put(held_b)
            if step.new_a:
                held_a = yield ports.a_full.get()
            if step.new_b:
                held_b = yield ports.b_full.get()
            if step.first_v:
                ready = self.env.now
                acc = yield ports.acc_free.get()
                self.trace.stall(STAGE, ready, self.env.now)
            plan = self._fold_plan(step)
            first_issue = int(self.env.now)
            for _ in range(plan.n_folds):
                issue = int(self.env.now)
                yield self.env.timeout(plan.interval_cycles)
            # the folds of a step overlap or touch (interval <= latency): one busy span
            self.trace.busy(STAGE, first_issue, issue + plan.latency_cycles)
            if step.last_v:
                self.env.process(self._emit(acc, issue + plan.latency_cycles))
        if held_a is not None:
            ports.a_free.put(held_a)
        if held_b is not None:
            ports.b_free.put(held_b)

    def _emit(self, acc, ready_cycle: int):
        """Hand the finished accumulators on when the last fold's results are out."""
        yield self.env.timeout(ready_cycle - self.env.now)
        yield self.ports.acc_full.put(acc)


__all__ = [
    "ComputeStep",
    "FoldPlan",
    "PeArray",
    "PeArrayPorts",
    "fold_interval_cycles",
    "fold_latency_cycles",
    "fold_plan",
    "spatial_mapping",
]
