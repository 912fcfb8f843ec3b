"""SimPy units and their analytic twins on tiny cases whose timelines are worked out by hand,
the AXI channel arithmetic, im2col addresses, results JSON, and the table of bad inputs."""

import dataclasses
import json

import numpy as np
import pytest
import simpy

from simulator.contract import kernels
from simulator.contract.layout import LAYOUT_B_TILED, LAYOUT_BIAS_COLUMNS
from simulator.contract.numerics import im2col_reference
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.results import Im2colResult, MatmulResult, Trace, union_length
from simulator.timing.units.axi import AxiChannel, ChannelTwin, block_bursts, segment_bursts
from simulator.timing.units.im2col import (
    Im2colShape,
    analytic_im2col,
    im2col_addresses,
    run_im2col_des,
    simulate_im2col,
)
from simulator.timing.units.matmul import analytic_matmul, run_matmul_des, simulate_matmul
from simulator.timing.units.source_depths import loop_depths, process_gaps, setup_cycles

# 4 bytes per beat, 10-cycle memory, 4 x 4 x 4 tiles (a 4 x 4 PE array), 4 requantization lanes.
TINY = MatmulDesign(
    axi_width_bits=32,
    burst_beats=16,
    mem_latency_cycles=10,
    tile_u=4,
    tile_v=4,
    tile_w=4,
    requant_lanes=4,
)


def timeline(run, *args, **kwargs) -> tuple[list, list, object]:
    trace = Trace()
    result = run(*args, trace=trace, **kwargs)
    return sorted(trace.spans), sorted(trace.stalls), result


# ------------------------------------------------------------------------------ AXI port


def test_bursts_split_segments_and_rows():
    design = MatmulDesign(axi_width_bits=32, burst_beats=4)  # 4 bytes per beat
    assert segment_bursts(40, design) == (4, 4, 2)  # 10 beats
    assert block_bursts(3, 6, True, design) == (4, 1)  # 18 contiguous bytes: 5 beats
    assert block_bursts(3, 6, False, design) == (2, 2, 2)  # one 2-beat burst per row


def test_read_channel_twin_worked_out():
    # L = 10, 2 outstanding: bursts 1 and 2 issue at 0 (data 10..14, 14..18); burst 3 waits
    # for burst 1 to complete (14) and its data follow at max(14 + 10, 18) = 24..28.
    design = MatmulDesign(mem_latency_cycles=10, max_outstanding=2)
    twin = ChannelTwin(design, "read")
    assert [twin.issue(0, 4), twin.issue(0, 4), twin.issue(0, 4)] == [
        (0, 14, 14),
        (0, 18, 18),
        (14, 28, 28),
    ]


def test_write_channel_twin_worked_out():
    # data leave at once, responses L = 10 later; the third burst waits for the first response.
    design = MatmulDesign(mem_latency_cycles=10, max_outstanding=2)
    twin = ChannelTwin(design, "write")
    assert [twin.issue(0, 4), twin.issue(0, 4), twin.issue(0, 4)] == [
        (0, 4, 14),
        (0, 8, 18),
        (14, 18, 28),
    ]


def test_simpy_channel_matches_its_twin():
    design = MatmulDesign(mem_latency_cycles=10, max_outstanding=2)
    env = simpy.Environment()
    channel = AxiChannel(env, design, "read")
    grants = []

    def issuer():
        for beats in (4, 4, 4):
            slot = yield from channel.acquire()
            grants.append((int(env.now), *channel.reserve(slot, beats)))

    env.process(issuer())
    env.run()
    assert grants == [(0, 14, 14), (0, 18, 18), (14, 28, 28)]


# ----------------------------------------------------------------------------- matmul


