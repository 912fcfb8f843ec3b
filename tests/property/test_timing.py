"""Timing properties on Hypothesis-drawn designs and shapes.

The static schedule of the C++ and the SimPy model agree exactly where nothing contends
(separate bundles, enough outstanding requests to cover the memory latency); a shared bundle
costs at most the read beats the static view ignores; the outstanding-request limit, which the
static rules ignore, can cost far more (a worked case). The SimPy model never beats the compute
and bytes-over-bandwidth bounds, never gets slower with a wider AXI port or ping-pong streams;
the values never depend on the design; the SCALE-Sim-compatible DES equals SCALE-Sim's closed
form; the AXI channel, driven by a state machine, matches its twin and a deque model of its
requests in flight.
"""

import dataclasses
from collections import deque

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from simulator.contract.numerics import ROUNDING_MODES, im2col_reference, qmatmul_reference
from simulator.hardware.designs import AXI_PORTS, BUFFERING, DATAFLOWS, Im2colDesign, MatmulDesign, SystolicDesign
from simulator.interop.scalesim import ScaleSimLayer, scalesim_total_cycles, simulate_scalesim_layer
from simulator.timing.results import Trace
from simulator.timing.units import source_depths
from simulator.timing.units.axi import AxiChannel, ChannelTwin
from simulator.timing.units.im2col import (
    Im2colShape,
    analytic_im2col,
    im2col_addresses,
    run_im2col_des,
    simulate_im2col,
)
from simulator.timing.units.matmul import analytic_matmul, run_matmul_des, simulate_matmul
from simulator.timing.units.matmul_program import matmul_program
from tests.strategies import im2col_cases, matmul_cases

AXI_WIDTHS = (32, 64, 128, 256, 512, 1024)
AGREEMENT_EXAMPLES = 120


@pytest.fixture(autouse=True, scope="module")
def one_reading_per_kernel():
    """The properties here are of the loop programs' composition, whatever the depths: every
    drawn design takes the pipeline depths and leads of its kernel's reference design (reading
    the C++ of each of hundreds of drawn designs would take seconds apiece; the reading of a
    design's own C++ is tested in tests/unit)."""
    with source_depths.reference_readings():
        yield


