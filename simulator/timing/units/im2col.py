"""Timing of the streaming im2col unit: its static schedule and its SimPy model.

Both views time the loops of hls_src/im2col/im2col.cpp as ``im2col_program`` lists them
(``program.py`` has the rules): ``analytic_im2col`` is the static view (every AXI channel
uncontended), ``run_im2col_des`` the SimPy model (outstanding requests and data bus of each
channel). The input and the output use separate bundles, so nothing contends and the two
agree exactly unless the outstanding requests cannot cover the memory latency
(max_outstanding * burst_beats < mem_latency_cycles), which the static view ignores.
Values come from ``kernels.im2col``.
"""

from __future__ import annotations

import numpy as np

from simulator.contract import kernels
from simulator.contract.numerics import check_im2col_args
from simulator.hardware.designs import Im2colDesign
from simulator.hardware.resources import estimate_resources
from simulator.timing.results import Im2colResult, Trace
from simulator.timing.units.des_view import simulate_des
from simulator.timing.units.im2col_program import im2col_program
from simulator.timing.units.im2col_schedule import (
    Im2colShape,
    check_im2col_shape,
    im2col_addresses,
    memory_bound_cycles,
)
from simulator.timing.units.program import Timing
from simulator.timing.units.static_view import static_timing

STAGES = ("read", "window", "write")


def _result(model, design, shape, timing: Timing, trace, latency, n_events) -> Im2colResult:
    return Im2colResult(
        model=model,
        design=design,
        src_c=shape.src_c,
        src_m=shape.src_m,
        src_n=shape.src_n,
        kernel_size_m=shape.kernel_size_m,
        kernel_size_n=shape.kernel_size_n,
        latency_cycles=latency,
        interval_cycles=max(timing.process_busy().values()),
        memory_bound_cycles=memory_bound_cycles(design, shape),
        stages=trace.stage_cycles(STAGES, latency),
        resources=estimate_resources(design),
        n_events=n_events,
    )


def run_im2col_des(design: Im2colDesign, shape: Im2colShape, trace: Trace | None = None) -> Im2colResult:
    """Simulate the timing of one im2col call in SimPy (no values).

    Raises
    ------
    TypeError, ValueError
        For a design that is not an Im2colDesign or a shape beyond it.
    RuntimeError
        If a process is still waiting when no event is left (a deadlock of the model).
    """
    check_im2col_shape("run_im2col_des", design, shape)
    trace = Trace() if trace is None else trace
    program = im2col_program(design, shape)
    timing = simulate_des(program, design, trace)
    static = static_timing(program, design)
    return _result("des", design, shape, static, trace, timing.latency_cycles, timing.n_events)


def analytic_im2col(
    design: Im2colDesign,
    src_c: int,
    src_m: int,
    src_n: int,
    km: int,
    kn: int,
    trace: Trace | None = None,
) -> Im2colResult:
    """The static view of one call (module docstring)."""
    shape = Im2colShape(src_c, src_m, src_n, km, kn)
    check_im2col_shape("analytic_im2col", design, shape)
    trace = Trace() if trace is None else trace
    program = im2col_program(design, shape)
    timing = static_timing(program, design, trace)
    return _result("analytic", design, shape, timing, trace, timing.latency_cycles, 0)


def simulate_im2col(
    design: Im2colDesign,
    x_q: np.ndarray,
    kernel_size_m: int,
    kernel_size_n: int,
    *,
    pad_value: int = 0,
) -> tuple[np.ndarray, Im2colResult]:
    """Bit-exact im2col with its simulated timing on ``design``.

    Parameters
    ----------
    design : Im2colDesign (src_m <= max_src_m, src_n <= max_src_n, kernel sizes <= max_k)
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
        beyond the design's image buffer.
    """
    if not isinstance(design, Im2colDesign):
        raise TypeError(f"simulate_im2col: design must be an Im2colDesign; got {type(design).__name__}")
    check_im2col_args("simulate_im2col", x_q, kernel_size_m, kernel_size_n, pad_value)
    shape = Im2colShape(x_q.shape[0], x_q.shape[1], x_q.shape[2], kernel_size_m, kernel_size_n)
    check_im2col_shape("simulate_im2col", design, shape)
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
