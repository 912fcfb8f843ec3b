"""Static schedule model: hand-checked nests (the arithmetic is worked out in each test), the
NEST.json loader and its errors, and the csynth-like reports of the hls_src kernels."""

import json

import pytest

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hls.nest_format import load_nest, parse_nest
from simulator.hls.schedule import estimate_nest
from simulator.timing.kernel_schedule import kernel_schedule
from simulator.timing.units.source_depths import loop_depths, process_gaps, setup_cycles


def loop(name, trip, ii=None, iteration=None, body=()):
    return {
        "loop": name,
        "trip_count": trip,
        "pipeline_ii": ii,
        "iteration_latency": iteration,
        "body": list(body),
    }


def op(name, latency):
    return {"op": name, "latency": latency}


def test_pipelined_loop_is_trip_minus_one_times_ii_plus_iteration_latency_plus_its_exit():
    # (10 - 1) * 2 + 5 + 1 = 24 (Vitis: a loop of (N - 1) * II + depth - 1, a pipeline of that + 2)
    report = estimate_nest(loop("vadd", 10, ii=2, iteration=5))
    assert (report.latency_cycles, report.interval_cycles) == (24, 24)


def test_a_rewound_pipeline_has_no_exit_state_and_a_function_of_it_alone_starts_a_state_sooner():
    from simulator.hls.schedule import rewinds

    rewound = loop("vadd", 10, ii=2, iteration=5) | {"rewind": True}
    assert estimate_nest(rewound).latency_cycles == 23  # (10 - 1) * 2 + 5, no exit state
    alone = {"region": "top", "kind": "sequential", "body": [op("declarations", 0), rewound]}
    beside = {"region": "top", "kind": "sequential", "body": [op("setup", 1), rewound]}
    assert rewinds(parse_nest(alone)) and not rewinds(parse_nest(beside))
    assert not rewinds(parse_nest(loop("vadd", 10, ii=2, iteration=5)))
    with pytest.raises(ValueError, match="nest: loop 'plain' rewinds but is not pipelined"):
        parse_nest(loop("plain", 10, iteration=5) | {"rewind": True})


def test_pipelined_loop_takes_its_iteration_latency_from_the_body():
    # body: load 2 + add 1 + store 1 = 4; (20 - 1) * 1 + 4 + 1 = 24
    report = estimate_nest(loop("vadd", 20, ii=1, body=[op("load", 2), op("add", 1), op("store", 1)]))
    assert report.latency_cycles == 24
    assert report.rows[0].iteration_latency == 4


def test_loops_inside_a_pipelined_loop_are_unrolled():
    # inner loop of 4 iterations of a 2-cycle op is unrolled: it adds 2 once; iteration = 2 + 3 = 5
    # latency = (5 - 1) * 1 + 5 + 1 = 10
    nest = loop("outer", 5, ii=1, body=[loop("inner", 4, body=[op("mul", 2)]), op("acc", 3)])
    report = estimate_nest(nest)
    assert report.latency_cycles == 10
    assert [(row.name, row.kind, row.latency_cycles) for row in report.rows] == [
        ("outer", "pipelined", 10),
        ("inner", "unrolled", 2),
        ("mul", "unrolled", 2),
        ("acc", "unrolled", 3),
    ]


def test_loop_without_pipeline_pays_its_exit_and_a_control_state_per_iteration_around_a_loop():
    # straight-line body: the exit test shares its last state: 4 * 3 + 1 (exit) = 13
    assert estimate_nest(loop("slow", 4, body=[op("work", 3)])).latency_cycles == 13
    # a given iteration latency already includes the control state: 4 * 7 + 1 = 29
    assert estimate_nest(loop("given", 4, iteration=7, body=[op("work", 3)])).latency_cycles == 29


def test_nested_loops_multiply_out():
    # inner pipelined: (8 - 1) * 1 + 4 + 1 = 12; outer: 3 * (12 + 1 control) + 1 exit = 40
    nest = loop("rows", 3, body=[loop("cols", 8, ii=1, iteration=4)])
    report = estimate_nest(nest)
    assert report.latency_cycles == 40
    assert [
        (row.name, row.depth, row.trip_count, row.ii, row.iteration_latency, row.latency_cycles) for row in report.rows
    ] == [
        ("rows", 0, 3, None, 13, 40),
        ("cols", 1, 8, 1, 4, 12),
    ]


