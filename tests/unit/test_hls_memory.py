"""hls-estimate's memory, interface and loop rules: ports and banks, bursts and their verdicts,
init loops, tool profiles, loop flattening and dataflow processes."""

from __future__ import annotations

import pytest

from simulator.hls.hls_source import read_source, read_source_verdicts
from simulator.hls.schedule import estimate_nest
from tests.unit.hls_helpers import iis, loops


def bursts_per(kernel, source: str, top: str, placeholder: str, values) -> dict:
    """The burst verdicts of ``source`` (Vitis HLS 2023.2) with ``placeholder`` written as each of ``values``."""
    found = {}
    for value in values:
        kernel.write_text(source.replace(placeholder, value))
        found[value] = read_source_verdicts(kernel, top, tool="vitis_hls:2023.2").bursts
    return found


def test_an_initialized_local_array_costs_a_loop_of_a_word_a_cycle_unless_static_const_or_never_written(tmp_path):
    kernel = tmp_path / "hist.cpp"
    kernel.write_text(
        "void hist(int in[1024], int out[256]) {\n"
        "  int bins[256] = {0};\n"
        "  static int keep[256];\n"
        "  const int table[256] = {1, 2, 3};\n"
        "  int split[256] = {0};\n"
        "#pragma HLS ARRAY_PARTITION variable=split cyclic factor=4\n"
        "  for (int i = 0; i < 1024; i++) {\n"
        "    bins[in[i] & 255] += table[i & 255] + keep[i & 255] + split[i & 255];\n"
        "    split[in[i] & 255] = i;\n"
        "  }\n"
        "  for (int b = 0; b < 256; b++) out[b] = bins[b];\n"
        "}\n"
    )
    found = loops(read_source(kernel, "hist")[0])
    assert found["bins_init"]["trip_count"] == 256
    assert found["split_init"]["trip_count"] == 64  # four banks written at once
    assert "keep_init" not in found and "table_init" not in found
    # an initialized array the function never writes is a ROM: no loop
    kernel.write_text(kernel.read_text().replace("    split[in[i] & 255] = i;\n", ""))
    assert "split_init" not in loops(read_source(kernel, "hist")[0])


def test_burst_and_conflict_verdicts_follow_the_documented_preconditions_and_are_charged(tmp_path):
    from simulator.hls.hls_source import read_source_verdicts

    kernel = tmp_path / "axi.cpp"
    kernel.write_text(
        "void axi(const int *in, int *out, const int *idx, int *io, int gain, int offset) {\n"
        "#pragma HLS INTERFACE m_axi port=in bundle=a\n"
        "#pragma HLS INTERFACE m_axi port=out bundle=b\n"
        "#pragma HLS INTERFACE m_axi port=idx bundle=c\n"
        "#pragma HLS INTERFACE m_axi port=io bundle=d\n"
        "  int bank[64];\n"
        "#pragma HLS ARRAY_PARTITION variable=bank cyclic factor=4\n"
        "Copy:\n"
        "  for (int i = 0; i < 256; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    out[i] = in[i] * gain;\n"
        "  }\n"
        "Strided:\n"
        "  for (int i = 0; i < 64; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    out[i] = in[2 * i];\n"
        "  }\n"
        "Gather:\n"
        "  for (int i = 0; i < 64; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    if (gain > i) out[i] = in[idx[i]];\n"
        "  }\n"
        "InPlace:\n"
        "  for (int i = 0; i < 64; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    io[i] = io[i] + 1;\n"
        "  }\n"
        "Lanes:\n"
        "  for (int i = 0; i < 16; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    for (int l = 0; l < 4; l++) bank[4 * i + l] = bank[offset + 4 * i + l] + l;\n"
        "  }\n"
        "}\n"
    )
    read = read_source_verdicts(kernel, "axi", charge_transactions=True)
    verdicts = {(b.loop, b.port, b.direction): (b.inferred, b.length, b.reason) for b in read.bursts}
    assert verdicts[("Copy", "in", "read")] == (True, 256, None)
    assert verdicts[("Copy", "out", "write")] == (True, 256, None)
    assert verdicts[("Strided", "in", "read")] == (False, None, "the stride is 2 elements, not sequential")
    assert verdicts[("Gather", "in", "read")][2] == "the access is in a conditional branch"
    assert verdicts[("Gather", "idx", "read")][2] == "the access is in a conditional branch"
    assert verdicts[("InPlace", "io", "read")][0] and verdicts[("InPlace", "io", "write")][0]
    ii = {loop["loop"]: loop["pipeline_ii"] for loop in loops(read.nest).values()}
    assert ii["Copy"] == 1 and ii["Strided"] == 4  # 64-cycle round trip / 16 outstanding reads
    conflicts = {conflict.loop: conflict for conflict in read.conflicts}
    assert set(conflicts) == {"Strided", "Gather", "Lanes"}
    assert ii["Lanes"] == conflicts["Lanes"].ii == 2  # 4 reads whose banks are unknown share 2 ports
    assert "banks are not known" in conflicts["Lanes"].reason
    # as csynth schedules it (the default), an access without a burst keeps the II: the verdict stays
    scheduled = read_source_verdicts(kernel, "axi")
    assert {loop["loop"]: loop["pipeline_ii"] for loop in loops(scheduled.nest).values()}["Strided"] == 1
    assert [(b.loop, b.inferred) for b in scheduled.bursts] == [(b.loop, b.inferred) for b in read.bursts]


