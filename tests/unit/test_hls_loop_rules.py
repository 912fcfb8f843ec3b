"""More rules of the HLS source reader measured on the corpus' reports: loops written as while
loops, ports shared by unrolled loops, operator chains, bursts fed by slower processes, branches
and registers in code that is not pipelined, the m_axi latency of each flow. Each test compares
two kernels that differ in the one construct."""

from __future__ import annotations

from simulator.hls.hls_source import estimate_source, read_source, read_source_verdicts
from simulator.hls.schedule import estimate_nest
from tests.unit.hls_helpers import iis, latency


def loops(node: dict) -> dict[str, int]:
    found = {node["loop"]: node["trip_count"]} if "loop" in node else {}
    for child in node.get("body", []):
        found |= loops(child)
    return found


def test_a_counting_while_loop_and_a_step_written_out_have_known_trips(tmp_path):
    # while (e < 100) { ...; e = e + 1; } with int e = 0 counts like a for loop, and so does
    # for (t = 9; t > 0; t = t - 1): neither is '?' (robertszafa's matching, augustkrzhu's FIR)
    kernel = tmp_path / "count.cpp"
    kernel.write_text(
        "void count(int a[100], int b[10]) {\n    int e = 0;\nWalk:\n    while (e < 100) {\n"
        "        a[e] = a[e] + 1;\n        e = e + 1;\n    }\n    int t;\nDown:\n"
        "    for (t = 9; t > 0; t = t - 1) {\n        b[t] = b[t - 1];\n    }\n}\n"
    )
    nest, warnings = read_source(kernel, "count", tool="vivado_hls:2019.2")[:2]
    assert loops(nest) == {"Walk": 100, "Down": 9}
    # changed in a second place, the counter no longer counts: csynth's '?' and a warning
    kernel.write_text(kernel.read_text().replace("a[e] = a[e] + 1;", "a[e] = a[e] + 1;\n        if (a[e] > 5) e++;"))
    assert loops(read_source(kernel, "count", tool="vivado_hls:2019.2")[0])["Walk"] != 100


ACCUMULATE = """
#define CHANS 8
void accumulate(short out[32], short in[32]) {
    static int totals[8];
{pragmas}
Channels:
    for (int n = 0; n < 32; n++) {
#pragma HLS UNROLL
        int ch = n % {chans};
        totals[ch] = totals[ch] + in[n];
        out[n] = totals[ch];
    }
}
"""


def test_an_unrolled_loop_in_sequential_code_shares_the_ports_of_each_memory(tmp_path):
    options = {"tool": "vivado_hls:2015.3", "clock_ns": 10.0, "part": "xc7z020-clg484-1"}

    def of(pragmas: str, chans: str = "CHANS") -> int:
        source = ACCUMULATE.replace("{pragmas}", pragmas).replace("{chans}", chans)
        return latency(tmp_path / "accumulate.cpp", source, "accumulate", **options)

    # 32 reads of in on 2 ports, 32 writes of out on 2 ports: at least 16 states; the copies
    # reach 8 elements of totals (a macro's value tells them apart, as the literal does)
    plain = of("")
    assert plain >= 16 and plain == of("", chans="8")
    # each argument split into 4 banks and totals into registers: a quarter of the states
    banked = of(
        "#pragma HLS ARRAY_PARTITION variable=in block factor=4\n"
        "#pragma HLS ARRAY_PARTITION variable=out block factor=4\n"
        "#pragma HLS ARRAY_PARTITION variable=totals complete"
    )
    assert banked < plain / 2
    # out as an ap_fifo: 32 writes, one a state
    assert of("#pragma HLS INTERFACE ap_fifo port=out") >= 32


def test_a_chain_of_one_associative_integer_operator_is_balanced(tmp_path):
    # sixteen values xor-ed in one expression: four levels of logic, not fifteen (UG1399
    # "Expression Balancing"); a float sum is left in its written order (three fadds, not two)
    terms = " ^ ".join(f"in[{k}]" for k in range(16))
    source = "void fold(const int in[16], int *out) {\n#pragma HLS ARRAY_PARTITION variable=in complete\n"
    source += f"    *out = {terms};\n}}\n"
    options = {"tool": "vitis_hls:2023.2", "clock_ns": 2.0, "part": "xcvu9p-flga2104-2-e"}
    assert latency(tmp_path / "fold.cpp", source, "fold", **options) <= 2
    float_sum = "void total(const float in[4], float *out) {\n#pragma HLS ARRAY_PARTITION variable=in complete\n"
    float_sum += "    *out = in[0] + in[1] + in[2] + in[3];\n}\n"
    three = latency(tmp_path / "total.cpp", float_sum, "total", **options)
    two = latency(tmp_path / "pair.cpp", float_sum.replace(" + in[2] + in[3]", " + in[2]"), "total", **options)
    assert three > two


