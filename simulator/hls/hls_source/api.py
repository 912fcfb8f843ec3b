"""The reader's entry points: a top function's nest and verdicts, its report and estimate.

``read_source_verdicts`` reads a top function twice (largest and smallest trip counts and
branches) into a ``SourceRead``; ``source_report`` and ``estimate_source`` give the nest
model's JSON report of it; ``source_read`` and ``source_schedule`` read an hls_src kernel of
a design with the design's flags, clock, part and shape, the trip counts of its
``DATA_DEPENDENT_LOOPS`` taken from the kernel's program.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.hls import hls_verdicts
from simulator.hls.hls_source.reader import SourceReader
from simulator.hls.hls_tools import Tool


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
    from simulator.hls.nest_format import parse_nest
    from simulator.hls.schedule import estimate_nest, rewinds

    tree = parse_nest(nest)
    report = estimate_nest(tree)
    low = report.latency_cycles if smallest is None else estimate_nest(smallest).latency_cycles
    if rewinds(tree):  # a call after another starts in the state the last one ends
        low = max(0, min(low, report.latency_cycles - 1))
    unknown = {"latency_cycles": None, "interval_cycles": None} if unknown_trips else {}
    return (
        report.to_json()
        | unknown
        | {
            "latency_cycles_min": min(low, report.latency_cycles),
            "latency_cycles_max": None if unknown_trips else max(low, report.latency_cycles),
            "unknown_trip_counts": list(unknown_trips),
            "estimate": "static schedule model of the source (simulator/hls/hls_source/), not a csynth report",
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
