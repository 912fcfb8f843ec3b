"""The counterfactual schedules of simulator.timing.sensitivity: what each verdict is worth."""

from __future__ import annotations

import pytest

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.kernel_schedule import kernel_schedule
from simulator.timing.sensitivity import scenario_program, sensitivity
from simulator.timing.units.matmul_program import matmul_program


def test_as_read_is_the_kernel_schedule_and_worse_verdicts_cost_more():
    for design, shape in ((MatmulDesign(), (64, 32, 64)), (Im2colDesign(), (3, 32, 32, 3, 3))):
        found = sensitivity(design, shape)
        assert found["as_read"] == kernel_schedule(design, shape).latency_cycles
        assert found["as_read"] < min(found["bursts_fail"], found["ii_doubled"])


def test_a_failed_burst_is_one_word_per_transaction_at_the_round_trip_over_the_outstanding_requests():
    design = MatmulDesign(mem_latency_cycles=100, max_outstanding=8)
    program = scenario_program(matmul_program(design, 64, 32, 64), "bursts_fail", design)
    for _, run in program.runs():
        if run.axi is not None:
            assert run.ii == 13 and set(run.axi.bursts) == {1}
        else:
            assert run.ii == 1


def test_an_unknown_scenario_is_refused():
    design = MatmulDesign()
    with pytest.raises(ValueError, match=r"scenario 'slow' is not one of"):
        scenario_program(matmul_program(design, 4, 4, 4), "slow", design)
