"""Result objects of the timing models, and the trace that observes a simulation.

A simulation (SimPy, ``simulator.timing.units``) or its analytic twin records, per stage, the spans
it was busy and the spans it was stalled (ready to work but blocked by a full downstream
buffer or a busy shared port). ``Trace.stage_cycles`` turns them into busy / stall / idle
cycles; the results below add the latency, the interval for back-to-back calls, throughput,
PE utilization and the resource estimate (DESIGN.md "Hardware model contract", spec Part 2,
Task 3). Every result serializes to JSON and back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Self

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hardware.resources import Resources

log = logging.getLogger(__name__)

Span = tuple[str, int, int]


def union_length(intervals: list[tuple[int, int]]) -> int:
    """Cycles covered by the union of half-open intervals [start, end)."""
    total, reach = 0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


@dataclass(frozen=True, kw_only=True, slots=True)
class StageCycles:
    """Cycles of one stage over a run: busy + stall + idle = latency."""

    busy_cycles: int
    stall_cycles: int
    idle_cycles: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StageCycles:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


class Trace:
    """Busy and stall spans per stage, recorded by units (DES) or by analytic twins.

    ``spans`` and ``stalls`` are lists of (stage, start_cycle, end_cycle), in the order they
    were recorded; empty spans are dropped.
    """

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.stalls: list[Span] = []

    def busy(self, stage: str, start: int, end: int) -> None:
        """Record that ``stage`` worked during [start, end)."""
        if end > start:
            self.spans.append((stage, start, end))
            log.debug("%s busy [%d, %d)", stage, start, end)

    def stall(self, stage: str, start: int, end: int) -> None:
        """Record that ``stage`` was ready but blocked during [start, end)."""
        if end > start:
            self.stalls.append((stage, start, end))
            log.debug("%s stalled [%d, %d)", stage, start, end)

    def stage_cycles(self, stages: tuple[str, ...], latency: int) -> dict[str, StageCycles]:
        """Busy / stall / idle cycles per stage over [0, latency).

        busy = union of busy spans; stall = union of stall spans outside busy spans;
        idle = latency - busy - stall (waiting for input or done).
        """
        cycles = {}
        for stage in stages:
            busy = [(start, end) for name, start, end in self.spans if name == stage]
            stalled = [(start, end) for name, start, end in self.stalls if name == stage]
            busy_cycles = union_length(busy)
            stall_cycles = union_length(busy + stalled) - busy_cycles  # stalled outside busy
            cycles[stage] = StageCycles(
                busy_cycles=busy_cycles,
                stall_cycles=stall_cycles,
                idle_cycles=latency - busy_cycles - stall_cycles,
            )
        return cycles


class _Result:
    """JSON of a unit's result, read off its dataclass fields: ``to_json`` gives every stored
    field, the derived quantities named in ``DERIVED`` and the design's fingerprint;
    ``from_json`` reads the stored fields back (derived keys are recomputed, not read)."""

    __slots__ = ()
    UNIT: ClassVar[str]
    DESIGN: ClassVar[type[MatmulDesign] | type[Im2colDesign]]
    DERIVED: ClassVar[tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        """Stored fields plus the derived quantities, JSON-ready."""
        data: dict[str, Any] = {"unit": self.UNIT}
        for f in fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            data[f.name] = _CODECS.get(f.name, (_same, _same))[0](getattr(self, f.name))
        derived = {name: getattr(self, name) for name in self.DERIVED}
        derived = {name: list(v) if isinstance(v, tuple) else v for name, v in derived.items()}
        return data | derived | {"design_fingerprint": self.design.fingerprint()}  # type: ignore[attr-defined]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        """Inverse of ``to_json``: a missing field with a default keeps it."""
        codecs = _CODECS | {"design": (_same, cls.DESIGN.from_json)}
        stored = [f.name for f in fields(cls) if f.name in data]  # type: ignore[arg-type]
        return cls(**{name: codecs.get(name, (_same, _same))[1](data[name]) for name in stored})


def _same(value: Any) -> Any:
    return value


_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "design": (lambda design: design.to_json(), _same),  # decoded by the result's DESIGN
    "resources": (Resources.to_json, Resources.from_json),
    "stages": (
        lambda stages: {name: cycles.to_json() for name, cycles in stages.items()},
        lambda stages: {name: StageCycles.from_json(cycles) for name, cycles in stages.items()},
    ),
    "extra": (dict, dict),
}  # (to JSON, from JSON) of a result's structured fields; any other field is stored as it is


@dataclass(frozen=True, kw_only=True, slots=True)
class MatmulResult(_Result):
    """Timing of one quantized matmul (u x v) @ (v x w) on a MatmulDesign.

    Attributes
    ----------
    model : "des" (SimPy) or "analytic" (the closed-form twin)
    latency_cycles : cycles from start to the last write response
    interval_cycles : cycles between starts of back-to-back calls when the stages overlap
        across calls: the busiest stage or shared channel
    compute_bound_cycles : ceil(u v w / PEs), no design can be faster
    memory_bound_cycles : the bytes-over-bandwidth bound of the design's AXI ports
    stages : busy / stall / idle cycles of load_a, load_b, compute, requantize, store
    """

    UNIT: ClassVar[str] = "matmul"
    DESIGN: ClassVar[type[MatmulDesign]] = MatmulDesign
    DERIVED: ClassVar[tuple[str, ...]] = (
        "macs", "latency_us", "throughput_gmacs", "outputs_per_cycle", "pe_utilization"
    )  # fmt: skip

    model: str
    design: MatmulDesign
    u: int
    v: int
    w: int
    latency_cycles: int
    interval_cycles: int
    compute_bound_cycles: int
    memory_bound_cycles: int
    stages: dict[str, StageCycles]
    resources: Resources
    n_events: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the product: u * v * w."""
        return self.u * self.v * self.w

    @property
    def latency_us(self) -> float:
        """Latency in microseconds at the design clock."""
        return self.design.cycles_to_us(self.latency_cycles)

    @property
    def throughput_gmacs(self) -> float:
        """MACs per second over one call, in GMAC/s: macs / latency."""
        return self.macs / (self.latency_us * 1e3)

    @property
    def outputs_per_cycle(self) -> float:
        """Output elements per cycle over one call: u * w / latency_cycles."""
        return self.u * self.w / self.latency_cycles

    @property
    def pe_utilization(self) -> float:
        """Fraction of PE-cycles doing a useful MAC: macs / (PEs * latency_cycles)."""
        return self.macs / (self.design.macs_per_cycle * self.latency_cycles)