def test_zero_trip_count_takes_no_iteration_but_a_pipeline_is_entered_and_left_and_a_loop_tests_its_exit():
    assert estimate_nest(loop("never", 0, ii=1, iteration=9)).latency_cycles == 2
    # a loop of 0 trips still tests its exit once (Vivado HLS 2017: a sub-function of one
    # such loop takes 1 cycle at its smallest, tests/data/hls_reports/vjsananda_loop_functions)
    assert estimate_nest(loop("never", 0, body=[op("x", 5)])).latency_cycles == 1
    # a while loop whose own test takes 2 states runs it once more to leave: 0 * 5 + 2, 3 * 5 + 2
    assert estimate_nest(loop("never", 0, body=[op("x", 5)]) | {"exit": 2}).latency_cycles == 2
    assert estimate_nest(loop("walk", 3, body=[op("x", 5)]) | {"exit": 2}).latency_cycles == 17


def test_sequential_region_adds_latencies():
    nest = {
        "region": "top",
        "kind": "sequential",
        "body": [op("a", 3), loop("b", 2, ii=1, iteration=4), op("c", 1)],
    }
    # 3 + ((2 - 1) + 4 + 1) + 1 = 10
    report = estimate_nest(nest)
    assert (report.latency_cycles, report.interval_cycles) == (10, 10)


def test_parallel_region_takes_its_longest_child():
    nest = {"region": "top", "kind": "parallel", "body": [loop("a", 10, ii=1, iteration=2), op("b", 4)]}
    report = estimate_nest(nest)
    assert (report.latency_cycles, report.interval_cycles) == (12, 12)


def test_dataflow_region_interval_is_the_slowest_process_latency_per_channel_kind():
    processes = [
        loop("read", 10, ii=1, iteration=3),
        loop("compute", 20, ii=1, iteration=5),
        op("write", 7),
    ]
    # latencies 13, 25, 7; interval = max = 25
    pipo = estimate_nest({"region": "df", "kind": "dataflow", "body": processes})
    assert (pipo.latency_cycles, pipo.interval_cycles) == (13 + 25 + 7, 25)
    # FIFO: each process starts on its producer's first output. read's comes 13 - 9 x 1 = 4
    # cycles in, so compute runs 4..29; compute's first output is 6 cycles after its start, so
    # write starts at 10 and, 7 cycles long, ends no earlier than a cycle after compute: 30
    fifo = estimate_nest({"region": "df", "kind": "dataflow", "channel": "fifo", "body": processes})
    assert (fifo.latency_cycles, fifo.interval_cycles) == (30, 25)


def test_a_fifo_consumer_starts_at_the_first_output_inside_a_producers_outer_loop():
    # the producer: 4 runs of [a 10-cycle request, then 8 words at II 1]; its first word leaves
    # in the first run's inner loop, 10 + 4 cycles in (Words takes 7 + 3 + 1 = 11 cycles, its
    # first iteration 11 - 7 = 4), not after the whole first run (22 cycles with its states)
    runs = loop("Runs", 4, body=[op("request", 10), loop("Words", 8, ii=1, iteration=3)])
    consumer = loop("Take", 200, ii=1, iteration=2)
    alone = estimate_nest(runs).latency_cycles
    fifo = estimate_nest({"region": "df", "kind": "dataflow", "channel": "fifo", "body": [runs, consumer]})
    assert fifo.latency_cycles == 14 + estimate_nest(consumer).latency_cycles > alone + 1


def test_dataflow_inside_sequential_contributes_its_latency():
    inner = {"region": "df", "kind": "dataflow", "body": [op("p", 10), op("q", 30)]}
    report = estimate_nest({"region": "top", "kind": "sequential", "body": [inner, op("tail", 5)]})
    assert (report.latency_cycles, report.interval_cycles) == (45, 45)


