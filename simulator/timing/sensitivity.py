"""What a kernel's latency rests on: the same loop program with its verdicts made worse.

The estimates of Part 2 assume what ``cnnacc hls-estimate`` finds in hls_src: every m_axi
access burst-inferred and every pipelined loop at II 1. Two counterfactuals show how much each
assumption is worth, on the static schedule of the kernel's loop program:

- ``bursts_fail``: every AXI loop moves one word per transaction, each paying the round trip
  with at most ``max_outstanding`` requests in flight (II = ceil(latency / outstanding), as
  ``hls_verdicts.single_transaction_ii``, the charge of a failed burst);
- ``ii_doubled``: every pipelined loop without an AXI access at II 2 (a port or bank
  conflict of two accesses a cycle on one port pair).
"""

from __future__ import annotations

import dataclasses

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hls.hls_verdicts import single_transaction_ii
from simulator.timing.kernel_schedule import kernel_program, program_schedule
from simulator.timing.units.program import Axi, LoopRun, Program

SCENARIOS = ("as_read", "bursts_fail", "ii_doubled")


def _worse(run: LoopRun, scenario: str, design: MatmulDesign | Im2colDesign) -> LoopRun:
    if scenario == "bursts_fail" and run.axi is not None:
        ii = single_transaction_ii(design.mem_latency_cycles, design.max_outstanding)
        words = sum(run.axi.bursts)
        return dataclasses.replace(run, ii=max(run.ii, ii), axi=Axi(run.axi.port, run.axi.write, (1,) * words))
    if scenario == "ii_doubled" and run.axi is None:
        return dataclasses.replace(run, ii=2 * run.ii)
    return run


def scenario_program(program: Program, scenario: str, design: MatmulDesign | Im2colDesign) -> Program:
    """``program`` with every run as ``scenario`` says (module docstring)."""
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario {scenario!r} is not one of {SCENARIOS}")
    processes = {
        process: tuple(_worse(run, scenario, design) for run in runs) for process, runs in program.processes.items()
    }
    return dataclasses.replace(program, processes=processes)


def sensitivity(design: MatmulDesign | Im2colDesign, shape: tuple[int, ...]) -> dict[str, int]:
    """Static latency (cycles) of the kernel at ``shape`` in every scenario."""
    program = kernel_program(design, shape)
    return {
        scenario: program_schedule(scenario_program(program, scenario, design), design).latency_cycles
        for scenario in SCENARIOS
    }


__all__ = ["SCENARIOS", "scenario_program", "sensitivity"]
