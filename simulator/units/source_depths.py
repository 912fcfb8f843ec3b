"""The pipeline depth of each pipelined loop of an hls_src kernel, read from its C++.

A loop program (``program.py``) takes its trip counts from its own walk of the kernel and, for
the loops listed by the kernel's program module, its iteration latencies from here: the
``cnnacc hls-estimate`` reading of hls_src/<kernel>/<kernel>.cpp built with the design's -D
flags at its clock and part, so the static view, the SimPy model and the estimate of the
source share one description of those loops. The depth does not depend on the AXI adapter's
latency, outstanding requests or burst length (the m_axi latency is a separate step of a
burst; the models charge it themselves), so designs that differ only there share one reading.
"""

from __future__ import annotations

from functools import cache

from simulator.designs import Im2colDesign, MatmulDesign

# -D flags that leave every pipelined loop's body unchanged (they size the AXI adapter only)
ADAPTER_FLAGS = ("AXI_LATENCY", "AXI_OUTSTANDING", "AXI_BURST_BEATS")


def loop_depths(design: MatmulDesign | Im2colDesign) -> dict[str, int]:
    """Iteration latency (cycles from an iteration's start to its last write) of every
    pipelined loop of the design's kernel, by label, as read from the C++ source."""
    return dict(_read(design)[0])


def setup_cycles(design: MatmulDesign | Im2colDesign) -> int:
    """Cycles the kernel's top spends before its DATAFLOW region starts (the argument check and
    what is computed beside it), as read from the C++ source."""
    return _read(design)[1]


def _read(design: MatmulDesign | Im2colDesign) -> tuple[tuple[tuple[str, int], ...], int]:
    kind = "matmul" if isinstance(design, MatmulDesign) else "im2col"
    flags = tuple(sorted((name, value) for name, value in design.cpp_defines().items() if name not in ADAPTER_FLAGS))
    return _depths(kind, flags, 1000.0 / design.clock_mhz, design.part)


@cache
def _depths(
    kind: str, flags: tuple[tuple[str, int], ...], clock_ns: float, part: str
) -> tuple[tuple[tuple[str, int], ...], int]:
    from simulator.hls_source import read_source_verdicts
    from simulator.sw_emu_build import HLS_SRC

    read = read_source_verdicts(
        HLS_SRC / kind / f"{kind}.cpp",
        f"{kind}_kernel",
        defines=[f"{name}={value}" for name, value in flags],
        includes=[HLS_SRC / "common"],
        clock_ns=clock_ns,
        part=part,
    )
    found: dict[str, int] = {}

    def walk(node: dict) -> None:
        if node.get("pipeline_ii") is not None and node.get("iteration_latency") is not None:
            found[node["loop"]] = max(found.get(node["loop"], 0), int(node["iteration_latency"]))
        for child in node.get("body", []):
            walk(child)

    walk(read.nest)
    setup = 0  # the top's statements before its first region or loop
    for child in read.nest.get("body", []):
        if "op" not in child:
            break
        setup += int(child["latency"])
    return tuple(sorted(found.items())), setup


__all__ = ["ADAPTER_FLAGS", "loop_depths", "setup_cycles"]