def test_json_output_has_the_top_numbers_and_one_entry_per_node():
    report = estimate_nest(loop("rows", 3, body=[loop("cols", 8, ii=1, iteration=4)]))
    data = json.loads(json.dumps(report.to_json()))
    assert (data["latency_cycles"], data["interval_cycles"]) == (40, 40)
    assert [(node["name"], node["latency_cycles"]) for node in data["nodes"]] == [
        ("rows", 40),
        ("cols", 12),
    ]
    table = report.format_table()
    assert "top rows: latency 40 cycles, interval 40 cycles" in table
    assert "  cols" in table


def test_load_nest_reads_a_file(tmp_path):
    path = tmp_path / "nest.json"
    path.write_text(json.dumps(loop("vadd", 10, ii=2, iteration=5)))
    assert estimate_nest(load_nest(path)).latency_cycles == 24


@pytest.mark.parametrize(
    "data, exception, fragment",
    [
        ([1, 2], TypeError, "must be an object with a 'loop', 'region' or 'op' key"),
        ({"loop": "x", "op": "y"}, ValueError, "exactly one of the keys"),
        ({**loop("x", 3, ii=1, iteration=2), "unroll": 2}, ValueError, "unknown keys ['unroll']"),
        (
            {"loop": "x", "trip_count": 3, "body": []},
            ValueError,
            "missing keys ['iteration_latency', 'pipeline_ii']",
        ),
        (loop("x", -1, ii=1, iteration=2), ValueError, "nest.trip_count=-1 is out of range"),
        (loop("x", 3, ii=0, iteration=2), ValueError, "nest.pipeline_ii=0 is out of range"),
        (
            loop("x", 3, ii=1, iteration=2.5),
            TypeError,
            "nest.iteration_latency=2.5 must be an int or null",
        ),
        (loop("x", 3), ValueError, "neither an iteration_latency nor a body"),
        (loop("x", 3, body=[op("a", 1)]) | {"exit": 0}, ValueError, "nest.exit=0 is out of range"),
        (
            {"region": "r", "kind": "concurrent", "body": []},
            ValueError,
            "nest.kind='concurrent' is not one of",
        ),
        (
            {"region": "r", "kind": "dataflow", "channel": "bus", "body": []},
            ValueError,
            "channel='bus' is not one of",
        ),
        (
            {"region": "r", "kind": "sequential", "body": [op("a", -2)]},
            ValueError,
            "nest.body[0].latency=-2",
        ),
        ({"op": "", "latency": 1}, TypeError, "nest.op='' must be a non-empty string"),
        (
            {"region": "r", "kind": "sequential", "body": "abc"},
            TypeError,
            "nest.body='abc' must be a list",
        ),
    ],
    ids=[
        "not-an-object",
        "two-kinds",
        "unknown-key",
        "missing-keys",
        "negative-trip",
        "zero-ii",
        "float-latency",
        "empty-loop",
        "no-exit-test",
        "bad-region-kind",
        "bad-channel",
        "nested-path",
        "empty-name",
        "body-not-list",
    ],
)
def test_bad_nests_are_rejected_with_the_path_of_the_node(data, exception, fragment):
    with pytest.raises(exception) as info:
        parse_nest(data)
    assert fragment in str(info.value)


def test_load_nest_rejects_invalid_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="broken.json: not valid JSON"):
        load_nest(path)
    with pytest.raises(FileNotFoundError):
        load_nest(tmp_path / "absent.json")