SLOW_PRODUCER = """
#include <hls_stream.h>

static void produce(hls::stream<int>& to) {
Produce:
    for (int n = 0; n < 64; n++) {
#pragma HLS PIPELINE II=4
        to.write(n * n);
    }
}

static void drain(hls::stream<int>& from, int* out) {
Drain:
    for (int n = 0; n < 64; n++) {
#pragma HLS PIPELINE II=1
        out[n] = from.read();
    }
}

void top(int* out) {
#pragma HLS INTERFACE m_axi port=out latency=64
#pragma HLS DATAFLOW
    hls::stream<int> words;
    produce(words);
    drain(words, out);
}
"""


def test_a_write_burst_fed_by_a_slower_process_ends_with_its_response_after_the_last_beat(tmp_path):
    # the writer takes its last word when the producer ends (64 words at II 4), then writes it
    # and waits the write response: the m_axi latency cannot overlap the wait for data
    total = latency(tmp_path / "flow.cpp", SLOW_PRODUCER, "top", tool="vitis_hls:2023.2", clock_ns=4.0)
    assert total >= 63 * 4 + 64


TAPS = """
void taps(int *y, int x, int h[11]) {
    static int line[11];
    int acc = 0;
Taps:
    for (int t = 10; t >= 0; t--) {
        {pragma}
        if (t == 0) {
            line[0] = x;
        } else {
            line[t] = line[t - 1];
            acc += line[t] * h[t];
        }
    }
    *y = acc;
}
"""


def test_code_that_is_not_pipelined_takes_its_shortest_branch_in_the_smallest_latency(tmp_path):
    # csynth's min latency follows each iteration's shortest branch in a state machine
    # (hanyax's FIR, Vivado HLS 2019.1: 11 taps of 2 or 4 states, 23 ~ 45); a pipelined
    # iteration schedules both branches, so its latency is one number
    kernel = tmp_path / "taps.cpp"
    options = {"tool": "vivado_hls:2019.1", "clock_ns": 10.0, "part": "xc7z020-clg400-1"}
    kernel.write_text(TAPS.replace("{pragma}", ""))
    found = read_source_verdicts(kernel, "taps", **options)
    assert found.smallest is not None
    assert estimate_nest(found.smallest).latency_cycles < estimate_nest(found.nest).latency_cycles
    kernel.write_text(TAPS.replace("{pragma}", "#pragma HLS PIPELINE II=1"))
    assert read_source_verdicts(kernel, "taps", **options).smallest is None


PACK = """
#include <stdint.h>

void pack(const uint8_t src[8], uint64_t k, uint64_t *out) {
    uint64_t acc = 0;
    for (uint64_t b = 0; b < 8; ++b) {
#pragma HLS PIPELINE II=1
        acc |= ((uint64_t)src[b] << (56 - {product}));
    }
    *out = acc;
}
"""


def test_a_multiply_by_a_power_of_two_on_either_side_is_a_shift(tmp_path):
    # 8 * b is b << 3 (LLVM's instcombine rewrites a multiply by a power of two as a shift before
    # Vitis schedules): no multiplier, whichever side the constant is on; teo3300's byte packer
    # under Vitis 2021.2: an iteration of 2 states (the read, then shift and or)
    options = {"tool": "vitis_hls:2021.2", "clock_ns": 10.0, "part": "xc7k160t-fbv484-2"}
    left = latency(tmp_path / "left.cpp", PACK.replace("{product}", "8 * b"), "pack", **options)
    right = latency(tmp_path / "right.cpp", PACK.replace("{product}", "b * 8"), "pack", **options)
    shifted = latency(tmp_path / "shift.cpp", PACK.replace("{product}", "(b << 3)"), "pack", **options)
    variable = latency(tmp_path / "variable.cpp", PACK.replace("{product}", "k * b"), "pack", **options)
    assert left == right == shifted
    assert variable > left  # a multiplier's states


SCALE = """
void scale(int src[64], int dst[64]) {
Scale:
    for (int n = 0; n < 64; n++) {
#pragma HLS PIPELINE off
        dst[n] = src[n] * {constant};
    }
}
"""


