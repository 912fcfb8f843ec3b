"""Folding the dataflow accelerator, and everything known about one folding before synthesis.

``search_folding`` balances the pipeline: the slowest unit sets the interval, so it finds the
smallest interval some folding meets within the budgets, then gives every unit its cheapest
folding that meets it (fewest cycles among equals). A unit's cycles in the search are the
trips of its pipelined loops (one an iteration, as the reader gives every unit of
hls_src/dataflow/) plus a pipeline depth of ``SEARCH_DEPTH`` for its kind; the chosen design is
then timed from its generated C++ (``estimate``).

``estimate`` writes the design's project (ROMs declared without values, as the reader needs),
reads its timing (``dataflow_timing.read_project``: the schedule of ``cnnacc hls-estimate``),
sizes each stream to the largest occupancy SimPy finds with unbounded FIFOs (at least 2
words), runs SimPy with those depths (or the design's own) and adds up the resources of every
unit (``simulator.hardware.resources.dataflow_unit_resources``).
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from simulator import atomic
from simulator.hardware.dataflow_design import DataflowDesign, LayerFold
from simulator.hardware.designs import PARTS
from simulator.hardware.resources import (
    RESOURCE_KINDS,
    Resources,
    buffer_cost,
    dataflow_unit_resources,
    sum_resources,
)
from simulator.network.dataflow import (
    DataflowError,
    UnitShape,
    divisors,
    simd_choices,
    unit_shapes,
    write_project,
)
from simulator.network.dataflow_timing import PipelineTiming, read_project, simulate, unit_program
from simulator.network.network import IntegerNetwork

SEARCH_DEPTH = {"conv": 21, "fc": 17}  # a unit's pipeline depths and exit states, about as the reader gives them
DEFAULT_BUDGET_SHARE = {"dsp": 0.5, "bram_18k": 1.0, "uram": 1.0, "lut": 0.6, "ff": 0.6}  # of the part
MIN_FIFO_DEPTH = 2
SIMULATED_IMAGES = 4


def unit_cycles(shape: UnitShape, fold: LayerFold) -> int:
    """Cycles of one unit per image in the search: its STEPS loop's trips after the first (a
    convolution's prologue is that first), a dense unit's READ trips, and ``SEARCH_DEPTH``."""
    folds = (shape.out // fold.pe) * (shape.taps // fold.simd)
    if shape.kind == "conv":
        return shape.height * (shape.width // fold.columns) * folds + SEARCH_DEPTH["conv"]
    return shape.rows + folds + SEARCH_DEPTH["fc"]


def unit_resources(shape: UnitShape, fold: LayerFold, part: str) -> dict[str, dict[str, int]]:
    """The resources of one unit (``dataflow_unit_resources``) for its shape and folding."""
    columns = fold.columns if shape.kind == "conv" else 1
    words = (shape.out // fold.pe) * (shape.taps // fold.simd)
    folds = shape.out // fold.pe
    roms = [(words, 8 * fold.pe * fold.simd), (folds, 32 * fold.pe), (folds, 32 * fold.pe), (folds, 32 * fold.pe)]
    if shape.kind == "conv":  # line buffer, output row, pooled row, accumulators and column sums
        out_bits = 8 * shape.width * shape.out + (8 * shape.out_row if shape.pool else 0)
        registers = 3 * 8 * shape.row + out_bits + 32 * columns * (fold.pe + 1)
    else:  # the input vector, the accumulators and the input sum
        registers = 8 * shape.taps + 32 * (fold.pe + 1)
    return dataflow_unit_resources(
        macs=fold.macs_per_cycle,  # a dense unit's fold has one column (check_design)
        lanes=columns * fold.pe,
        columns=columns,
        roms=roms,
        register_bits=registers,
        part=part,
    )


def _share(counts: dict[str, int], budget: dict[str, float]) -> float:
    """The largest fraction of a budget ``counts`` takes."""
    return max((counts[kind] / budget[kind] if budget[kind] else math.inf) for kind in RESOURCE_KINDS if counts[kind])


def _total(parts: list[dict[str, dict[str, int]]]) -> dict[str, int]:
    return {kind: sum(sum(component[kind] for component in part.values()) for part in parts) for kind in RESOURCE_KINDS}


def search_folding(
    net: IntegerNetwork,
    *,
    part: str = "xcvu9p",
    clock_mhz: float = 250.0,
    budgets: dict[str, float] | None = None,
    target_interval: int | None = None,
) -> DataflowDesign:
    """The folding of the smallest interval (or the cheapest meeting ``target_interval``) whose
    units fit ``budgets`` (counts per resource kind; default ``DEFAULT_BUDGET_SHARE`` of the part)."""
    if part not in PARTS:
        raise DataflowError(f"part {part!r} is not known; expected one of {sorted(PARTS)}")
    shapes = unit_shapes(net)
    budget = {kind: share * PARTS[part][kind] for kind, share in DEFAULT_BUDGET_SHARE.items()} | (budgets or {})
    options = []  # per unit: (cycles, resources, fold) of every folding
    for shape in shapes:
        columns = divisors(shape.width) if shape.kind == "conv" else [1]
        folds = [
            LayerFold(pe, simd, cp) for pe in divisors(shape.out) for simd in simd_choices(shape) for cp in columns
        ]
        options.append(
            [(unit_cycles(shape, fold), _total([unit_resources(shape, fold, part)]), fold) for fold in folds]
        )

    def cheapest(limit: int) -> list[tuple] | None:
        chosen = []
        for unit in options:
            meeting = [option for option in unit if option[0] <= limit]
            if not meeting:
                return None
            chosen.append(min(meeting, key=lambda option: (_share(option[1], budget), option[0])))
        return chosen if all(_total_within(chosen, budget)) else None

    limits = sorted({option[0] for unit in options for option in unit})
    if target_interval is not None:
        limits = [limit for limit in limits if limit <= target_interval][-1:] or [target_interval]
    found = next((chosen for limit in limits if (chosen := cheapest(limit)) is not None), None)
    if found is None:
        what = f"an interval of {target_interval} cycles" if target_interval is not None else "any interval"
        raise DataflowError(f"no folding meets {what} within the budgets {_budget_text(budget)}")
    return DataflowDesign(tuple(option[2] for option in found), clock_mhz=clock_mhz, part=part)


def _total_within(chosen: list[tuple], budget: dict[str, float]):
    totals = {kind: sum(option[1][kind] for option in chosen) for kind in RESOURCE_KINDS}
    return (totals[kind] <= budget[kind] for kind in RESOURCE_KINDS)


def _budget_text(budget: dict[str, float]) -> str:
    return ", ".join(f"{kind} {int(value)}" for kind, value in budget.items())


@dataclass(frozen=True, slots=True)
class DataflowEstimate:
    """A folded network before synthesis: its design (streams sized), the static timing of its
    C++ (the reader's schedule), the SimPy run over its FIFOs, per-unit cycles and resources."""

    design: DataflowDesign
    layers: tuple[str, ...]
    static_latency: int
    static_interval: int
    simpy: PipelineTiming
    unit_cycles: tuple[int, ...]
    needed_depths: tuple[int, ...]
    resources: Resources
    unit_resources: tuple[dict[str, int], ...]

    @property
    def images_per_second(self) -> float:
        return self.design.clock_mhz * 1e6 / self.simpy.interval_cycles

    @property
    def shallow_streams(self) -> tuple[str, ...]:
        """The streams shallower than the occupancy they reach with unbounded FIFOs."""
        return tuple(
            f"{name}_out"
            for name, depth, needed in zip(self.layers, self.design.fifo_depths, self.needed_depths)
            if depth < needed
        )

    def to_json(self) -> dict:
        clock = self.design.clock_mhz
        return {
            "architecture": "dataflow",
            "design": self.design.to_json(),
            "latency_cycles": self.simpy.latency_cycles,
            "interval_cycles": self.simpy.interval_cycles,
            "latency_us": self.simpy.latency_cycles / clock,
            "images_per_second": self.images_per_second,
            "static": {"latency_cycles": self.static_latency, "interval_cycles": self.static_interval},
            "layers": [
                {"name": name, "cycles": cycles, "fold": fold.to_json(), "resources": counts}
                for name, cycles, fold, counts in zip(
                    self.layers, self.unit_cycles, self.design.folds, self.unit_resources
                )
            ],
            "streams": [
                {"name": f"{name}_out", "depth": depth, "needed_depth": needed}
                for name, depth, needed in zip(self.layers, self.design.fifo_depths, self.needed_depths)
            ],
            "shallow_streams": list(self.shallow_streams),
            "resources": self.resources.to_json(),
        }


def estimate(net: IntegerNetwork, design: DataflowDesign) -> DataflowEstimate:
    """Time and size ``design`` (module docstring); streams the design leaves unsized are sized
    to the depth SimPy finds they need."""
    shapes = unit_shapes(net)
    with tempfile.TemporaryDirectory() as scratch:
        project = write_project(net, design, Path(scratch) / "project", values=False)
        source = read_project(project, design)
    names = ["image"] + [f"{shape.name}_out" for shape in shapes[:-1]] + ["scores"]
    programs = [
        unit_program(shape, fold, loops, names[index], names[index + 1])
        for index, (shape, fold, loops) in enumerate(zip(shapes, design.folds, source.units))
    ]
    unbounded = simulate(programs, shapes[0].rows, None, SIMULATED_IMAGES)
    needed = tuple(max(MIN_FIFO_DEPTH, unbounded.occupancy.get(name, 0)) for name in names[1:-1])
    sized = design if design.fifo_depths else replace(design, fifo_depths=needed)
    simpy = simulate(programs, shapes[0].rows, dict(zip(names[1:-1], sized.fifo_depths)), SIMULATED_IMAGES)
    per_unit = [unit_resources(shape, fold, design.part) for shape, fold in zip(shapes, design.folds)]
    breakdown = {
        f"{shape.name}.{component}": counts
        for shape, unit in zip(shapes, per_unit)
        for component, counts in unit.items()
    }
    for shape, depth in zip(shapes[:-1], sized.fifo_depths):
        breakdown[f"{shape.name}_out"] = buffer_cost(depth, 8 * shape.out_row, 1, 1)  # one FIFO
    totals = [_total([unit]) for unit in per_unit]
    cycles = tuple(program.cycles for program in programs)
    return DataflowEstimate(
        sized,
        tuple(shape.name for shape in shapes),
        source.latency_cycles,
        source.interval_cycles,
        simpy,
        cycles,
        needed,
        sum_resources(design.part, breakdown),
        tuple(totals),
    )


def generate(
    net: IntegerNetwork,
    folder: str | Path,
    *,
    design: DataflowDesign | None = None,
    part: str = "xcvu9p",
    clock_mhz: float = 250.0,
    budgets: dict[str, float] | None = None,
    target_interval: int | None = None,
) -> DataflowEstimate:
    """Fold ``net`` (``search_folding``, unless ``design`` is given), time and size it
    (``estimate``) and write its project to ``folder``, its folding.json holding the estimate."""
    chosen = design or search_folding(
        net, part=part, clock_mhz=clock_mhz, budgets=budgets, target_interval=target_interval
    )
    found = estimate(net, chosen)
    folder = write_project(net, found.design, folder)
    atomic.write_json(folder / "folding.json", found.to_json())
    return found


__all__ = ["DataflowEstimate", "estimate", "generate", "search_folding", "unit_cycles", "unit_resources"]
