"""The hls_src kernels read from their C++ source for a design and a shape.

``source_read`` builds the kernel of a design (its -D flags, clock and part) and binds the
shape to the top's arguments; the loops whose trip count depends on data take theirs from the
kernel's loop program (``DATA_DEPENDENT_LOOPS``), whose own trip counts are checked against
gcov counts of the compiled C++. ``source_schedule`` is the static schedule of that reading.
"""

from __future__ import annotations

from simulator.emulation.sw_emu_build import HLS_SRC
from simulator.hardware.designs import MatmulDesign
from simulator.hls.hls_source import SourceRead, read_source_verdicts
from simulator.hls.schedule import estimate_nest
from simulator.timing.kernel_schedule import kernel_program
from simulator.timing.units.matmul_program import host_layout

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
    return estimate_nest(source_read(design, shape).nest)


def source_read(design, shape: tuple[int, ...]) -> SourceRead:
    """The static schedule of the hls_src kernel of ``design`` read from its C++ source
    (``simulator.hls.hls_source``: the kernel built with the design's -D flags, its clock and
    part, the shape bound to the top's arguments), an estimate to set beside
    ``kernel_schedule``: the same trip counts, II and loops, the iteration latencies of the
    source's operator chains. The trip counts of ``DATA_DEPENDENT_LOOPS`` come from the
    kernel's program (the runs of the compiled C++, checked against gcov counts)."""

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