def test_a_multiply_by_a_constant_of_two_signed_digits_is_one_add_and_of_more_a_multiplier(tmp_path):
    # x * 33 = (x << 5) + x and x * 7 = (x << 3) - x: one adder; x * 22 = (x << 5) - (x << 3) - (x << 1)
    # is bound to a multiplier of the constant's width: danila's scale loops (Vitis HLS 2021.2 on
    # an automotive Artix-7, xa7a12t, whose fabric is 7 series; 1 ns of clock uncertainty in the
    # solution) take 2 states for * 33 and 3 for * 22
    directives = tmp_path / "directives.tcl"
    directives.write_text("set_clock_uncertainty 1\n")
    options = {"tool": "vitis_hls:2021.2", "clock_ns": 10.0, "part": "xa7a12t-csg325-1Q", "directives": directives}

    def iteration(constant: str) -> int:
        path = tmp_path / "scale.cpp"
        path.write_text(SCALE.replace("{constant}", constant))
        (loop,) = [node for node in read_source(path, "scale", **options)[0]["body"] if node.get("loop") == "Scale"]
        return loop["body"][0]["latency"]

    assert iteration("32") == iteration("33") == iteration("7") == 2  # read, then shift-add and write
    assert iteration("22") > iteration("33")  # a multiplier's states


HISTORY = """
int history(int x) {
    static int line[34];
    line[33] = x;
    for (int t = 0; t < 33; t++) {
#pragma HLS {unroll}
        line[t] = line[t + 1];
    }
    return line[0];
}
"""


def test_a_static_array_read_and_written_only_at_known_indices_is_registers(tmp_path):
    # LLVM's scalar replacement splits an array every access of which names one element at
    # compile time (a fully unrolled loop's variable, a constant) into one value per element,
    # static or not: bojanfaletic's 34-sample history under Vitis 2020.2 is 493 flip-flops and
    # no memory port; a shift loop left rolled reaches a run-time element: a memory
    options = {"tool": "vitis_hls:2020.2", "clock_ns": 10.0, "part": "xc7a200t-fbg676-2"}
    registers = latency(tmp_path / "full.cpp", HISTORY.replace("{unroll}", "UNROLL"), "history", **options)
    memory = latency(tmp_path / "rolled.cpp", HISTORY.replace("{unroll}", "PIPELINE off"), "history", **options)
    assert registers <= 4 and memory >= 33  # 33 reads and 33 writes one after another


ADDER = """
void adder(char *x, char *y, char *sum) {
{ports}
    *sum += *x + *y;
}
"""


def test_a_top_of_logic_on_scalar_ports_takes_no_state(tmp_path):
    # UG1399 "S_AXILITE": a pointer to a scalar is a register of the adapter, not a memory (a
    # dereference added to, ``*sum +=``, is no pointer arithmetic); two adds settle within the
    # cycle they start in: j1hye0n's adder reports latency 0
    kernel = tmp_path / "adder.cpp"
    lite = "\n".join(f"#pragma HLS INTERFACE s_axilite port={port}" for port in ("x", "y", "sum", "return"))
    assert latency(kernel, ADDER.replace("{ports}", lite), "adder", tool="vitis_hls:2024.2") == 0
    assert latency(kernel, ADDER.replace("{ports}", ""), "adder", tool="vitis_hls:2024.2") == 0
    # an array port indexed is a memory: its read takes a state
    indexed = ADDER.replace("{ports}", "").replace("*x", "x[1]")
    assert latency(kernel, indexed, "adder", tool="vitis_hls:2024.2") >= 1


CHAIN = """
void chain(int m[400], int ridx[400], int cidx[400], int coef[400]) {
Outer:
    for (int k = 0; k < 19; k++) {
#pragma HLS pipeline
        for (int p = 0; p < COPIES; p++) {
            m[ridx[k * 20 + p]] += coef[p] * m[cidx[k * 20 + p]];
        }
    }
}
"""


def test_a_pipelined_loop_waits_for_the_whole_chain_of_its_unrolled_read_modify_writes(tmp_path):
    # UG1399 "Optimizing for Throughput": a loop-carried dependence bounds the II by the path from
    # the read to the write it depends on; the unrolled copies' read-modify-writes of m at
    # unknown indices run one after the other, so the next iteration's first read waits for the
    # last copy's write (robertszafa's spmv under Vivado HLS 2019.2: 20 copies, II 120 = 20 x 6)
    kernel = tmp_path / "chain.cpp"
    found = {}
    for copies in (2, 20):
        kernel.write_text(CHAIN.replace("COPIES", str(copies)))
        found[copies] = iis(read_source(kernel, "chain", tool="vivado_hls:2019.2", clock_ns=4.0)[0])["Outer"]
    assert found[20] >= 8 * found[2] and found[2] >= 5