def test_matmul_one_tile_timeline_on_separate_ports():
    # The pipeline depths D and the leads (straight-line states before each loop, g) are the
    # C++'s, read by hls-estimate for the design. ReadRows of A and of B: lead g, 4 words, one
    # row each, iteration L + 2 = 12: rows ready at g + 12 .. g + 15. ComputeBeats: 4 beats
    # latching B (rows at beats 0..3), then 4 streaming A (beats 4..7); B row m ready at
    # g + 12 + m starts it at s = g + 12 (its own lead is shorter); acc rows ready at
    # s + 4 + m + D. RequantizeRows (4 trips) starts at the first, its rows out at + m + D;
    # GatherOut starts at the first; WriteBand after GatherOut's exit and its lead; WriteOut
    # at WriteBand's first word; its last beat 4 cycles after its start, acknowledged L
    # later; the top's argument check (setup) comes before the region.
    design = dataclasses.replace(TINY, axi_ports="separate")
    depth = loop_depths(design)
    lead = {name: process_gaps(design, name).first for name in ("load_a", "compute", "requantize", "store")}
    load = (lead["load_a"]["ReadRows"], lead["load_a"]["ReadRows"] + 3 + 12)
    compute_start = load[0] + 12
    assert lead["compute"]["ComputeBeats"] <= compute_start
    compute = (compute_start, compute_start + 7 + depth["ComputeBeats"])
    requantize = (compute_start + 4 + depth["ComputeBeats"],) * 2
    requantize = (requantize[0], requantize[0] + 3 + depth["RequantizeRows"])
    gather = (requantize[0] + depth["RequantizeRows"],) * 2
    gather = (gather[0], gather[0] + 3 + depth["GatherOut"])
    band_start = gather[1] + 1 + process_gaps(design, "store").between[("GatherOut", "WriteBand")]
    band = (band_start, band_start + 3 + depth["WriteBand"])
    write = (band[0] + depth["WriteBand"], band[0] + depth["WriteBand"] + 3 + depth["WriteOut"])
    expected = [
        ("compute", *compute),
        ("load_a", *load),
        ("load_b", *load),
        ("requantize", *requantize),
        ("store", *gather),
        ("store", *band),
        ("write_output", *write),
    ]
    latency = write[0] + 4 + 10 + setup_cycles(design)
    for run in (run_matmul_des, analytic_matmul):
        spans, stalls, result = timeline(run, design, 4, 4, 4)
        assert (spans, stalls, result.latency_cycles) == (expected, [], latency)


def test_matmul_shared_port_serves_b_after_a():
    # B's words follow A's on the shared read bus: they arrive 4 cycles later than on a port of
    # their own, so ReadRows of B stalls 4 cycles at its end and its rows are ready 4 cycles
    # late; ComputeBeats latches B row m at beat m, so it starts 4 cycles late, and so does all
    # after it (the spans of the separate-ports timeline, above, moved by 4).
    separate, _, alone = timeline(run_matmul_des, dataclasses.replace(TINY, axi_ports="separate"), 4, 4, 4)
    spans, stalls, result = timeline(run_matmul_des, dataclasses.replace(TINY, axi_ports="shared"), 4, 4, 4)
    load_b = next(span for span in separate if span[0] == "load_b")
    assert load_b in spans and stalls == [("load_b", load_b[2], load_b[2] + 4)]
    late = [(name, start + 4, end + 4) for name, start, end in separate if not name.startswith("load")]
    assert [span for span in spans if not span[0].startswith("load")] == late
    assert result.latency_cycles == alone.latency_cycles + 4
    assert analytic_matmul(TINY, 4, 4, 4).latency_cycles == alone.latency_cycles  # the static view ignores it


def test_matmul_single_buffer_stalls_the_requantizer_and_ping_pong_removes_it():
    # u = 16: four row tiles; with one tile in the out_rows stream, requantize cannot start
    # tile k before store has gathered tile k - 1 (the stream that pairs runs one to one): it
    # stalls whenever store is still gathering when its next tile's rows are ready.
    single = dataclasses.replace(TINY, axi_ports="separate", buffering="single", mem_latency_cycles=1)
    _, stalls, result = timeline(run_matmul_des, single, 16, 4, 4)
    assert {stage for stage, _, _ in stalls} == {"requantize"}
    _, stalls, faster = timeline(run_matmul_des, dataclasses.replace(single, buffering="ping_pong"), 16, 4, 4)
    assert stalls == [] and faster.latency_cycles <= result.latency_cycles


