"""The reader's entry points: a top function's nest and verdicts, its report and estimate.

``read_source_verdicts`` reads a top function twice (largest and smallest trip counts and
branches) into a ``SourceRead``; ``source_report`` and ``estimate_source`` give the nest
model's JSON report of it; ``source_read`` and ``source_schedule`` read an hls_src kernel of
a design with the design's flags, clock, part and shape, the trip counts of its
``DATA_DEPENDENT_LOOPS`` taken from the kernel's program.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import hls_verdicts
from simulator.hls_source.reader import SourceReader
from simulator.hls_tools import Tool


@dataclass(frozen=True)
class SourceRead:
    """What the reader finds in a top function: its nest with the largest trip counts and
    longest branches, the same with the smallest (None when it is the same nest), warnings,
    and the verdicts Vitis HLS would log (burst per m_axi access site, II conflicts)."""

    nest: dict
    smallest: dict | None
    warnings: list[str]
    bursts: list[hls_verdicts.Burst]
    conflicts: list[hls_verdicts.Conflict]
    unknown_trips: tuple[str, ...] = ()  # file:line of the loops whose trip count is '?'


def read_source_verdicts(path, top: str, **options) -> SourceRead:
    """``SourceRead`` of ``top`` in ``path``; ``options`` are ``SourceReader``'s (defines,
    includes, directives, clock_ns, part, pipeline_loops, args, tripcounts, tool)."""
    reader = SourceReader(path, top, **options)
    nest = reader.nest()
    bursts, conflicts = list(reader.bursts.values()), list(reader.conflicts.values())
    reader.use_min = True
    smallest = reader.nest() if reader.ranged else nest  # no range and no branch met: the same nest
    unknown = tuple(reader.unknown_trips)
    return SourceRead(nest, None if smallest == nest else smallest, reader.warnings, bursts, conflicts, unknown)


def read_source(path, top: str, **options) -> tuple[dict, dict | None, list[str]]:
    """(nest, smallest nest or None, warnings) of ``read_source_verdicts``."""
    found = read_source_verdicts(path, top, **options)
    return found.nest, found.smallest, found.warnings


def source_report(
    nest: dict,
    smallest: dict | None,
    warnings: list[str],
    bursts=(),
    conflicts=(),
    tool: str | None = None,
    unknown_trips: tuple[str, ...] = (),
) -> dict:
    """The nest model's JSON report of a nest read from source (``ScheduleReport.to_json``)
    with ``latency_cycles_min`` / ``latency_cycles_max``, the reader's warnings, its burst and
    conflict verdicts, the tool whose rules it follows and what the numbers are. With loops of
    ``unknown_trips`` the latency and interval are None ('?' in csynth) but for the minimum."""
    from simulator.schedule import estimate_nest

    report = estimate_nest(nest)
    low = report.latency_cycles if smallest is None else estimate_nest(smallest).latency_cycles
    unknown = {"latency_cycles": None, "interval_cycles": None} if unknown_trips else {}
    return (
        report.to_json()
        | unknown
        | {
            "latency_cycles_min": min(low, report.latency_cycles),
            "latency_cycles_max": None if unknown_trips else max(low, report.latency_cycles),
            "unknown_trip_counts": list(unknown_trips),
            "estimate": "static schedule model of the source (simulator/hls_source/), not a csynth report",
            "warnings": warnings,
            "tool": str(Tool.parse(tool)),
            "bursts": [burst.to_json() for burst in bursts],
            "conflicts": [conflict.to_json() for conflict in conflicts],
        }
    )


def estimate_source(path, top: str, **options) -> dict:
    """``source_report`` of ``top`` in ``path``; ``options`` as for ``read_source``."""
    found = read_source_verdicts(path, top, **options)
    return source_report(
        found.nest,
        found.smallest,
        found.warnings,
        found.bursts,
        found.conflicts,
        options.get("tool"),
        found.unknown_trips,
    )


# Loops of the hls_src kernels whose trip count the source does not fix: it depends on data
# (the read rings' beats, the compute beats) or on the tile walk of a struct (edge tiles); a
# csynth run needs LOOP_TRIPCOUNT for them too. ``source_schedule`` takes them from the program.
DATA_DEPENDENT_LOOPS = {
    "matmul": {
        "ReadRows": "read_rows", "FetchRuns": "fetch_words", "FetchRun": "fetch_words",
        "ComputeBeats": "compute", "RequantizeTiles": "requantize",
        "LoadBias": "requantize", "RequantizeRows": "requantize", "StoreTiles": "store",
        "GatherOut": "store", "WriteBand": "store",
    },
    "im2col": {},
}  # fmt: skip


def source_schedule(design, shape: tuple[int, ...]):
    """``estimate_nest`` of ``source_read(design, shape)``'s nest."""
    from simulator.schedule import estimate_nest

    return estimate_nest(source_read(design, shape).nest)


def source_read(design, shape: tuple[int, ...]) -> SourceRead:
    """The static schedule of the hls_src kernel of ``design`` read from its C++ source
    (``simulator.hls_source``: the kernel built with the design's -D flags, its clock and
    part, the shape bound to the top's arguments), an estimate to set beside
    ``kernel_schedule``: the same trip counts, II and loops, the iteration latencies of the
    source's operator chains. The trip counts of ``DATA_DEPENDENT_LOOPS`` come from the
    kernel's program (the runs of the compiled C++, checked against gcov counts)."""
    from simulator.designs import MatmulDesign
    from simulator.kernel_schedule import kernel_program
    from simulator.sw_emu_build import HLS_SRC
    from simulator.units.matmul_program import host_layout

    program = kernel_program(design, shape)  # checks the design and the shape
    if isinstance(design, MatmulDesign):
        u, v, w = shape
        kind = "matmul"  # the layout the host passes: a row-major operand too large for its ring, tiled
        args = {"u": u, "v": v, "w": w, "layout": host_layout(design, u, v, w, 0), "has_bias": 0}
    else:
        src_c, src_m, src_n, km, kn = shape
        kind = "im2col"
        args = {"src_c": src_c, "src_m": src_m, "src_n": src_n, "kernel_size_m": km, "kernel_size_n": kn}
    tripcounts: dict[str, tuple[int, int]] = {}
    for label, function in DATA_DEPENDENT_LOOPS[kind].items():
        trips = [run.trips for runs in program.processes.values() for run in runs if run.label == label]
        trips += [count for outer, count in program.outer.values() if outer == label]
        trips += list(program.folded.get(label, ()))
        if trips:
            tripcounts[f"{function}/{label}"] = (min(trips), max(trips))
    return read_source_verdicts(
        HLS_SRC / kind / f"{kind}.cpp",
        f"{kind}_kernel",
        defines=[f"{name}={value}" for name, value in design.cpp_defines().items()],
        includes=[HLS_SRC / "common"],
        clock_ns=1000.0 / design.clock_mhz,
        part=design.part,
        args=args,
        tripcounts=tripcounts,
    )