BURST = """
void copy(int *in, int *out) {
#pragma HLS INTERFACE m_axi port=in bundle=a
#pragma HLS INTERFACE m_axi port=out bundle=b
    int local[64];
Read:
    for (int i = 0; i < 64; i++) local[i] = in[i];
Write:
    for (int i = 0; i < 64; i++) out[i] = local[i] + 1;
}
"""


def test_the_m_axi_latency_the_schedule_assumes_is_the_flows_default_or_the_configured_one(tmp_path):
    # UG1399 "Default Settings of Vivado/Vitis Flows": config_interface -m_axi_latency is 64 in
    # the Vitis kernel flow and 0 in the Vivado IP flow (LiuHanpei's IP-flow m_axi kernel: 87
    # cycles, not the 215 a 64-cycle read and write latency gives)
    kernel = tmp_path / "copy.cpp"
    ip = latency(kernel, BURST, "copy", tool="vitis_hls:2023.2", flow="vivado")
    kernel_flow = latency(kernel, BURST, "copy", tool="vitis_hls:2023.2", flow="vitis")
    assert kernel_flow - ip == 2 * 64  # one read latency and one write response
    directives = tmp_path / "directives.tcl"
    directives.write_text("config_interface -m_axi_latency 20\n")
    configured = latency(kernel, BURST, "copy", tool="vitis_hls:2023.2", flow="vivado", directives=directives)
    assert configured - ip == 2 * 20


TEMPLATE_STREAMS = """
#include <hls_stream.h>
template <int N> struct row_t { unsigned char v[N]; };
template <int N>
void produce(hls::stream<row_t<N>>& in, hls::stream<row_t<N>>& out) {
    unsigned char line[N];
ROWS:
    for (int r = 0; r < 8; ++r) {
#pragma HLS PIPELINE II = {ii}
        const row_t<N> word = in.read();
        {second}
        row_t<N> result;
        for (int i = 0; i < N; ++i) result.v[i] = word.v[i] + 1;
        out.write(result);
    }
}
template <int N>
void reduce(hls::stream<row_t<N>>& in, hls::stream<row_t<N>>& out) {
    unsigned char all[8 * N];
READ:
    for (int r = 0; r < 8; ++r) {
#pragma HLS PIPELINE II = 1
        const row_t<N> word = in.read();
        for (int i = 0; i < N; ++i) all[r * N + i] = word.v[i];
    }
    row_t<N> sum = {};
SUM:
    for (int k = 0; k < 400; ++k) {
#pragma HLS PIPELINE II = 1
        sum.v[k % N] += all[k % (8 * N)];
    }
    out.write(sum);
}
void top(hls::stream<row_t<4>>& a, hls::stream<row_t<4>>& b) {
#pragma HLS DATAFLOW
    hls::stream<row_t<4>> mid;
    produce<4>(a, mid);
    reduce<4>(mid, b);
}
"""


def test_a_template_s_stream_reads_count_and_a_consumer_computing_after_its_reads_waits_for_them(tmp_path):
    # in a template, in.read() on a stream of a dependent type is still one read of that
    # stream (two a pipelined iteration: II 2); a process that reads its whole input before
    # computing (a dense layer) ends its compute loop after its producer's last write
    kernel = tmp_path / "streams.cpp"
    kernel.write_text(TEMPLATE_STREAMS.replace("{second}", "").replace("{ii}", "1"))
    once = read_source(kernel, "top")[0]
    second = "const row_t<N> extra = in.read(); (void)extra;"
    kernel.write_text(TEMPLATE_STREAMS.replace("{second}", second).replace("{ii}", "1"))
    twice = read_source(kernel, "top")[0]
    assert iis(once)["ROWS"] == 1 and iis(twice)["ROWS"] == 2
    kernel.write_text(TEMPLATE_STREAMS.replace("{second}", "").replace("{ii}", "50"))  # a slow producer
    report = estimate_nest(read_source(kernel, "top")[0])
    rows = {row.name: row for row in report.rows}
    assert report.latency_cycles >= rows["ROWS"].latency_cycles + rows["SUM"].latency_cycles


BANKS = """
void product(char p[4][4], char q[4][4], short r[4][4]) {
Row:
    for (int i = 0; i < 4; i++) {
    Col:
        for (int j = 0; j < 4; j++) {
#pragma HLS PIPELINE II=1
            short sum = 0;
            for (int k = 0; k < 4; k++) sum += p[i][k] * q[k][j];
            r[i][j] = sum;
        }
    }
}
"""


