"""The dataflow accelerator's timing (static from its C++, SimPy over its FIFOs), its folding
search and its resources, on a small network."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.hardware.dataflow_design import DataflowDesign, LayerFold
from simulator.network.dataflow import DataflowError, unit_shapes
from simulator.network.dataflow_fold import estimate, search_folding, unit_cycles
from simulator.network.dataflow_timing import DataflowDeadlockError, Event, UnitProgram, simulate
from tests.crosscheck.test_network import small_network

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def network():
    return small_network(0)[0]


def test_static_and_simpy_agree_and_the_search_cycles_are_the_reader_s(network):
    design = search_folding(network)
    found = estimate(network, design)
    assert abs(found.simpy.latency_cycles / found.static_latency - 1) <= 0.05
    assert abs(found.simpy.interval_cycles / found.static_interval - 1) <= 0.05
    searched = [unit_cycles(shape, fold) for shape, fold in zip(unit_shapes(network), design.folds)]
    for ours, read in zip(searched, found.unit_cycles):  # the search's depth guess is near the reader's
        assert abs(ours - read) <= 8
    assert found.simpy.interval_cycles == max(found.unit_cycles)  # the slowest unit sets the pace
    assert found.shallow_streams == ()


def test_a_stream_shallower_than_it_needs_is_named_and_slows_the_pipeline(network):
    design = search_folding(network)
    sized = estimate(network, design)
    assert max(sized.needed_depths) > 1
    shallow = estimate(network, dataclasses.replace(design, fifo_depths=(1,) * len(sized.needed_depths)))
    assert shallow.shallow_streams  # named
    assert shallow.simpy.interval_cycles > sized.simpy.interval_cycles


def test_budgets_and_a_target_interval_steer_the_search(network):
    fast = estimate(network, search_folding(network))
    slow_design = search_folding(network, target_interval=4 * fast.simpy.interval_cycles)
    slow = estimate(network, slow_design)
    assert slow.simpy.interval_cycles <= 4 * fast.simpy.interval_cycles + 64
    assert slow.resources.lut < fast.resources.lut  # the cheapest folding that meets the target
    tight = search_folding(network, budgets={"lut": fast.resources.lut // 2})
    assert estimate(network, tight).resources.lut <= fast.resources.lut // 2 + 10_000  # streams and control aside
    with pytest.raises(DataflowError, match="no folding meets an interval of 3 cycles within the budgets"):
        search_folding(network, target_interval=3)


def test_a_fifo_too_shallow_for_a_fork_s_skew_is_a_deadlock_named_in_one_line():
    # a producer writes ten words to 'a' and then ten to 'b'; the consumer takes them in turns:
    # 'a' must hold all ten while the consumer waits for 'b' (the skew of two paths)
    producer = UnitProgram(
        "split", tuple([Event(0, "r", "image")] + [Event(1 + i, "w", s) for s in "ab" for i in range(10)]), 30
    )
    consumer = UnitProgram(
        "join", tuple(Event(40 + i, "r", s) for i in range(10) for s in "ab") + (Event(80, "w", "scores"),), 81
    )
    found = simulate([producer, consumer], 1, {"a": 10, "b": 10}, images=2)
    assert found.latency_cycles > 0
    with pytest.raises(DataflowDeadlockError) as caught:
        simulate([producer, consumer], 1, {"a": 4, "b": 10}, images=2)
    message = str(caught.value)
    assert "\n" not in message
    assert "split waits to write stream 'a' (full: 4 words)" in message
    assert "join waits to read stream 'b' (empty)" in message


def test_a_design_is_checked_against_its_network():
    with pytest.raises(ValueError, match=r"fifo_depths has 2 depths; expected 3"):
        DataflowDesign((LayerFold(1, 1),) * 4, fifo_depths=(2, 2))
    with pytest.raises(ValueError, match=r"LayerFold.pe=0 is out of range"):
        LayerFold(0, 1)
