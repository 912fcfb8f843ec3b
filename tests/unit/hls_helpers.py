"""Shared by the tests of the HLS source reader: our kernels, the corpus and nest lookups."""

from __future__ import annotations

from pathlib import Path

from simulator.hls.hls_source import read_source
from simulator.hls.schedule import estimate_nest

DATA = Path(__file__).parent.parent / "data"
KERNELS = DATA / "hls_kernels" / "shapes.cpp"
REPORTS = DATA / "hls_reports"


def per_define(kernel, top: str, macro: str, values, clock_ns: float) -> dict:
    """The nest of ``kernel`` read with -D macro=value, for each value."""
    return {value: read_source(kernel, top, defines=[f"{macro}={value}"], clock_ns=clock_ns)[0] for value in values}


def loops(node: dict) -> dict[str, dict]:
    """Every loop of a nest by name."""
    found = {}
    if "loop" in node:
        found[node["loop"]] = node
    for child in node.get("body", []):
        found |= loops(child)
    return found


def latency(path, source: str, top: str, **options) -> int:
    """The top latency of ``source`` written to ``path`` and read with ``options``."""
    path.write_text(source)
    return estimate_nest(read_source(path, top, **options)[0]).latency_cycles


def iis(node: dict) -> dict[str, int | None]:
    """Every loop's pipeline II by name."""
    found = {node["loop"]: node["pipeline_ii"]} if "loop" in node else {}
    for child in node.get("body", []):
        found |= iis(child)
    return found