def test_copies_whose_partitioned_index_is_one_run_time_value_share_that_bank(tmp_path):
    # UG1399 "Array Partitioning": a complete partition of an argument's dimension gives each
    # index its own ap_memory port. q partitioned on dim 2: the four copies of q[k][j] (k
    # unrolled, j the pipelined loop's) all reach bank j: 4 reads on its 2 ports, II 2
    # (nehagour's UG871 matrixmul, dim 2 on both inputs: II 2 in its Vivado HLS 2017.2 report).
    # On dim 1 each copy k has its own bank: II 1.
    kernel = tmp_path / "banks.cpp"
    found = {}
    for dim in (1, 2):
        pragmas = "".join(
            f"#pragma HLS ARRAY_PARTITION variable={name} complete dim={d}\n" for name, d in (("p", 2), ("q", dim))
        )
        kernel.write_text(BANKS.replace("Row:\n", pragmas + "Row:\n"))
        read = read_source_verdicts(kernel, "product", tool="vivado_hls:2019.2", clock_ns=10.0)
        found[dim] = (max(ii or 0 for ii in iis(read.nest).values()), [c.array for c in read.conflicts])
    assert found[2] == (2, ["q"])
    assert found[1] == (1, [])


APART = """
void scale(int a[8][16], int acc[8][16], int idx[16]) {
#pragma HLS ARRAY_PARTITION variable=a cyclic factor=16 dim=2
#pragma HLS ARRAY_PARTITION variable=acc cyclic factor=16 dim=2
Rows:
    for (int y = 0; y < 8; y++) {
#pragma HLS PIPELINE II=1
        for (int x = 0; x < 16; x++) {
            acc[y][INDEX] += a[y][x];
        }
    }
}
"""


def test_unrolled_read_modify_writes_of_their_own_elements_do_not_chain(tmp_path):
    # copies that each reach their own element (acc[y][x] over x) are independent: the
    # iteration is one read-modify-write long, whatever the copies (ritarka's pointwise
    # convolution: 160 copies of acc[y][x] += p at II 1, 25-cycle iterations in its report);
    # at an index read from memory the copies may meet and run one after the other
    kernel = tmp_path / "apart.cpp"
    depth = {}
    for index in ("x", "idx[x]"):
        kernel.write_text(APART.replace("INDEX", index))
        nest = read_source(kernel, "scale", tool="vivado_hls:2019.2", clock_ns=10.0)[0]
        rows = next(node for node in nest["body"] if node.get("loop") == "Rows")
        depth[index] = rows["iteration_latency"]
    assert depth["x"] < 8 < 16 <= depth["idx[x]"]


FORWARD = """
void shift(int *y, int x, int h[16]) {
    static int line[16];
    int acc = 0;
Taps:
    for (int t = 15; t > 0; t--) {
        line[t] = line[t - 1];
        BETWEEN
        acc += line[t] * h[t];
    }
    *y = acc;
}
"""


def test_a_load_of_an_element_stored_earlier_in_the_block_is_the_stored_value(tmp_path):
    # LLVM's store-to-load forwarding runs before scheduling: line[t] just written from
    # line[t - 1] is that value, not a read after the write (hanyax's FIR, Vivado HLS 2019.1:
    # 4 states an iteration, not 5). A store to another element of the array in between may
    # reach it, and so may a change of the index: then the element is read again.
    kernel = tmp_path / "forward.cpp"
    cycles = {
        name: latency(kernel, FORWARD.replace("BETWEEN", between), "shift", tool="vivado_hls:2019.1", clock_ns=10.0)
        for name, between in (("forwarded", ""), ("other store", "line[0] = x;"), ("index moved", "t = t - 0;"))
    }
    assert cycles["forwarded"] + 15 <= cycles["other store"]  # a state less in each of the 15 iterations
    assert cycles["forwarded"] + 15 <= cycles["index moved"]


TABLE = """
void scale(int out[64], int in[64], int k) {
    int h[8] = {1, 3, 4, 8, 16, 5, 2, 64};
Samples:
    for (int n = 0; n < 64; n++) {
        out[n] = in[n] * h[INDEX];
    }
}
"""