def test_tool_profiles_set_automatic_pipelining_and_storage_types_set_an_arguments_ports(tmp_path):
    from simulator.hls.hls_tools import Tool

    kernel = tmp_path / "sum4.cpp"
    kernel.write_text(
        "int sum4(int x[256]) {\n"
        "  int s = 0;\n"
        "  for (int i = 0; i < 64; i++) {\n"
        "    for (int l = 0; l < 4; l++) {\n"
        "#pragma HLS UNROLL\n"
        "      s += x[4 * i + l];\n"
        "    }\n"
        "  }\n"
        "  return s;\n"
        "}\n"
    )
    vitis = loops(read_source(kernel, "sum4", tool="vitis_hls:2023.2")[0])
    vivado = loops(read_source(kernel, "sum4", tool="vivado_hls:2019.2")[0])
    assert vitis["VITIS_LOOP_3_1"]["pipeline_ii"] is not None  # pipelined unasked
    assert {loop["pipeline_ii"] for loop in vivado.values()} == {None}  # Vivado HLS pipelines nothing unasked
    pipelined = kernel.read_text().replace("i++) {\n", "i++) {\n#pragma HLS PIPELINE\n")
    kernel.write_text(pipelined)
    dual = {
        tool: loops(read_source(kernel, "sum4", tool=tool)[0])["VITIS_LOOP_3_1"]["pipeline_ii"]
        for tool in ("vitis_hls:2023.2", "vivado_hls:2019.2")
    }
    assert set(dual.values()) == {2}  # four reads an iteration on the two ports of an argument, in both families
    kernel.write_text(pipelined.replace("  int s = 0;\n", "#pragma HLS INTERFACE bram port=x\n  int s = 0;\n"))
    single = loops(read_source(kernel, "sum4")[0])["VITIS_LOOP_4_1"]["pipeline_ii"]  # a line lower
    assert single == 4  # the reads share one port
    with pytest.raises(ValueError, match=r"tool 'vitis:2023' is not of the form"):
        Tool.parse("vitis:2023")
    with pytest.raises(ValueError, match=r"vivado_hls:2021.1 does not exist"):
        Tool.parse("vivado_hls:2021.1")
    assert Tool.from_report("Vivado HLS 2019.2") == Tool.parse("vivado_hls:2019.2")
    assert Tool.from_report("Vitis HLS 2023.2") == Tool.parse("vitis_hls:2023.2")