def test_matmul_tiled_weights_read_as_one_burst_train():
    # fc1 of MyConvNet for one image, weights as B: a row-major W^T too large for B's ring goes
    # to the device tiled (the host tiles it, host_layout), so both layouts read the whole
    # matrix as one train of full bursts
    design = MatmulDesign()
    row_major = run_matmul_des(design, 1, 1568, 256, bias=True, layout=LAYOUT_BIAS_COLUMNS)
    tiled = run_matmul_des(design, 1, 1568, 256, bias=True, layout=LAYOUT_B_TILED | LAYOUT_BIAS_COLUMNS)
    assert tiled.latency_cycles == row_major.latency_cycles
    # one word per cycle: within 3 % of the 6,272 words of the weights plus one memory latency
    assert tiled.latency_cycles <= 1.03 * (1568 * 256 // 64 + design.mem_latency_cycles)


def test_stage_cycles_add_up_to_the_latency():
    result = run_matmul_des(MatmulDesign(), 64, 32, 64)
    for stage in result.stages.values():
        assert stage.busy_cycles + stage.stall_cycles + stage.idle_cycles == result.latency_cycles
        assert min(stage.busy_cycles, stage.stall_cycles, stage.idle_cycles) >= 0


def test_union_length_merges_overlapping_spans():
    assert union_length([(0, 5), (3, 8), (10, 12)]) == 10
    assert union_length([]) == 0


def test_spec_worked_example_through_simulate_matmul():
    # the spec's A and B quantized by the contract (Sa = 1/30, Za = 135; Sb = 4.5/255, Zb = 0)
    a_q = np.array([[135, 120, 165, 90], [195, 60, 225, 30], [255, 0, 135, 120], [165, 90, 195, 60]], np.uint8)
    b_q = np.array([[0, 28, 57, 85], [113, 142, 170, 198], [227, 255, 0, 28], [57, 85, 113, 142]], np.uint8)
    out, result = simulate_matmul(MatmulDesign(), a_q, b_q, zero_a=135, zero_b=0, zero_out=201, M0=1249445032, n=6)
    assert out.tolist() == [
        [224, 216, 131, 123],
        [255, 246, 8, 0],
        [54, 45, 39, 31],
        [239, 231, 69, 61],
    ]
    assert result.model == "des" and (result.u, result.v, result.w) == (4, 4, 4)


def test_simulate_matmul_uses_the_design_rounding():
    rng = np.random.default_rng(1)
    a_q = rng.integers(0, 256, (9, 17), dtype=np.uint8)
    b_q = rng.integers(0, 256, (17, 5), dtype=np.uint8)
    args = {"zero_a": 3, "zero_b": 250, "zero_out": 77, "M0": 1 << 30, "n": 9}
    for rounding in ("floor", "nearest"):
        out, _ = simulate_matmul(MatmulDesign(rounding=rounding), a_q, b_q, **args)
        np.testing.assert_array_equal(out, kernels.qmatmul(a_q, b_q, rounding=rounding, **args))


def test_a_deadlocked_model_names_the_waiting_process():
    from simulator.timing.units.des_view import simulate_des
    from simulator.timing.units.program import LoopRun, Program

    program = Program("toy", {"reader": (LoopRun("Never", 1, 1, 1, reads="nothing"),)})
    with pytest.raises(RuntimeError, match=r"toy DES: processes \['reader'\] still waiting"):
        simulate_des(program, MatmulDesign())


# ----------------------------------------------------------------------------- im2col


def test_im2col_timeline_worked_out():
    # 1 x 2 x 2 image, 3 x 3 kernel (OM = ON = 2), 4-byte words: the input is one word, read
    # 0..12 (iteration L + 2); FillRows' four beats (pad row, two input rows, pad row) take
    # the word at beat 1, so they run from 11 (the word arrives at 12) for 3 beats and the
    # loop's depth f; EmitRows writes 9 words (9 rows of 4 bytes) after the exit cycle, for 8
    # beats and its depth e, its first word ready e cycles in; WriteOutput from then until two
    # cycles after EmitRows ends, its last beat acknowledged 9 cycles later (L - 1). The depths
    # are read from the C++ (source_depths).
    # FillRows' lead (the straight-line states before it, read from the C++ too) is shorter
    # than the wait for the word; EmitRows' (g) follows FillRows' exit.
    design = Im2colDesign(axi_width_bits=32, mem_latency_cycles=10, buffering="single")
    f, e = loop_depths(design)["FillRows"], loop_depths(design)["EmitRows"]
    gaps = process_gaps(design, "window")
    assert gaps.first["FillRows"] <= 11
    fill_end = 11 + 3 + f
    emit_start = fill_end + 1 + gaps.between[("FillRows", "EmitRows")]
    emit = (emit_start, emit_start + 8 + e)
    expected = [("read", 0, 12), ("window", 11, fill_end), ("window", *emit), ("write", emit[0] + e, emit[1] + 2)]
    # the top's argument check runs before the region (setup_cycles, from the C++)
    latency = emit[1] + 2 + 9 + setup_cycles(design)
    spans, stalls, result = timeline(run_im2col_des, design, Im2colShape(1, 2, 2, 3, 3))
    assert (spans, stalls, result.latency_cycles) == (expected, [], latency)
    spans, stalls, result = timeline(analytic_im2col, design, 1, 2, 2, 3, 3)
    assert (spans, stalls, result.latency_cycles) == (expected, [], latency)


@pytest.mark.parametrize("shape", [(1, 1, 1, 1, 1), (2, 5, 7, 3, 2), (3, 5, 5, 7, 7), (1, 6, 3, 1, 5)])
def test_im2col_addresses_select_the_reference_values(shape):
    src_c, src_m, src_n, km, kn = shape
    x_q = np.random.default_rng(0).integers(0, 256, (src_c, src_m, src_n), dtype=np.uint8)
    addresses = im2col_addresses(*shape)
    gathered = np.where(addresses >= 0, x_q.reshape(-1)[np.maximum(addresses, 0)], 17)
    np.testing.assert_array_equal(gathered, im2col_reference(x_q, km, kn, pad_value=17))


def test_simulate_im2col_returns_the_kernel_output():
    x_q = np.random.default_rng(2).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    out, result = simulate_im2col(Im2colDesign(), x_q, 3, 3, pad_value=5)
    np.testing.assert_array_equal(out, kernels.im2col(x_q, 3, 3, pad_value=5))
    assert result.out_shape == out.shape and result.n_outputs == out.size


# ----------------------------------------------------------------------------- results


def test_results_round_trip_through_json():
    matmul = run_matmul_des(MatmulDesign(), 64, 32, 64)
    data = json.loads(json.dumps(matmul.to_json()))
    for key in (
        "latency_cycles",
        "latency_us",
        "interval_cycles",
        "stages",
        "throughput_gmacs",
        "pe_utilization",
        "resources",
        "design",
    ):
        assert key in data
    assert MatmulResult.from_json(data) == matmul
    bare = {key: value for key, value in data.items() if key not in ("n_events", "extra")}  # optional fields
    assert MatmulResult.from_json(bare) == dataclasses.replace(matmul, n_events=0, extra={})
    assert data["latency_us"] == pytest.approx(matmul.latency_cycles / 250)
    assert data["throughput_gmacs"] == pytest.approx(64 * 32 * 64 / (matmul.latency_cycles / 250e6) / 1e9)
    im2col = run_im2col_des(Im2colDesign(), Im2colShape(3, 32, 32, 3, 3))
    assert Im2colResult.from_json(json.loads(json.dumps(im2col.to_json()))) == im2col


# -------------------------------------------------------------------------- bad inputs

GOOD_A = np.zeros((4, 3), np.uint8)
GOOD_B = np.zeros((3, 2), np.uint8)
QARGS = {"zero_a": 0, "zero_b": 0, "zero_out": 0, "M0": 1 << 30, "n": 0}
IMAGE = np.zeros((2, 8, 8), np.uint8)


@pytest.mark.parametrize(
    "call, exception, fragment",
    [
        (
            lambda: analytic_matmul(MatmulDesign(), 0, 8, 8),
            ValueError,
            "analytic_matmul.u=0 is out of range; expected an int in [1, 1048576]",
        ),
        (
            lambda: analytic_matmul(MatmulDesign(), 8, 40000, 8),
            ValueError,
            "analytic_matmul.v=40000 is out of range",
        ),
        (
            lambda: run_matmul_des(MatmulDesign(), 8, 8, 2.0),
            TypeError,
            "run_matmul_des.w=2.0 must be an int",
        ),
        (
            lambda: analytic_matmul(Im2colDesign(), 8, 8, 8),
            TypeError,
            "design must be a MatmulDesign; got Im2colDesign",
        ),
        (
            lambda: simulate_matmul("design", GOOD_A, GOOD_B, **QARGS),
            TypeError,
            "design must be a MatmulDesign; got str",
        ),
        (
            lambda: simulate_matmul(MatmulDesign(), GOOD_A.astype(np.int8), GOOD_B, **QARGS),
            TypeError,
            "pass uint8 arrays",
        ),
        (
            lambda: simulate_matmul(MatmulDesign(), GOOD_A, GOOD_A, **QARGS),
            ValueError,
            "do not chain",
        ),
        (
            lambda: simulate_matmul(MatmulDesign(), GOOD_A, GOOD_B, **{**QARGS, "M0": 5}),
            ValueError,
            "M0=5 is out of range",
        ),
        (
            lambda: simulate_im2col(Im2colDesign(max_src_n=4), IMAGE, 3, 3),
            ValueError,
            "simulate_im2col.src_n=8 is out of range; expected an int in [1, 4]",
        ),
        (
            lambda: simulate_im2col(Im2colDesign(), IMAGE, 5, 3),
            ValueError,
            "kernel_size_m=5 is out of range; expected an int in [1, 3]",
        ),
        (
            lambda: simulate_im2col(Im2colDesign(), IMAGE, 3, 3, pad_value=300),
            ValueError,
            "pad_value=300 is out of range",
        ),
        (
            lambda: simulate_im2col(MatmulDesign(), IMAGE, 3, 3),
            TypeError,
            "design must be an Im2colDesign; got MatmulDesign",
        ),
        (
            lambda: analytic_im2col(Im2colDesign(), 0, 8, 8, 3, 3),
            ValueError,
            "analytic_im2col.src_c=0 is out of range",
        ),
        (
            lambda: analytic_im2col(Im2colDesign(max_k=7), 1, 1, 8, 4, 3),
            ValueError,
            "does not fit the padded input",
        ),
    ],
    ids=[
        "zero-u",
        "v-over-accumulator-limit",
        "float-w",
        "im2col-design-to-matmul",
        "string-design",
        "int8-values",
        "shapes-do-not-chain",
        "M0-out-of-range",
        "row-wider-than-line-buffer",
        "kernel-over-max-k",
        "pad-over-255",
        "matmul-design-to-im2col",
        "zero-channels",
        "kernel-taller-than-padded-input",
    ],
)
def test_bad_arguments_are_rejected_with_clear_messages(call, exception, fragment):
    with pytest.raises(exception) as info:
        call()
    assert fragment in str(info.value)


def test_source_readings_are_kept_on_disk_and_a_damaged_one_is_read_again(tmp_path, monkeypatch):
    """A kernel's source reading (about two seconds) is kept under the cache folder, keyed by
    its build; a damaged file is read from the source again and replaced."""
    from simulator.timing.units import source_depths

    monkeypatch.setenv("CNNACC_CACHE_DIR", str(tmp_path))
    design = Im2colDesign()
    flags = tuple(sorted((k, v) for k, v in design.cpp_defines().items() if k not in source_depths.ADAPTER_FLAGS))
    nest = source_depths._nest("im2col", flags, 1000.0 / design.clock_mhz, design.part)
    (kept,) = (tmp_path / "readings").glob("im2col-*.json")
    assert json.loads(kept.read_text()) == nest
    kept.write_text('{"region": ')  # cut short
    assert source_depths._nest("im2col", flags, 1000.0 / design.clock_mhz, design.part) == nest
    assert json.loads(kept.read_text()) == nest
    # another clock is another build
    source_depths._nest("im2col", flags, 2.0, design.part)
    assert len(list((tmp_path / "readings").glob("im2col-*.json"))) == 2


def test_a_timing_cached_under_the_reference_depths_is_not_served_for_the_designs_own():
    """The mapping's caches are per reading policy: a call timed within reference_readings()
    (a design-space sweep) is timed again outside it, with the design's own depths."""
    from simulator.network.mapping import timed_call
    from simulator.timing.units.source_depths import reference_readings

    design = MatmulDesign(tile_u=16, tile_v=8, tile_w=8, requant_lanes=8)
    with reference_readings():
        reference = timed_call(design, 16, 9, 64, 0).latency_cycles
        assert reference == run_matmul_des(design, 16, 9, 64, bias=True).latency_cycles
    own = timed_call(design, 16, 9, 64, 0).latency_cycles
    assert own == run_matmul_des(design, 16, 9, 64, bias=True).latency_cycles
    assert own != reference  # this build's pipelines are shallower than the reference's