def test_a_known_element_of_a_table_nothing_writes_is_a_constant(tmp_path):
    # LLVM folds a load at a known index of an initialized array that is never stored to:
    # in[n] * h[2] is in[n] * 4, a shift, not a table read and a multiply; at a run-time index
    # the table is a ROM read and the product a multiplier's states; written, it is no table
    kernel = tmp_path / "table.cpp"
    options = {"tool": "vivado_hls:2019.1", "clock_ns": 5.0, "part": "xc7z020-clg400-1"}
    known = latency(kernel, TABLE.replace("INDEX", "2"), "scale", **options)
    runtime = latency(kernel, TABLE.replace("INDEX", "k"), "scale", **options)
    written = latency(kernel, TABLE.replace("INDEX", "2").replace("out[n] =", "h[2] = n; out[n] ="), "scale", **options)
    assert known + 64 <= runtime and known + 64 <= written


COPY_ONE_LOOP = """
void scale(int *in, int *out) {
#pragma HLS INTERFACE m_axi port=in bundle=a
#pragma HLS INTERFACE m_axi port=out bundle=b
Each:
    for (int i = 0; i < 64; i++) out[i] = 3 * in[i];
}
"""


def test_a_loop_that_reads_and_writes_m_axi_pays_the_read_latency_and_the_write_response(tmp_path):
    # the first beat of a read comes the m_axi latency after its request, and a write ends
    # with its response the same latency after the last beat: a loop doing both pays both
    # (songqij's vertical filter, Vitis HLS 2020.2: 64 + 64 cycles in its 144-cycle iteration)
    kernel = tmp_path / "scale.cpp"
    both = latency(kernel, COPY_ONE_LOOP, "scale", tool="vitis_hls:2023.2", flow="vitis")
    assert 64 + 2 * 64 <= both <= 64 + 2 * 64 + 8  # 64 beats, a read latency and a write response


BRANCH_WRITES = """
void shift(int x) {
    static int line[128];
Taps:
    for (int t = 127; t >= 0; t--) {
#pragma HLS PIPELINE II=1
        if (t == 0) {
            line[0] = x;
        } else {
            line[t] = line[t - 1];
        }
    }
}
"""


def test_vivado_hls_gives_each_branchs_accesses_their_own_ports(tmp_path):
    # a read and two writes in exclusive branches: Vivado HLS counts three accesses on the two
    # ports of the RAM (hanyax's split FIR, Vivado HLS 2019.1: II 2); Vitis HLS shares a port
    # between the branches (and partitions a local array as the II needs): II 1
    kernel = tmp_path / "shift.cpp"
    kernel.write_text(BRANCH_WRITES)
    assert iis(read_source(kernel, "shift", tool="vivado_hls:2019.1")[0])["Taps"] == 2
    assert iis(read_source(kernel, "shift", tool="vitis_hls:2023.2")[0])["Taps"] == 1


SHIFT = """
void shift(int v[16], int item) {
    int p = 14;
Walk:
    while ({test}) {
#pragma HLS LOOP_TRIPCOUNT {counts}
        v[p + 1] = v[p];
        p = p - 1;
    }
    v[p + 1] = item;
}
"""


def test_a_while_loops_test_runs_in_every_iteration_and_once_more_to_leave(tmp_path):
    # while (p >= 0 && v[p] > item) reads a block RAM in its test: the test's read and compare
    # take 2 states before the body's store may run, and the final, failing test takes them
    # again (AngeloDamiani's insertion sort, Vivado HLS 2017.2: iteration 3, loop 10 x 3 + 2)
    options = {"tool": "vivado_hls:2017.2", "clock_ns": 10.0, "part": "xc7z020clg484-1"}
    kernel = tmp_path / "shift.cpp"

    def walk(test: str) -> dict:
        kernel.write_text(SHIFT.replace("{test}", test).replace("{counts}", "min=10 max=10"))
        rows = estimate_nest(read_source(kernel, "shift", **options)[0]).rows
        return next(row for row in rows if row.name == "Walk")

    on_data, on_counter = walk("p >= 0 && v[p] > item"), walk("p >= 0")
    assert on_data.iteration_latency == on_counter.iteration_latency + 2
    assert on_data.latency_cycles == on_data.trip_count * on_data.iteration_latency + 2
    # p >= 0 alone counts p down (15 trips) and is tested in the body's state, as a for loop is
    assert on_counter.latency_cycles == on_counter.trip_count * on_counter.iteration_latency + 1