@dataclass(frozen=True, kw_only=True, slots=True)
class Im2colResult(_Result):
    """Timing of one im2col of a (src_c, src_m, src_n) image with a km x kn kernel.

    Attributes as MatmulResult; stages are read, window and write. im2col does no MACs, so
    throughput is given in output bytes (one byte per output element).
    """

    UNIT: ClassVar[str] = "im2col"
    DESIGN: ClassVar[type[Im2colDesign]] = Im2colDesign
    DERIVED: ClassVar[tuple[str, ...]] = ("out_shape", "latency_us", "outputs_per_cycle", "throughput_gbytes_per_s")

    model: str
    design: Im2colDesign
    src_c: int
    src_m: int
    src_n: int
    kernel_size_m: int
    kernel_size_n: int
    latency_cycles: int
    interval_cycles: int
    memory_bound_cycles: int
    stages: dict[str, StageCycles]
    resources: Resources
    n_events: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def out_shape(self) -> tuple[int, int]:
        """(C * KM * KN, OM * ON) of the output (numerics eq. 7)."""
        out_m = self.src_m + 3 - self.kernel_size_m
        out_n = self.src_n + 3 - self.kernel_size_n
        return self.src_c * self.kernel_size_m * self.kernel_size_n, out_m * out_n

    @property
    def n_outputs(self) -> int:
        """Output elements (bytes)."""
        rows, cols = self.out_shape
        return rows * cols

    @property
    def latency_us(self) -> float:
        """Latency in microseconds at the design clock."""
        return self.design.cycles_to_us(self.latency_cycles)

    @property
    def outputs_per_cycle(self) -> float:
        """Output elements per cycle over one call."""
        return self.n_outputs / self.latency_cycles

    @property
    def throughput_gbytes_per_s(self) -> float:
        """Output bytes per second over one call, in GB/s."""
        return self.n_outputs / (self.latency_us * 1e3)


__all__ = ["Im2colResult", "MatmulResult", "StageCycles", "Trace", "union_length"]