def test_matmul_kernel_schedule_worked_out_for_the_default_design():
    """64 x 32 x 64 on 32 x 32 x 64 tiles, 512-bit AXI, L = 64: two steps (ti = 0, 1), one
    B tile latched once. Every number below is redone by hand from matmul_program's rules."""
    report = kernel_schedule(MatmulDesign(), (64, 32, 64))
    rows = {(row.name, parent): row for row, parent in _with_parents(report)}
    read_a, read_b = rows[("ReadRows", "load_a")], rows[("ReadRows", "load_b")]
    # A: 64 rows of 32 bytes, contiguous: two rows share a word, so one row per beat
    assert read_a.trip_count == 64 and read_a.iteration_latency == 64 + 2
    assert read_a.latency_cycles == 63 + 66 + 1  # + 1: the loop's exit state
    # B: 32 x 64 bytes = 32 words, read whole into the ring, one row per beat
    assert read_b.trip_count == 32 and read_b.latency_cycles == 31 + 66 + 1
    # ComputeBeats: 32 beats latching B, then 32 A rows per step. The pipeline depths (D) and
    # the straight-line states before each loop (its lead) are read from the C++ (source_depths)
    depth = loop_depths(MatmulDesign())
    lead = {name: process_gaps(MatmulDesign(), name) for name in ("load_a", "requantize", "store", "write_output")}
    beats = rows[("ComputeBeats", "compute")]
    assert beats.trip_count == 32 + 2 * 32 and beats.iteration_latency == depth["ComputeBeats"]
    # both streams deliver row m at g + 66 + m (g: ReadRows' lead); ComputeBeats latches B row
    # m at beat m and streams A row r at beat 32 + r, so it starts at c = g + 66; accumulator
    # row t of step k (beat 32 (k + 1) + t) is ready at c + 32 (k + 1) + t + D
    c = lead["load_a"].first["ReadRows"] + 66
    acc = [c + 32 * (k + 1) + depth["ComputeBeats"] for k in (0, 1)]
    assert rows[("RequantizeRows", "RequantizeTiles")].latency_cycles == 2 * (31 + depth["RequantizeRows"] + 1)
    assert rows[("WriteBand", "StoreTiles")].trip_count == 64  # 32 rows x 64 bytes per band, 2 bands
    # RequantizeRows (32 rows, one chunk of 64 lanes): tile k starts at its first row, or after
    # the previous tile's exit and its lead; its rows are out at start + t + D
    requant = [acc[0]]
    requant.append(
        max(acc[1], requant[0] + 31 + depth["RequantizeRows"] + 1 + lead["requantize"].between[("RequantizeRows",) * 2])
    )
    out_rows = [start + depth["RequantizeRows"] for start in requant]
    # GatherOut takes a tile's rows as they come; WriteBand follows its exit and lead, its words
    # ready at start + q + D
    store = lead["store"].between
    gather = [out_rows[0]]
    band = [gather[0] + 31 + depth["GatherOut"] + 1 + store[("GatherOut", "WriteBand")]]
    gather.append(max(out_rows[1], band[0] + 31 + depth["WriteBand"] + 1 + store[("WriteBand", "GatherOut")]))
    band.append(gather[1] + 31 + depth["GatherOut"] + 1 + store[("GatherOut", "WriteBand")])
    # WriteOut (one burst train of 64 words) reads word q when it is ready: q < 32 from the
    # first band, the rest from the second; its last beat goes at start + 64 and is acknowledged
    # one latency later, after the top's argument check
    words = [band[0] + q + depth["WriteBand"] for q in range(32)] + [
        band[1] + q + depth["WriteBand"] for q in range(32)
    ]
    write = max(lead["write_output"].first["WriteOut"], *(ready - q for q, ready in enumerate(words)))
    assert rows[("WriteOut", "write_output")].trip_count == 64
    assert report.latency_cycles == write + 64 + 64 + setup_cycles(MatmulDesign())
    assert report.interval_cycles == rows[("store", "matmul")].latency_cycles


def _with_parents(report):
    """(row, parent name) for every row of a schedule table, by indentation."""
    stack: list[tuple[int, str]] = []
    for row in report.rows:
        while stack and stack[-1][0] >= row.depth:
            stack.pop()
        yield row, stack[-1][1] if stack else None
        stack.append((row.depth, row.name))