def test_a_tripcount_without_min_runs_the_loop_0_times_in_the_smallest_nest(tmp_path):
    # LOOP_TRIPCOUNT max=10 alone: csynth prints the loop's trips as '0 ~ 10' (AngeloDamiani's
    # insertion sort, Vivado HLS 2017.2); an avg does not raise the minimum
    kernel = tmp_path / "shift.cpp"
    found = {}
    for counts in ("max=10", "avg=5 max=10", "min=0 max=10", "min=10 max=10"):
        kernel.write_text(SHIFT.replace("{test}", "p >= 0 && v[p] > item").replace("{counts}", counts))
        report = estimate_source(kernel, "shift", tool="vivado_hls:2017.2")
        found[counts] = (report["latency_cycles_min"], report["latency_cycles_max"])
    assert found["max=10"] == found["avg=5 max=10"] == found["min=0 max=10"]
    assert found["max=10"][1] == found["min=10 max=10"][1]
    assert found["max=10"][0] < found["min=10 max=10"][0] == found["min=10 max=10"][1]


def test_a_branch_the_loop_ranges_settle_is_folded_away_before_scheduling(tmp_path):
    # x < 0 for x from 0 is false in every iteration: LLVM drops the branch, so the FSM has one
    # path, the else branch's read and write, where a test that can go either way leaves a
    # shorter path beside it (csynth's min ~ max)
    kernel = tmp_path / "pad.cpp"
    source = (
        "void pad(int in[64], int out[64]) {\n"
        "Cols: for (int x = 0; x < 64; x++) {\n"
        "    if (x < LOW) out[x] = 0;\n"
        "    else out[x] = in[x] * in[63 - x];\n"
        "  }\n"
        "}\n"
    )
    found = {}
    for low in ("0", "1"):
        kernel.write_text(source.replace("LOW", low))
        report = estimate_source(kernel, "pad", tool="vivado_hls:2019.2")
        found[low] = (report["latency_cycles_min"], report["latency_cycles_max"])
    assert found["0"][0] == found["0"][1] == found["1"][1]
    assert found["1"][0] < found["1"][1]
    # counting down from 63 to 0, x > 63 never holds either
    kernel.write_text(source.replace("int x = 0; x < 64; x++", "int x = 63; x >= 0; x--").replace("x < LOW", "x > 63"))
    report = estimate_source(kernel, "pad", tool="vivado_hls:2019.2")
    assert report["latency_cycles_min"] == report["latency_cycles_max"] == found["0"][1]


