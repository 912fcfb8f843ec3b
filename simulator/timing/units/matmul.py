"""Timing of the quantized matmul accelerator: its static schedule and its SimPy model.

Both views time the loops of hls_src/matmul/matmul.cpp as ``matmul_program`` lists them
(``program.py`` has the rules): ``analytic_matmul`` composes the loops' Vitis HLS latencies
through the streams with every AXI channel uncontended (the static view, and the analytic
twin of the SimPy model); ``run_matmul_des`` runs the same loops in SimPy with the AXI
adapters' outstanding requests, the data bus each bundle shares (``axi_ports="shared"``: A,
B and bias reads queue on one read channel) and streams of ``buffering`` tiles. The two agree
exactly when nothing contends (separate ports, streams that never fill); a shared port adds
up to the beats of the other operand's reads per step, which the static view ignores.
The values are never simulated: ``simulate_matmul`` returns the bit-exact output of
``kernels.qmatmul`` next to the timing.
"""

from __future__ import annotations

import numpy as np

from simulator.contract import kernels
from simulator.contract.numerics import check_qmatmul_args
from simulator.hardware.designs import MatmulDesign
from simulator.hardware.resources import estimate_resources
from simulator.timing.results import MatmulResult, Trace
from simulator.timing.units.des_view import simulate_des
from simulator.timing.units.matmul_program import matmul_program
from simulator.timing.units.program import Program, Timing
from simulator.timing.units.static_view import static_timing
from simulator.timing.units.tiling import check_matmul_shape, compute_bound_cycles, memory_bound_cycles

STAGES = ("load_a", "load_b", "compute", "requantize", "store", "write_output")


def _interval_cycles(design: MatmulDesign, program: Program, timing: Timing) -> int:
    """Cycles between back-to-back calls: the busiest process (a DATAFLOW region's interval,
    from the static ``timing``) or, on a shared port, the read channel's beats."""
    busiest = max(timing.process_busy().values())
    if design.axi_ports == "shared":
        reads = sum(sum(run.axi.bursts) for _, run in program.runs() if run.axi is not None and not run.axi.write)
        return max(busiest, reads)
    return busiest


def _result(model, design, u, v, w, program, timing, trace, latency, n_events) -> MatmulResult:
    return MatmulResult(
        model=model,
        design=design,
        u=u,
        v=v,
        w=w,
        latency_cycles=latency,
        interval_cycles=_interval_cycles(design, program, timing),
        compute_bound_cycles=compute_bound_cycles(design, u, v, w),
        memory_bound_cycles=memory_bound_cycles(design, u, v, w),
        stages=trace.stage_cycles(STAGES, latency),
        resources=estimate_resources(design),
        n_events=n_events,
        extra={
            "n_steps": -(-u // design.tile_u) * -(-v // design.tile_v) * -(-w // design.tile_w),
            "n_out_tiles": program.outer["store"][1],
            "n_runs": sum(len(runs) for runs in program.processes.values()),
        },
    )


def run_matmul_des(
    design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None, *, bias: bool = False, layout: int = 0
) -> MatmulResult:
    """Simulate the timing of one (u x v) @ (v x w) call in SimPy (no values).

    ``bias=True`` times matmul_layer (with a bias); ``layout``: the operand layout bits of
    simulator.contract.layout (0: row-major, the spec's matmul).

    Raises
    ------
    TypeError, ValueError
        For a design the C++ does not build or a shape outside the design.
    RuntimeError
        If a process is still waiting when no event is left (a deadlock of the model).
    """
    check_matmul_shape("run_matmul_des", design, u, v, w)
    trace = Trace() if trace is None else trace
    program = matmul_program(design, u, v, w, bias=bias, layout=layout)
    timing = simulate_des(program, design, trace)
    static = static_timing(program, design)
    return _result("des", design, u, v, w, program, static, trace, timing.latency_cycles, timing.n_events)


def analytic_matmul(
    design: MatmulDesign, u: int, v: int, w: int, trace: Trace | None = None, *, bias: bool = False, layout: int = 0
) -> MatmulResult:
    """The static view of one call (module docstring): no contention, streams never full."""
    check_matmul_shape("analytic_matmul", design, u, v, w)
    trace = Trace() if trace is None else trace
    program = matmul_program(design, u, v, w, bias=bias, layout=layout)
    timing = static_timing(program, design, trace)
    return _result("analytic", design, u, v, w, program, timing, trace, timing.latency_cycles, 0)


def simulate_matmul(
    design: MatmulDesign,
    a_q: np.ndarray,
    b_q: np.ndarray,
    *,
    zero_a: int,
    zero_b: int,
    zero_out: int,
    M0: int,  # noqa: N803
    n: int,
) -> tuple[np.ndarray, MatmulResult]:
    """Bit-exact quantized matmul with its simulated timing on ``design``.

    Parameters
    ----------
    design : MatmulDesign (its ``rounding`` selects the requantization mode)
    a_q : ndarray of shape (u, v), uint8
    b_q : ndarray of shape (v, w), uint8; w <= design.max_w
    zero_a, zero_b, zero_out : int in [0, 255]
    M0 : int in [2^30, 2^31); n : int in [0, 31]

    Returns
    -------
    out : ndarray of shape (u, w), uint8, equal to ``kernels.qmatmul``
    result : MatmulResult of the SimPy model

    Raises
    ------
    TypeError, ValueError
        For a design that is not a buildable MatmulDesign, or arguments outside the contract.
    """
    if not isinstance(design, MatmulDesign):
        raise TypeError(f"simulate_matmul: design must be a MatmulDesign; got {type(design).__name__}")
    check_qmatmul_args("simulate_matmul", a_q, b_q, zero_a, zero_b, zero_out, M0, n, design.rounding)
    u, v = a_q.shape
    result = run_matmul_des(design, u, v, b_q.shape[1])
    out = kernels.qmatmul(
        a_q,
        b_q,
        zero_a=zero_a,
        zero_b=zero_b,
        zero_out=zero_out,
        M0=M0,
        n=n,
        rounding=design.rounding,
    )
    return out, result


__all__ = [
    "STAGES",
    "analytic_matmul",
    "compute_bound_cycles",
    "memory_bound_cycles",
    "run_matmul_des",
    "simulate_matmul",
]