def test_im2col_kernel_schedule_worked_out_for_the_spec_shape():
    """3 x 32 x 32, 3 x 3 kernel, 512-bit words: 3072 input bytes = 48 words, 27648 output
    bytes = 432 words."""
    report = kernel_schedule(Im2colDesign(), (3, 32, 32, 3, 3))
    rows = {row.name: row for row in report.rows}
    assert rows["ReadInput"].trip_count == 48 and rows["ReadInput"].latency_cycles == 47 + 66 + 1
    assert rows["FillRows"].trip_count == 34  # channel 0: 32 rows and two pad rows of 34 padded bytes, a word each
    assert rows["Overlap"].trip_count == 2 * 9 * 16  # channels 1, 2 filled while 0, 1 are emitted: 9 rows of 1024 bytes
    assert rows["EmitRows"].trip_count == 9 * 16  # the last channel
    assert rows["WriteOutput"].trip_count == 432
    # window is the busiest process: (33 + FillRows' depth + 1) + 2 x (143 + Overlap's depth + 1)
    # + (143 + EmitRows' depth + 1), the depths read from the C++ (source_depths), and the
    # straight-line states before each loop (its lead), from the same reading
    depths = loop_depths(Im2colDesign())
    gaps = process_gaps(Im2colDesign(), "window")
    assert rows["FillRows"].iteration_latency == depths["FillRows"] > 1
    fill, overlap, emit = 33 + depths["FillRows"] + 1, 143 + depths["Overlap"] + 1, 143 + depths["EmitRows"] + 1
    leads = gaps.first["FillRows"] + gaps.between[("FillRows", "Overlap")] + gaps.between[("Overlap", "Overlap")]
    leads += gaps.between[("Overlap", "EmitRows")]
    assert rows["window"].latency_cycles == fill + 2 * overlap + emit + leads
    assert report.interval_cycles == rows["window"].latency_cycles
    # the top's check, the first input word 66 cycles in, the window (its first lead runs while
    # the word comes), then the last word and its write response
    before = setup_cycles(Im2colDesign()) + 66 + rows["window"].latency_cycles - gaps.first["FillRows"]
    assert before + 60 <= report.latency_cycles <= before + 66


@pytest.mark.parametrize(
    "design, shape, exception, fragment",
    [
        (MatmulDesign(), (64, 32), ValueError, "must be (u, v, w)"),
        (MatmulDesign(), (0, 32, 64), ValueError, "kernel_schedule.u=0 is out of range"),
        (Im2colDesign(), (3, 32, 32), ValueError, "must be (src_c, src_m, src_n, km, kn)"),
        (
            Im2colDesign(),
            (3, 32, 32, 5, 5),
            ValueError,
            "kernel_schedule.kernel_size_m=5 is out of range",
        ),
        ("matmul", (1, 1, 1), TypeError, "must be a MatmulDesign or an Im2colDesign"),
    ],
    ids=[
        "matmul-short-shape",
        "matmul-zero-u",
        "im2col-short-shape",
        "im2col-kernel-over-max-k",
        "not-a-design",
    ],
)
def test_kernel_schedule_rejects_bad_input(design, shape, exception, fragment):
    with pytest.raises(exception) as info:
        kernel_schedule(design, shape)
    assert fragment in str(info.value)


def test_one_state_of_code_beside_a_sequential_loop_runs_in_its_entry_or_exit_state():
    inner = loop("inner", 5, body=[op("mac", 5)])  # 5 * 5 + 1 (exit) = 26
    # res = 0 before the inner loop: absorbed into the entry state, so an iteration is the inner
    # loop and its exit plus the control state, 26 + 1 (the report's "25 + 2"); 3 * 27 + 1 = 82
    assert estimate_nest(loop("outer", 3, body=[op("clear", 1), inner])).latency_cycles == 82
    assert estimate_nest(loop("outer", 3, body=[inner])).latency_cycles == 82
    # a store after the inner loop rides its exit state; a two-state block keeps one of its states
    assert estimate_nest(loop("outer", 3, body=[op("clear", 1), inner, op("store", 1)])).latency_cycles == 82
    assert estimate_nest(loop("outer", 3, body=[op("clear", 2), inner])).latency_cycles == 85
    # next to a pipelined loop nothing is absorbed: 3 * (1 + (4 + 2 + 1) + 1) + 1 = 28
    piped = loop("piped", 5, ii=1, iteration=2)
    assert estimate_nest(loop("outer", 3, body=[op("clear", 1), piped])).latency_cycles == 28
    # the same in a function's sequence: two loops and the code between and after them
    body = [loop("a", 10, body=[op("x", 2)]), op("mid", 1), loop("b", 11, body=[op("y", 4)]), op("out", 1)]
    assert estimate_nest({"region": "fir", "kind": "sequential", "body": body}).latency_cycles == 21 + 45