def test_a_while_loop_that_walks_a_constant_table_has_known_trips(tmp_path):
    # while (text[n] != '\0') over a const string: LLVM evaluates the exit element by element,
    # so the tool knows the trips (thallesmcs's hello world, Vitis HLS 2024.2: 13 for a
    # 13-character string); a table the function writes is not constant: '?' as csynth prints it
    kernel = tmp_path / "greet.cpp"
    source = (
        "void greet(char out[100]) {\n"
        "    TABLE\n"
        "    int n = 0;\n"
        "Copy:\n"
        "    while (text[n] != '\\0') {\n"
        "        out[n] = text[n];\n"
        "        n++;\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(source.replace("TABLE", 'const char text[] = "Hello, cnnacc";'))
    assert loops(read_source(kernel, "greet")[0]) == {"Copy": 13}
    kernel.write_text(source.replace("TABLE", "const char text[] = {'a', 'b', 0};"))
    assert loops(read_source(kernel, "greet")[0]) == {"Copy": 2}
    kernel.write_text(source.replace("TABLE", 'char text[] = "Hello, cnnacc"; text[2] = 0;'))
    assert estimate_source(kernel, "greet")["latency_cycles_max"] is None


REWOUND = """
void channels(short out[32], short in[32]) {
    static int run[8];
%s
For_Loop:
    for (int n = 0; n < 32; n++) {
#pragma HLS PIPELINE II=1 %s
        run[n %% 8] = run[n %% 8] + in[n];
        out[n] = run[n %% 8];
    }
%s
}
"""


def test_a_rewound_loop_that_is_all_its_function_does_runs_on_into_the_next_call(tmp_path):
    # nctrung's (Vivado HLS 2015.3) and bol's (Vitis HLS 2021.2) axi_interfaces: a function that
    # is one PIPELINE rewind loop reports 3 ~ 4 and 4 ~ 5, one state less than the pipeline's
    # usual exit and one less again for a call that follows another (UG1399 "Rewinding
    # Pipelined Loops for Performance"); code before or after the loop keeps the usual pipeline
    # (UG1448 200-959)
    kernel = tmp_path / "channels.cpp"
    reports = {}
    variants = {"alone": ("", "rewind", ""), "plain": ("", "", ""), "before": ("run[0] = 0;", "rewind", ""),
                "after": ("", "rewind", "out[0] = 0;")}  # fmt: skip
    for name, parts in variants.items():
        kernel.write_text(REWOUND % parts)
        reports[name] = estimate_source(kernel, "channels", tool="vivado_hls:2015.3")
    alone, plain = reports["alone"], reports["plain"]
    assert alone["latency_cycles_max"] == plain["latency_cycles_max"] - 1
    assert alone["latency_cycles_min"] == alone["latency_cycles_max"] - 1
    assert plain["latency_cycles_min"] == plain["latency_cycles_max"]
    for name in ("before", "after"):
        report = reports[name]
        assert report["latency_cycles_min"] == report["latency_cycles_max"] >= alone["latency_cycles_max"] + 1


RELAX = """
void relax(int d[100], int v) {
    for (int i = 0; i < 10; i++) {
        int direct = d[i];
        int detour = d[i + 10] + d[i + 20];
        if (direct > detour)
            d[i] = %s;
    }
}
"""


def relax_latencies(tmp_path, branch: str) -> tuple[int, int]:
    kernel = tmp_path / "relax.cpp"
    kernel.write_text(RELAX % branch)
    report = estimate_source(kernel, "relax", tool="vivado_hls:2019.2", part="xc7k160t-fbg484-1", clock_ns=4.0)
    return report["latency_cycles_min"], report["latency_cycles_max"]


def test_an_expression_computed_earlier_in_the_block_is_that_value(tmp_path):
    # robertszafa's Floyd-Warshall (Vivado HLS 2019.2): the store's d[..] + d[..] is the detour
    # just compared (LLVM GVN), not two loads again: the store waits for that add
    assert relax_latencies(tmp_path, "d[i + 10] + d[i + 20]") == relax_latencies(tmp_path, "detour")


def test_an_if_without_else_skips_its_branchs_states_but_the_one_it_joins(tmp_path):
    # robertszafa's Floyd-Warshall (a store a state after its test: 6 states an iteration either
    # way) and AngeloDamiani's Bellman-Ford (a two-state branch: 15 ~ 16), Vivado HLS
    low, high = relax_latencies(tmp_path, "detour")
    assert low == high  # the store's state is where the loop's back edge is
    low, high = relax_latencies(tmp_path, "detour * v * v * v")
    test_alone, _ = relax_latencies(tmp_path, "0")
    assert test_alone < low < high  # a long branch is skipped, but for its last state
    assert low == test_alone + 10  # one state an iteration more than the test alone


FIFO_ADDER = """
int adder(int din[8], bool s[8]) {
#pragma HLS INTERFACE ap_fifo port=s
#pragma HLS INTERFACE ap_fifo port=din
    int total = 0;
    int local[8];
%s
    return total;
}
"""
FIFO_COPY = """copy_loop:
    for (int k = 0; k != 8; k++) {
#pragma HLS UNROLL
        local[k] = din[k];
    }
"""
FIFO_ADD = """add_loop:
    for (int k = 0; k != 8; k++) {
#pragma HLS UNROLL
        if (s[k]) total += local[%s];
    }
"""


def adder_latency(tmp_path, body: str) -> int:
    return latency(tmp_path / "adder.cpp", FIFO_ADDER % body, "adder", tool="vivado_hls:2019.2")


def test_two_loops_unrolled_in_sequential_code_run_copy_by_copy_as_one_block(tmp_path):
    # ian861226's adder tree (Vivado HLS 2019.2): a loop copying 8 FIFO words and one adding them
    # under 8 flags from a second FIFO take 8 states in all, as one loop doing both would
    add = "din[k];\n        if (s[k]) total += local[k];"
    both = FIFO_COPY.replace("copy_loop", "both_loop").replace("din[k];", add)
    pair = adder_latency(tmp_path, FIFO_COPY + FIFO_ADD % "k")
    assert pair == adder_latency(tmp_path, both)
    # a second loop whose copy k reads what the first's last copy writes waits for the whole first
    assert adder_latency(tmp_path, FIFO_COPY + FIFO_ADD % "7 - k") > pair


def test_an_unrolled_chain_keeps_up_with_values_that_arrive_a_state_apart(tmp_path):
    # the adds of an unrolled accumulation over a FIFO (one word a state) take no state past the
    # last word's: as long as copying the words alone
    accumulate = FIFO_COPY.replace("local[k] = din[k];", "total += din[k];")
    assert adder_latency(tmp_path, accumulate) == adder_latency(tmp_path, FIFO_COPY)
