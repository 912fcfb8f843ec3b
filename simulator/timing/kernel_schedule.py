"""The static schedule of the hls_src kernels, from their loop programs: what a csynth report of
hls_src/matmul/matmul.cpp and hls_src/im2col/im2col.cpp would list, loop by loop
(``simulator.timing.units.program`` follows the C++ labels; ``simulator.hls.schedule`` holds the rows and
the Vitis HLS loop rules)."""

from __future__ import annotations

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hls.schedule import ScheduleReport, ScheduleRow


def program_schedule(program, design: MatmulDesign | Im2colDesign) -> ScheduleReport:
    """The static schedule of a kernel's loop program (``simulator.timing.units.program``).

    Rows, in C++ order: the DATAFLOW region (latency from ``static_timing``, interval = the
    busiest process, the Vitis rule for a DATAFLOW region), each process (the cycles it
    spends in its loops), its outer loop over tiles or channels, and every pipelined loop
    with its total trip count over the call, II, iteration latency and total latency.
    """
    from simulator.timing.units.program import EXIT_CYCLES
    from simulator.timing.units.static_view import static_timing

    timing = static_timing(program, design)
    busy = timing.process_busy()
    rows: list[ScheduleRow | None] = [None]  # the region's row, once its latency is known
    for process, runs in program.processes.items():
        rows.append(
            ScheduleRow(
                program.functions.get(process, process), "process", 1, None, None, None, busy[process], busy[process]
            )
        )
        depth = 2
        if process in program.outer:
            label, trips = program.outer[process]
            rows.append(ScheduleRow(label, "loop", 2, trips, None, None, busy[process], busy[process]))
            depth = 3
        labels: dict[str, list] = {}
        for run in runs:
            labels.setdefault(run.label, []).append(run)
        for label, group in labels.items():
            latency = sum(run.latency + EXIT_CYCLES for run in group if run.trips)
            rows.append(
                ScheduleRow(
                    label,
                    "pipelined",
                    depth,
                    sum(run.trips for run in group),
                    group[0].ii,
                    max(run.iteration for run in group),
                    latency,
                    latency,
                )
            )
    interval = max(busy.values(), default=0)
    rows[0] = ScheduleRow(program.name, "dataflow", 0, None, None, None, timing.latency_cycles, interval)
    return ScheduleReport(program.name, timing.latency_cycles, interval, tuple(row for row in rows if row is not None))


def kernel_schedule(design: MatmulDesign | Im2colDesign, shape: tuple[int, ...]) -> ScheduleReport:
    """The static schedule of an hls_src kernel built from ``design``, for ``shape``
    (``program_schedule`` of ``kernel_program``)."""
    return program_schedule(kernel_program(design, shape), design)


def kernel_program(design: MatmulDesign | Im2colDesign, shape: tuple[int, ...]):
    """The loop program of an hls_src kernel built from ``design``, for ``shape``.

    shape = (u, v, w) for a MatmulDesign, (src_c, src_m, src_n, km, kn) for an Im2colDesign.
    The loops and labels are those of hls_src/matmul/matmul.cpp and hls_src/im2col/im2col.cpp
    (``matmul_program``, ``im2col_program``).

    Raises
    ------
    TypeError, ValueError
        For another object than a design, a design the C++ does not build, or a shape of the
        wrong length or range.
    """
    from simulator.timing.units.im2col_program import im2col_program
    from simulator.timing.units.im2col_schedule import Im2colShape, check_im2col_shape
    from simulator.timing.units.matmul_program import matmul_program
    from simulator.timing.units.tiling import check_matmul_shape

    if isinstance(design, MatmulDesign):
        if len(shape) != 3:
            raise ValueError(f"kernel_schedule: shape={shape!r} must be (u, v, w) for a MatmulDesign")
        check_matmul_shape("kernel_schedule", design, *shape)
        return matmul_program(design, *shape)
    if isinstance(design, Im2colDesign):
        if len(shape) != 5:
            raise ValueError(f"kernel_schedule: shape={shape!r} must be (src_c, src_m, src_n, km, kn)")
        check_im2col_shape("kernel_schedule", design, Im2colShape(*shape))
        return im2col_program(design, Im2colShape(*shape))
    raise TypeError(f"kernel_schedule: design must be a MatmulDesign or an Im2colDesign; got {type(design).__name__}")


__all__ = ["kernel_program", "kernel_schedule", "program_schedule"]