def test_dataflow_processes_start_when_the_processes_they_read_allow():
    # two loaders read no channel and start at once; compute reads both; store reads compute
    load_a, load_b = loop("load_a", 10, ii=1, iteration=2), loop("load_b", 20, ii=1, iteration=2)
    compute, store = loop("compute", 5, ii=1, iteration=3), loop("store", 5, ii=1, iteration=2)
    body = [load_a, load_b, compute, store]
    region = {"region": "run", "kind": "dataflow", "body": body, "channel": "pipo"}
    # chained (no inputs): 12 + 22 + 8 + 7; over the graph: max(12, 22) + 8 + 7
    assert estimate_nest(region).latency_cycles == 49
    assert estimate_nest(region | {"inputs": [[], [], [0, 1], [2]]}).latency_cycles == 37
    # over FIFOs a consumer starts on its producers' first outputs (2 cycles each here)
    fifo = region | {"channel": "fifo"}
    assert estimate_nest(fifo | {"inputs": [[], [], [0, 1], [2]]}).latency_cycles < estimate_nest(fifo).latency_cycles


@pytest.mark.parametrize("inputs", [[[], []], [[], [], [2], []], [[], [], [0], ["x"]], "all"])
def test_dataflow_inputs_must_name_earlier_processes(inputs):
    body = [op("a", 1), op("b", 1), op("c", 1), op("d", 1)]
    with pytest.raises(ValueError, match="inputs"):
        parse_nest({"region": "run", "kind": "dataflow", "body": body, "inputs": inputs})


def test_a_dataflow_consumer_runs_its_lead_while_it_waits_for_data():
    # the consumer counts its words (10 cycles) before its loop: that needs no input, so it
    # runs while the producer makes its first output (UG1399: a process stalls on an empty FIFO)
    producer = loop("produce", 100, ii=1, iteration=20)  # first output at 20 + 1
    plain = loop("write", 100, ii=1, iteration=2)
    counted = {"region": "write", "kind": "sequential", "body": [op("count", 10), plain]}
    region = {"region": "run", "kind": "dataflow", "channel": "fifo", "inputs": [[], [0]]}
    with_lead = estimate_nest(region | {"body": [producer, counted]}).latency_cycles
    without = estimate_nest(region | {"body": [producer, plain]}).latency_cycles
    assert with_lead == without  # the 10 cycles are hidden behind the producer's first 21


def test_a_fifo_consumer_starts_on_the_first_loop_that_writes_an_output_channel():
    # the producer fills for 50 beats, then emits 100 words in each of two loops; marked, its
    # first output comes from the first emitting loop, not the last (which runs 100 beats later)
    fill = loop("Fill", 50, ii=1, iteration=2)

    def producer(marked: bool) -> dict:
        emits = [loop(name, 100, ii=1, iteration=3) | ({"output": True} if marked else {}) for name in ("A", "B")]
        return {"region": "window", "kind": "sequential", "body": [fill, *emits]}

    consumer = loop("Take", 400, ii=1, iteration=2)
    ends = {}
    for marked in (False, True):
        flow = {"region": "df", "kind": "dataflow", "channel": "fifo", "body": [producer(marked), consumer]}
        ends[marked] = estimate_nest(flow).latency_cycles
    # unmarked: the consumer starts after Fill and A (its 400 beats end ~150 cycles later)
    assert ends[True] <= ends[False] - 100
    with pytest.raises(TypeError, match=r"nest.body\[1\].output='yes' must be true or false"):
        parse_nest({"region": "r", "kind": "sequential", "body": [fill, loop("A", 1, 1, 1) | {"output": "yes"}]})