def test_an_element_read_and_written_at_an_address_the_loop_does_not_change_is_a_register(tmp_path):
    kernel = tmp_path / "mm.cpp"
    source = (
        "void mm(int a[8][8], int b[8][8], int c[8][8]) {\n"
        "  for (int i = 0; i < 8; i++)\n"
        "    for (int j = 0; j < 8; j++) {\n"
        "      c[i][j] = 0;\n"
        "    Product:\n"
        "      for (int k = 0; k < 8; k++) {\n"
        "#pragma HLS PIPELINE off\n"
        "        c[i][j] += k;\n"
        "      }\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(source)
    promoted = loops(read_source(kernel, "mm", tool="vivado_hls:2019.2")[0])["Product"]
    kernel.write_text(source.replace("c[i][j] += k", "c[i][k] += k"))  # the address moves with k
    in_memory = loops(read_source(kernel, "mm", tool="vivado_hls:2019.2")[0])["Product"]
    body = [node["latency"] for node in promoted["body"] if "op" in node]
    assert body < [node["latency"] for node in in_memory["body"] if "op" in node]  # no read of c before the add


def test_run_time_bounds_take_a_tripcount_expression_or_the_extent_of_the_arrays_they_index(tmp_path):
    kernel = tmp_path / "bounds.cpp"
    kernel.write_text(
        "const int SIDE = 16;\n"
        "void bounds(int a[100], int *b, int n, int m) {\n"
        "Extent:\n"
        "  for (int i = 0; i < n; i++) a[i + 4] = i;\n"
        "Expression:\n"
        "  for (int j = 0; j < m; j++) {\n"
        "#pragma HLS LOOP_TRIPCOUNT min = SIDE * 2 max = SIDE * SIDE\n"
        "    b[j] = sizeof(int) * j;\n"
        "  }\n"
        "}\n"
    )
    largest, smallest, warnings = read_source(kernel, "bounds")
    assert loops(largest)["Extent"]["trip_count"] == 96  # a[i + 4] stays inside a[100]
    assert loops(smallest)["Extent"]["trip_count"] == 0
    assert any("assumed 0 to 96 trips" in warning for warning in warnings)
    assert (loops(smallest)["Expression"]["trip_count"], loops(largest)["Expression"]["trip_count"]) == (32, 256)


def test_processes_that_pass_an_array_run_back_to_back_and_streams_let_them_overlap(tmp_path):
    kernel = tmp_path / "flow.cpp"
    template = (
        "#include <hls_stream.h>\n"
        "static const int table[4] = {1, 2, 3, 4};\n"
        "void flow(hls::stream<int> &in, hls::stream<int> &out) {\n"
        "#pragma HLS DATAFLOW\n"
        "  CHANNEL\n"
        "Produce:\n"
        "  for (int i = 0; i < 256; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    WRITE\n"
        "  }\n"
        "Consume:\n"
        "  for (int i = 0; i < 256; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    READ\n"
        "  }\n"
        "}\n"
    )
    through_array = template.replace("CHANNEL", "int mid[256];").replace("WRITE", "mid[i] = in.read() * table[i & 3];")
    kernel.write_text(through_array.replace("READ", "out.write(mid[i]);"))
    array = read_source(kernel, "flow")[0]
    through_stream = template.replace("CHANNEL", "hls::stream<int> mid;").replace("WRITE", "mid.write(in.read());")
    kernel.write_text(through_stream.replace("READ", "out.write(mid.read());"))
    stream = read_source(kernel, "flow")[0]
    assert (array["channel"], stream["channel"]) == ("pipo", "fifo")  # the read-only table is no channel
    assert estimate_nest(array).latency_cycles > 500 > estimate_nest(stream).latency_cycles


def test_unrolled_copies_that_reach_one_element_share_its_access(tmp_path):
    kernel = tmp_path / "window.cpp"
    kernel.write_text(
        "void window(int in[80], int out[64]) {\n"
        "Slide:\n"
        "  for (int x = 0; x < 64; x++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    int acc = 0;\n"
        "    for (int a = 0; a < 2; a++) {\n"
        "#pragma HLS UNROLL\n"
        "      for (int k = 0; k < 3; k++) {\n"
        "#pragma HLS UNROLL\n"
        "        int at = x + a + k;\n"
        "        acc += in[at];\n"
        "      }\n"
        "    }\n"
        "    out[x] = acc;\n"
        "  }\n"
        "}\n"
    )
    # six copies read in[x .. x + 3]: four elements on two ports
    assert loops(read_source(kernel, "window")[0])["Slide"]["pipeline_ii"] == 2


def test_a_pointer_only_dereferenced_is_a_scalar_port_and_settled_logic_takes_no_state(tmp_path):
    kernel = tmp_path / "leds.cpp"
    kernel.write_text("void leds(unsigned char *out, unsigned char *mem, unsigned char x) {\n  *out = 0xF0;\n}\n")
    assert estimate_nest(read_source(kernel, "leds")[0]).latency_cycles == 0  # a wire, as csynth reports it
    kernel.write_text(kernel.read_text().replace("*out = 0xF0;", "*out = mem[x];"))
    assert estimate_nest(read_source(kernel, "leds")[0]).latency_cycles >= 1  # mem is indexed: a memory read


def test_a_pipelined_function_unrolls_its_loops_and_its_ports_bound_the_interval(tmp_path):
    """UG1399 "pipeline": the loops below a pipelined function are unrolled; 9 writes of z on
    its two ports take 5 cycles (the UG871 matrixmul pipelined at the top: x and y reshaped,
    latency 10, interval 5 in the Vitis reports of tests/data/hls_reports/)."""
    kernel = tmp_path / "mm.cpp"
    kernel.write_text(
        "void mm(char x[3][3], char y[3][3], short z[3][3]) {\n"
        "#pragma HLS PIPELINE\n"
        "#pragma HLS ARRAY_RESHAPE variable=x complete dim=2\n"
        "#pragma HLS ARRAY_RESHAPE variable=y complete dim=1\n"
        "Row: for (int r = 0; r < 3; r++)\n"
        "  Col: for (int c = 0; c < 3; c++) {\n"
        "    z[r][c] = 0;\n"
        "    Product: for (int k = 0; k < 3; k++) z[r][c] += x[r][k] * y[k][c];\n"
        "  }\n"
        "}\n"
    )
    read = read_source_verdicts(kernel, "mm", tool="vitis_hls:2022.1")
    top = loops(read.nest)["mm"]
    assert top["trip_count"] == 1 and top["pipeline_ii"] == 5  # ceil(9 writes / 2 ports)
    assert [conflict.array for conflict in read.conflicts] == ["z"]
    assert "Row" not in loops(read.nest)  # unrolled, no loop of its own


def test_vivado_hls_flattens_perfect_nests_only_and_reads_an_accumulator_a_pipeline_keeps_in_memory(tmp_path):
    """Vivado HLS (UG902 "Loop Flatten"): a statement between the loops keeps them apart; its
    pipelined Product reads and writes res every iteration (nehagour-lab, cpantel reports),
    where Vitis HLS keeps res in a register; Vivado HLS's clock uncertainty is 12.5 %."""
    from simulator.hls.hls_tools import Tool

    kernel = tmp_path / "mm.cpp"
    kernel.write_text(
        "void mm(char a[5][5], char b[5][5], short res[5][5]) {\n"
        "Row: for (int i = 0; i < 5; i++)\n"
        "  Col: for (int j = 0; j < 5; j++) {\n"
        "    res[i][j] = 0;\n"
        "    Product: for (int k = 0, t = 0; k < 5; k++, t++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "      res[i][j] += a[i][k] * b[k][j];\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    vivado = loops(read_source(kernel, "mm", tool="vivado_hls:2018.2", clock_ns=5.0, part="xc7z020")[0])
    vitis = loops(read_source(kernel, "mm", tool="vitis_hls:2022.1", clock_ns=5.0, part="xc7z020")[0])
    assert "Row_Col_Product" in vitis and "Product" in vivado  # Vitis flattens the semi-perfect nest
    assert vivado["Product"]["trip_count"] == 5  # the comma-separated header: k's own count
    assert vivado["Product"]["pipeline_ii"] >= 2 and vitis["Row_Col_Product"]["pipeline_ii"] == 1
    assert Tool.parse("vivado_hls:2018.2").clock_uncertainty == 0.125
    assert Tool.parse("vitis_hls:2022.1").clock_uncertainty == 0.27


def test_a_short_innermost_loop_under_a_parent_kept_unpipelined_runs_plain(tmp_path):
    """Vitis pipelines a loop of fewer trips than ``-pipeline_loops`` by unrolling it into its
    parent; with the parent's pipeline off it is neither unrolled nor pipelined."""
    kernel = tmp_path / "short.cpp"
    source = (
        "void short_loops(int a[4][3], int out[4]) {\n"
        "Outer: for (int i = 0; i < 4; i++) {\n"
        "  PRAGMA\n"
        "  int sum = 0;\n"
        "  Inner: for (int k = 0; k < 3; k++) sum += a[i][k];\n"
        "  out[i] = sum;\n"
        "}\n"
        "}\n"
    )
    kernel.write_text(source.replace("PRAGMA", "#pragma HLS PIPELINE off"))
    off = loops(read_source(kernel, "short_loops", tool="vitis_hls:2022.1")[0])
    assert off["Outer"]["pipeline_ii"] is None and off["Inner"]["pipeline_ii"] is None
    kernel.write_text(source.replace("PRAGMA", ""))
    auto = loops(read_source(kernel, "short_loops", tool="vitis_hls:2022.1")[0])
    # a short parent with statements of its own takes the short loop unrolled and is pipelined
    # (II 2: three reads of a on its two ports, as bol-edu's matrixmul reports)
    assert "Outer_Inner" not in auto and auto["Outer"]["pipeline_ii"] == 2 and auto["Outer"]["trip_count"] == 4


def test_config_dataflow_default_channel_fifo_overlaps_processes_passing_arrays(tmp_path):
    """UG1399 "config_dataflow": arrays between dataflow processes are ping-pong buffers by
    default (a process starts when the one before it ends); with -default_channel fifo they
    are FIFOs and the processes overlap."""
    kernel = tmp_path / "flow.cpp"
    kernel.write_text(
        "void produce(const int in[256], int mid[256]) { for (int i = 0; i < 256; i++) mid[i] = in[i] * 3; }\n"
        "void consume(const int mid[256], int out[256]) { for (int i = 0; i < 256; i++) out[i] = mid[i] + 1; }\n"
        "void flow(const int in[256], int out[256]) {\n"
        "#pragma HLS DATAFLOW\n"
        "  int mid[256];\n"
        "  produce(in, mid);\n"
        "  consume(mid, out);\n"
        "}\n"
    )
    directives = tmp_path / "directives.tcl"
    directives.write_text("config_dataflow -default_channel fifo\n")
    pingpong = estimate_nest(read_source(kernel, "flow", tool="vitis_hls:2023.2")[0]).latency_cycles
    fifo = estimate_nest(read_source(kernel, "flow", tool="vitis_hls:2023.2", directives=directives)[0])
    assert fifo.latency_cycles < 0.75 * pingpong


def test_a_nest_around_a_pipelined_burst_loop_flattens_and_keeps_one_burst(tmp_path):
    """Vitis flattens a perfect nest whose pipelined loop reads an m_axi port and reports one
    burst at the outermost loop when the nest walks the port in address order (the CS133
    loaders: bursts of 16 x 256 x 25 weights); the round trip is paid once, not per row."""
    kernel = tmp_path / "load.cpp"
    source = (
        "void load(const float *src, float buf[16][25]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "Rows: for (int o = 0; o < 16; o++)\n"
        "  Cols: for (int k = 0; k < 25; k++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    buf[o][k] = src[INDEX];\n"
        "  }\n"
        "}\n"
    )
    kernel.write_text(source.replace("INDEX", "o * 25 + k"))
    read = read_source_verdicts(kernel, "load", tool="vitis_hls:2023.2")
    (burst,) = read.bursts
    assert burst.inferred and burst.loop == "Rows" and burst.length == 16 * 25
    assert estimate_nest(read.nest).latency_cycles < 16 * 25 + 2 * 64  # one round trip
    kernel.write_text(source.replace("INDEX", "o * 32 + k"))  # rows 32 apart: a burst a row
    (burst,) = read_source_verdicts(kernel, "load", tool="vitis_hls:2023.2").bursts
    assert burst.inferred and burst.loop == "Cols" and burst.length == 25


def test_a_loop_whose_m_axi_access_has_no_burst_is_not_called_a_burst(tmp_path):
    """The region that pays the m_axi latency as a loop starts says "no burst" when the loop's
    verdict is a failed burst (a stride of 2), and "burst" when it is inferred."""
    kernel = tmp_path / "stride.cpp"
    source = (
        "void stride(const int *in, int out[64]) {\n"
        "#pragma HLS INTERFACE m_axi port=in bundle=gmem\n"
        "Copy: for (int i = 0; i < 64; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    out[i] = in[STEP * i];\n"
        "  }\n"
        "}\n"
    )
    names = []
    for step in ("1", "2"):
        kernel.write_text(source.replace("STEP", step))
        names.append([node["region"] for node in read_source(kernel, "stride")[0]["body"] if "region" in node])
    assert names == [["Copy (burst)"], ["Copy (m_axi, no burst)"]]


def test_a_burst_across_a_nest_is_reported_below_an_outer_loop_of_one_trip(tmp_path):
    """Vitis drops a loop of one trip: the nest's burst is reported at the outermost loop that
    runs more than once (the CS133 input loader's LDI_Y under its one-trip LDI_C)."""
    kernel = tmp_path / "plane.cpp"
    kernel.write_text(
        "void plane(const int *src, int buf[1][16][8]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "Chan: for (int c = 0; c < 1; c++)\n"
        "  Row: for (int y = 0; y < 16; y++)\n"
        "    Col: for (int x = 0; x < 8; x++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "      buf[c][y][x] = src[c * 128 + y * 8 + x];\n"
        "    }\n"
        "}\n"
    )
    (burst,) = read_source_verdicts(kernel, "plane", tool="vitis_hls:2023.2").bursts
    assert burst.inferred and burst.loop == "Row" and burst.length == 128


WIDEN = """
static void fetch(const int *src, int plane[8][16], int c) {
FETCH_Y:
    for (int y = 0; y < 8; y++)
    FETCH_X:
        for (int x = 0; x < 16; x++) {
#pragma HLS PIPELINE II=1
            plane[y][x] = src[INDEX];
        }
}

void layer(const int *src, int out[8]) {
#pragma HLS INTERFACE m_axi port=src bundle=gmem
    int plane[8][16];
OUT_CH:
    for (int o = 0; o < 8; o++) {
    IN_CH:
        for (int c = 0; c < 4; c++) {
            GUARD fetch(src, plane, c);
            out[o] += plane[c][o];
        }
    }
}
"""


def test_a_burst_widens_to_the_loops_around_it_while_they_walk_the_port_in_address_order(tmp_path):
    """Vitis widens an inner loop's burst to a loop around it that is not pipelined when each of
    its iterations runs the inner burst unconditionally, starting after the last one's last
    element: 214-115 at the outermost such loop, and 214-229 "Could not analyze pattern" at the
    loop where that stops (Ritarka's tiled convolution: the input plane read in CHANNEL_LOOP,
    not lifted to KERNEL_LOOP, which reads the same input for every output channel)."""
    kernel = tmp_path / "layer.cpp"

    def verdicts(index: str, guard: str = "", inline: str = "") -> dict:
        source = WIDEN.replace("INDEX", index).replace("GUARD", guard)
        kernel.write_text(source.replace("int c) {\n", "int c) {\n" + inline))
        read = read_source_verdicts(kernel, "layer", tool="vitis_hls:2023.2")
        return {burst.loop: (burst.inferred, burst.length, burst.within) for burst in read.bursts}

    # the flattened fetch nest bursts 128 words; IN_CH's next plane starts after the last: 4 x 128
    # in IN_CH; OUT_CH reads the same planes again: the burst is not widened to it
    assert verdicts("c * 128 + y * 16 + x") == {"IN_CH": (True, 512, None), "OUT_CH": (False, None, "IN_CH")}
    # planes 256 words apart: the burst stays in the fetch nest, IN_CH cannot widen it
    assert verdicts("c * 256 + y * 16 + x") == {"FETCH_Y": (True, 128, None), "IN_CH": (False, None, "FETCH_Y")}
    # the fetch runs under a test in IN_CH: its burst is in a conditional branch there
    found = verdicts("c * 128 + y * 16 + x", guard="if (o > 0)")
    assert found["FETCH_Y"][0] and found["IN_CH"] == (False, None, "FETCH_Y")
    # a sub-module's burst stays in it: no loop of the caller widens it
    assert verdicts("c * 128 + y * 16 + x", inline="#pragma HLS INLINE off\n") == {"FETCH_Y": (True, 128, None)}


def test_a_verdict_names_the_tops_port_through_every_call(tmp_path):
    """An access two calls down is reported on the top's m_axi port that reaches it, not on the
    callee's parameter (csr_row_gather: dB0..dB3 passed to unit, then to copy_rows)."""
    kernel = tmp_path / "chain.cpp"
    kernel.write_text(
        "static void leaf(const int *mem, int buf[64]) {\n"
        "Copy: for (int i = 0; i < 64; i++) {\n#pragma HLS PIPELINE II=1\n    buf[i] = mem[i];\n  }\n}\n"
        "static void middle(const int *src, int buf[64]) { leaf(src, buf); }\n"
        "void chain(const int *first, int buf[64]) {\n#pragma HLS INTERFACE m_axi port=first bundle=gmem\n"
        "    middle(first, buf);\n}\n"
    )
    (burst,) = read_source_verdicts(kernel, "chain", tool="vitis_hls:2023.2").bursts
    assert burst.port == "first" and burst.inferred


def test_a_branch_the_loop_ranges_decide_folds_away_and_its_access_bursts(tmp_path):
    """A padding test the loop ranges settle (y < 0 for y from 0) is known to the compiler: the
    load in its else branch is unconditional and bursts (Ritarka's 1x1 convolution with
    PADDING 0, 214-115); a test that can go either way keeps the load conditional (214-232)."""
    kernel = tmp_path / "pad.cpp"
    source = (
        "void pad(const int *src, int buf[8][16]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "Rows: for (int y = 0; y < 8; y++)\n"
        "  Cols: for (int x = 0; x < 16; x++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    if ((y < LOW && x >= 0) || x > 15) buf[y][x] = 0;\n"
        "    else buf[y][x] = src[y * 16 + x];\n"
        "  }\n"
        "}\n"
    )
    found = {
        low: [(burst.inferred, burst.reason) for burst in bursts]
        for low, bursts in bursts_per(kernel, source, "pad", "LOW", ("0", "1")).items()
    }
    assert found["0"] == [(True, None)]
    assert found["1"] == [(False, "the access is in a conditional branch")]


GATHER = """
void gather(const int *mem, const int idx[4], int rows[4][64], int len) {
#pragma HLS INTERFACE m_axi port=mem bundle=gmem
Rows:
    for (int g = 0; g < 4; g++) {
#pragma HLS PIPELINE II=1
    Copy:
        for (int j = 0; j < BOUND; j++) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
            rows[g][j] = mem[idx[g] * 64 + j];
        }
    }
}
"""


def test_a_pipeline_around_a_loop_of_run_time_trips_is_not_satisfied_and_its_burst_reads_a_base_once(tmp_path):
    """A loop of run-time trips cannot be unrolled into the loop pipelined around it: Vitis
    warns "Unable to satisfy pipeline directive ... contains subloop(s) that are not unrolled"
    (SCHED 204-65) and the outer loop runs plain. The inner loop's read at ``idx[g] * 64 + j``
    reads its base from memory once per run (idx[g] moves with g, not with j): a burst
    (csr_row_gather's row copy, 214-115 in VITIS_LOOP_114_2)."""
    kernel = tmp_path / "gather.cpp"
    kernel.write_text(GATHER.replace("BOUND", "len"))
    read = read_source_verdicts(kernel, "gather", tool="vitis_hls:2023.2")
    assert any("unable to satisfy the pipeline directive of loop 'Rows'" in warning for warning in read.warnings)
    assert iis(read.nest) == {"Rows": None, "Copy": 1}
    verdicts = {burst.loop: (burst.inferred, burst.within) for burst in read.bursts}
    assert verdicts["Copy"] == (True, None)
    assert verdicts["Rows"] == (False, "Copy")  # a run of run-time length: not widened
    # a constant bound unrolls into the pipeline, which is satisfied (its 64 reads of one port
    # an iteration set its II)
    kernel.write_text(GATHER.replace("BOUND", "64"))
    read = read_source_verdicts(kernel, "gather", tool="vitis_hls:2023.2")
    assert iis(read.nest) == {"Rows": 64} and not read.warnings
    # an index that moves with the loop reads its address from memory: no burst
    kernel.write_text(GATHER.replace("BOUND", "len").replace("idx[g] * 64 + j", "idx[j]"))
    (burst,) = read_source_verdicts(kernel, "gather", tool="vitis_hls:2023.2").bursts
    assert not burst.inferred and "indirect" in (burst.reason or "")


def test_the_copies_of_a_loop_unrolled_completely_burst_together_when_they_cover_consecutive_words(tmp_path):
    """A loop unrolled completely is straight-line code: its copies' reads of one port burst
    together when they reach consecutive addresses, each once (nms_scatter: coords[4 * n + k]
    for 100 boxes and four k, one burst of length 400); two of every four words leave gaps."""
    kernel = tmp_path / "pairs.cpp"
    source = (
        "void pairs(const int *src, int out[8]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "Load: for (int n = 0; n < 8; n++) {\n"
        "#pragma HLS UNROLL\n"
        "    out[n] = src[STRIDE * n] + src[STRIDE * n + 1];\n"
        "  }\n"
        "}\n"
    )
    found = {
        stride: sorted((burst.inferred, burst.length) for burst in bursts)
        for stride, bursts in bursts_per(kernel, source, "pairs", "STRIDE", ("2", "4")).items()
    }
    assert found["2"] == [(True, 16), (True, 16)]
    assert found["4"] == [(False, None), (False, None)]


def test_two_reads_of_one_loop_on_one_bundle_burst_neither(tmp_path):
    """UG1399 "Preconditions and Limitations of Burst Transfer": accesses in one direction on
    one bundle in one region get no burst (214-224: Ritarka's residual add reads the skip input
    and the output map on bundle fm); on bundles of their own both burst."""
    kernel = tmp_path / "add.cpp"
    source = (
        "void add(const int *a, const int *b, int out[64]) {\n"
        "#pragma HLS INTERFACE m_axi port=a bundle=gmem0\n"
        "#pragma HLS INTERFACE m_axi port=b bundle=BUNDLE\n"
        "Sum: for (int i = 0; i < 64; i++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    out[i] = a[i] + b[i];\n"
        "  }\n"
        "}\n"
    )
    found = {
        bundle: sorted((burst.port, burst.inferred) for burst in bursts)
        for bundle, bursts in bursts_per(kernel, source, "add", "BUNDLE", ("gmem0", "gmem1")).items()
    }
    assert found["gmem1"] == [("a", True), ("b", True)]
    assert found["gmem0"] == [("a", False), ("b", False)]


def test_a_flattened_nest_whose_access_has_no_burst_is_not_called_a_burst(tmp_path):
    """The region a flattened nest's m_axi loop becomes keeps its pipelined loop's verdict: a
    write under a ReLU test has no burst (Ritarka's store, 214-232), so the nest says so."""
    kernel = tmp_path / "relu.cpp"
    source = (
        "void relu(const int in[8][16], int *out) {\n"
        "#pragma HLS INTERFACE m_axi port=out bundle=gmem\n"
        "Rows: for (int y = 0; y < 8; y++)\n"
        "  Cols: for (int x = 0; x < 16; x++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    STORE\n"
        "  }\n"
        "}\n"
    )
    names = []
    for store in (
        "out[y * 16 + x] = in[y][x];",
        "if (in[y][x] < 0) out[y * 16 + x] = 0; else out[y * 16 + x] = in[y][x];",
    ):
        kernel.write_text(source.replace("STORE", store))
        names.append([node["region"] for node in read_source(kernel, "relu")[0]["body"] if "region" in node])
    assert names == [["Rows_Cols (burst)"], ["Rows_Cols (m_axi, no burst)"]]


def test_a_loop_of_one_trip_around_a_burst_does_not_stop_it_widening(tmp_path):
    """A loop of one trip has no next iteration to start in address order: the burst widens
    through it to the loop around it (Ritarka's tile loops of one trip around CHANNEL_LOOP)."""
    kernel = tmp_path / "tile.cpp"
    kernel.write_text(
        "void tile(const int *src, int out[4][8]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "Outer: for (int o = 0; o < 2; o++)\n"
        "  Tile: for (int t = 0; t < 1; t++)\n"
        "    Chan: for (int c = 0; c < 4; c++)\n"
        "      Copy: for (int x = 0; x < 8; x++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "        out[c][x] = src[o * 32 + t * 1000 + c * 8 + x];\n"
        "      }\n"
        "}\n"
    )
    bursts = read_source_verdicts(kernel, "tile", tool="vitis_hls:2023.2").bursts
    assert [(burst.loop, burst.inferred, burst.length) for burst in bursts] == [("Outer", True, 64)]