@st.composite
def axi_fields(draw, covered: bool = False) -> dict:
    """AXI fields; ``covered``: 64 requests in flight cover any latency up to 63 cycles even
    with one-beat bursts, so the outstanding limit never binds."""
    width = draw(st.sampled_from(AXI_WIDTHS))
    burst = draw(st.sampled_from([b for b in (1, 2, 4, 8, 16, 32, 64) if b * width // 8 <= 4096]))
    return {
        "axi_width_bits": width,
        "burst_beats": burst,
        "mem_latency_cycles": draw(st.integers(1, 63 if covered else 100)),
        "max_outstanding": 64 if covered else draw(st.integers(1, 16)),
    }


@st.composite
def matmul_designs(draw, covered: bool = False, ports=AXI_PORTS, buffering=BUFFERING):
    """Small buildable MatmulDesigns (tiles >= 4 keep the tile count small)."""
    return MatmulDesign(
        **draw(axi_fields(covered)),
        axi_ports=draw(st.sampled_from(ports)),
        tile_u=draw(st.integers(4, 40)),
        tile_v=draw(st.integers(4, 40)),
        tile_w=draw(st.integers(4, 40)),
        requant_lanes=draw(st.integers(1, 64)),
        buffering=draw(st.sampled_from(buffering)),
        rounding=draw(st.sampled_from(ROUNDING_MODES)),
    )


@st.composite
def designs_and_shapes(draw, covered: bool = False, ports=AXI_PORTS, buffering=BUFFERING):
    """A design and a (u, v, w) of at most 4 tiles per dimension, straddling tile edges."""
    design = draw(matmul_designs(covered, ports, buffering))
    u = draw(st.integers(1, 4 * design.tile_u))
    v = draw(st.integers(1, 4 * design.tile_v))
    w = draw(st.integers(1, 4 * design.tile_w))
    return design, u, v, w


@st.composite
def im2col_designs(draw, covered: bool = False) -> Im2colDesign:
    return Im2colDesign(
        **draw(axi_fields(covered)),
        max_src_m=20,
        max_src_n=24,
        max_k=7,
        buffering=draw(st.sampled_from(BUFFERING)),
    )


@st.composite
def im2col_shapes(draw) -> Im2colShape:
    km, kn = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    src_m = draw(st.integers(max(1, km - 2), 20))
    src_n = draw(st.integers(max(1, kn - 2), 24))
    return Im2colShape(draw(st.integers(1, 4)), src_m, src_n, km, kn)


def read_beats(design: MatmulDesign, u: int, v: int, w: int) -> int:
    program = matmul_program(design, u, v, w)
    return sum(sum(run.axi.bursts) for _, run in program.runs() if run.axi is not None and not run.axi.write)


# ------------------------------------------------------------------------------ matmul


def traced(run, *args):
    trace = Trace()
    result = run(*args, trace=trace)
    return result, sorted(trace.spans)


@settings(max_examples=AGREEMENT_EXAMPLES)
@given(designs_and_shapes(covered=True, ports=("separate",)))
def test_matmul_static_equals_simpy_where_nothing_contends(case):
    """Exactly, busy spans included, hence within the 10 % the static rules promise."""
    des, des_spans = traced(run_matmul_des, *case)
    static, static_spans = traced(analytic_matmul, *case)
    assert des.latency_cycles == static.latency_cycles
    assert des_spans == static_spans


def test_single_buffered_streams_stall_the_requantizer():
    """One tile in the out_rows stream: requantize cannot run a tile ahead while store holds
    the previous one, so it stalls (both views count it): with 4-byte words store writes a
    band a row a beat after gathering it, slower than requantize's row a beat."""
    design = MatmulDesign(buffering="single", tile_u=4, tile_v=4, tile_w=4, mem_latency_cycles=1, axi_width_bits=32)
    single = run_matmul_des(design, 16, 4, 4)
    ping_pong = run_matmul_des(dataclasses.replace(design, buffering="ping_pong"), 16, 4, 4)
    assert single.latency_cycles >= ping_pong.latency_cycles
    assert single.stages["requantize"].stall_cycles > 0
    assert analytic_matmul(design, 16, 4, 4).latency_cycles == single.latency_cycles


@settings(max_examples=AGREEMENT_EXAMPLES)
@given(designs_and_shapes(covered=True, ports=("shared",)))
def test_a_shared_bundle_costs_at_most_the_read_beats_the_static_view_ignores(case):
    design = case[0]
    static = analytic_matmul(*case).latency_cycles
    separate = run_matmul_des(dataclasses.replace(design, axi_ports="separate"), *case[1:])
    shared = run_matmul_des(*case).latency_cycles
    assert static <= separate.latency_cycles <= shared <= separate.latency_cycles + read_beats(*case)


def test_the_outstanding_limit_costs_what_the_static_rules_ignore():
    """No operand held whole, so both are tiled and fetched a run per output tile (A) or band
    (B): 64 short runs of 2-beat bursts, one request in flight, each burst waits a full memory
    latency, while the static rule (II = 1, latency counted once) does not."""
    design = MatmulDesign(
        max_outstanding=1, tile_u=8, tile_v=8, tile_w=8, axi_width_bits=64, a_buffer_bytes=0, b_buffer_bytes=0
    )
    static = analytic_matmul(design, 64, 16, 64).latency_cycles
    des = run_matmul_des(design, 64, 16, 64).latency_cycles
    assert des > 2 * static
    # with 16 requests in flight the runs' latencies overlap, as the static rule assumes
    overlapped = dataclasses.replace(design, max_outstanding=16)
    static = analytic_matmul(overlapped, 64, 16, 64).latency_cycles
    assert run_matmul_des(overlapped, 64, 16, 64).latency_cycles == static


@given(designs_and_shapes())
def test_matmul_des_never_beats_the_compute_or_memory_bound(case):
    result = run_matmul_des(*case)
    assert result.latency_cycles >= result.compute_bound_cycles
    assert result.latency_cycles >= result.memory_bound_cycles
    assert result.latency_cycles >= analytic_matmul(*case).latency_cycles
    for stage in result.stages.values():
        assert stage.busy_cycles + stage.stall_cycles + stage.idle_cycles == result.latency_cycles
        assert min(stage.busy_cycles, stage.stall_cycles, stage.idle_cycles) >= 0


@given(designs_and_shapes(), st.integers(1, 40))
def test_matmul_latency_is_non_decreasing_in_u(case, growth):
    """More rows never finish sooner: the model places every stream item at the iteration
    that moves it and every word read where the port delivers it, so nothing it rounds can
    make a larger problem earlier (checked with the deep profile's 5,000 examples too)."""
    design, u, v, w = case
    assert run_matmul_des(design, u + growth, v, w).latency_cycles >= run_matmul_des(*case).latency_cycles


@given(designs_and_shapes(ports=("separate",)))
def test_a_wider_axi_port_is_never_slower(case):
    """On separate bundles, with A and B tiles of whole rows (one depth tile, one column
    tile): each tile is one contiguous burst train. Otherwise a tile row whose pitch is not a
    multiple of the word takes the most words any alignment needs (matmul.cpp's Block), which
    can be one more with a wider word; and on a shared bundle, requests are served in the
    order their loops start, which a faster port can change for the worse."""
    design, u, v, w = case
    v, w = min(v, design.tile_v), min(w, design.tile_w)
    wider = [width for width in AXI_WIDTHS if width > design.axi_width_bits and design.burst_beats * width // 8 <= 4096]
    before = run_matmul_des(design, u, v, w).latency_cycles
    for width in wider:
        after = run_matmul_des(dataclasses.replace(design, axi_width_bits=width), u, v, w).latency_cycles
        assert after <= before
        before = after


@given(designs_and_shapes(ports=("separate",)))
def test_ping_pong_buffering_is_never_slower(case):
    design, u, v, w = case
    single = run_matmul_des(dataclasses.replace(design, buffering="single"), u, v, w).latency_cycles
    ping_pong = run_matmul_des(dataclasses.replace(design, buffering="ping_pong"), u, v, w).latency_cycles
    assert ping_pong <= single


@given(matmul_designs(), matmul_cases(max_dim=24))
def test_values_are_identical_for_every_design(design, case):
    rounding = case.pop("rounding")
    out, result = simulate_matmul(dataclasses.replace(design, rounding=rounding), **case)
    np.testing.assert_array_equal(out, qmatmul_reference(rounding=rounding, **case))
    assert result.latency_cycles >= result.compute_bound_cycles


# ------------------------------------------------------------------------------ im2col


def _analytic(design, shape):
    return analytic_im2col(design, shape.src_c, shape.src_m, shape.src_n, shape.kernel_size_m, shape.kernel_size_n)


@settings(max_examples=AGREEMENT_EXAMPLES)
@given(im2col_designs(covered=True), im2col_shapes())
def test_im2col_static_equals_simpy_where_nothing_contends(design, shape):
    des = run_im2col_des(design, shape)
    assert des.latency_cycles == _analytic(design, shape).latency_cycles >= des.memory_bound_cycles


@given(im2col_designs(), im2col_shapes())
def test_im2col_simpy_never_beats_the_static_view_or_the_memory_bound(design, shape):
    des = run_im2col_des(design, shape)
    assert des.latency_cycles >= _analytic(design, shape).latency_cycles
    assert des.latency_cycles >= des.memory_bound_cycles


@given(im2col_designs(), im2col_shapes())
def test_im2col_ping_pong_and_wider_port_are_never_slower(design, shape):
    base = run_im2col_des(dataclasses.replace(design, buffering="single"), shape).latency_cycles
    assert run_im2col_des(dataclasses.replace(design, buffering="ping_pong"), shape).latency_cycles <= base
    if design.axi_width_bits < 1024 and design.burst_beats * design.axi_width_bits // 4 <= 4096:
        wider = dataclasses.replace(design, buffering="single", axi_width_bits=2 * design.axi_width_bits)
        assert run_im2col_des(wider, shape).latency_cycles <= base


@given(im2col_designs(), im2col_cases(max_channels=3, max_size=20))
def test_im2col_values_and_addresses_match_the_reference(design, case):
    out, result = simulate_im2col(design, **case)
    x_q = case["x_q"]
    reference = im2col_reference(**case)
    np.testing.assert_array_equal(out, reference)
    addresses = im2col_addresses(*x_q.shape, case["kernel_size_m"], case["kernel_size_n"])
    gathered = np.where(addresses >= 0, x_q.reshape(-1)[np.maximum(addresses, 0)], case["pad_value"])
    np.testing.assert_array_equal(gathered, reference)
    assert result.out_shape == reference.shape


# ---------------------------------------------------------------------------- SCALE-Sim


@given(
    st.integers(1, 24),
    st.integers(1, 24),
    st.sampled_from(DATAFLOWS),
    st.integers(1, 30),
    st.integers(1, 40),
    st.integers(1, 20),
)
def test_scalesim_des_equals_the_closed_form_on_any_array(rows, cols, dataflow, m, k, n):
    design = SystolicDesign(pe_rows=rows, pe_cols=cols, dataflow=dataflow)
    layer = ScaleSimLayer(name="g", ifmap_h=m, ifmap_w=k, filter_h=1, filter_w=k, channels=1, num_filters=n)
    result = simulate_scalesim_layer(layer, design)
    assert result.total_cycles == scalesim_total_cycles(layer, design)
    assert result.total_cycles + 1 >= layer.macs / (rows * cols)


# ------------------------------------------------------------------------------ AXI port


class AxiChannelMachine(RuleBasedStateMachine):
    """One requester issues bursts on an AxiChannel at times of its choosing; the channel
    must agree with its analytic twin, keep at most max_outstanding requests in flight and
    complete them in issue order (checked against a deque of expected completions)."""

    @initialize(
        direction=st.sampled_from(("read", "write")),
        latency=st.integers(1, 40),
        outstanding=st.integers(1, 4),
    )
    def start(self, direction, latency, outstanding):
        self.design = MatmulDesign(mem_latency_cycles=latency, max_outstanding=outstanding)
        self.env = simpy.Environment()
        self.channel = AxiChannel(self.env, self.design, direction)
        self.twin = ChannelTwin(self.design, direction)
        self.completions: deque[int] = deque()

    @rule(wait=st.integers(0, 30), beats=st.integers(1, 16))
    def issue_burst(self, wait, beats):
        if wait:
            self.env.run(until=self.env.now + wait)
        ready = int(self.env.now)
        granted = {}

        def requester():
            slot = yield from self.channel.acquire()
            granted["burst"] = (int(self.env.now), *self.channel.reserve(slot, beats))

        self.env.run(until=self.env.process(requester()))
        assert granted["burst"] == self.twin.issue(ready, beats)
        self.completions.append(granted["burst"][2])

    @invariant()
    def in_flight_within_the_limit_and_in_order(self):
        if not hasattr(self, "channel"):
            return
        while self.completions and self.completions[0] <= self.env.now:
            self.completions.popleft()
        in_flight = [done for done, _ in self.channel.in_flight if done > self.env.now]
        assert in_flight == list(self.completions)
        assert len(in_flight) <= self.design.max_outstanding
        assert in_flight == sorted(in_flight)


TestAxiChannel = AxiChannelMachine.TestCase
