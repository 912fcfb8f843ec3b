"""Rules of the HLS source reader measured on the corpus' reports: static arrays stay memories,
a local set in one place indexes as its expression, a call to a function kept out of line costs
the caller a state. Each test compares two kernels that differ in the one construct."""

from __future__ import annotations

from simulator.hls.hls_source import read_source
from simulator.hls.schedule import estimate_nest
from tests.unit.hls_helpers import iis, latency, loops

SHIFT = """
void shift(int *y, int x) {
    {storage} int line[11];
TDL:
    for (int t = 10; t > 0; t--) {
#pragma HLS PIPELINE off
        line[t] = line[t - 1];
    }
    line[0] = x;
    *y = line[10];
}
"""


def test_a_static_array_is_a_memory_and_a_small_local_one_registers(tmp_path):
    # UG1399 config_array_partition: automatic complete partitioning leaves global arrays out
    # (a static local lives as long as one); augustkrzhu's FIR: the static shift_reg[11] is an
    # 11-word memory, its shift loop a read state then a write state per iteration
    kernel = tmp_path / "shift.cpp"
    static = latency(kernel, SHIFT.replace("{storage}", "static"), "shift", tool="vivado_hls:2018.2")
    local = latency(kernel, SHIFT.replace("{storage}", ""), "shift", tool="vivado_hls:2018.2")
    assert static >= local + 10  # one more state in each of the 10 iterations


INTERLEAVED = """
void channels(short out[32], short in[32]) {
    int n, ch;
    static int run[8];
For_Loop:
    for (n = 0; n < 32; n++) {
#pragma HLS PIPELINE II=1
        {assign}
        run[ch] = run[ch] + in[n];
        out[n] = run[ch];
    }
}
"""


def test_a_local_set_in_one_place_indexes_as_its_expression(tmp_path):
    # bol-edu's array_io: ch = n % 8 moves with n, so run[ch] carries no dependence from one
    # iteration to the next and the loop keeps II 1; a channel read from the input does not
    kernel = tmp_path / "channels.cpp"
    kernel.write_text(INTERLEAVED.replace("{assign}", "ch = n % 8;"))
    moving = iis(read_source(kernel, "channels", tool="vitis_hls:2021.2")[0])["For_Loop"]
    kernel.write_text(INTERLEAVED.replace("{assign}", "ch = in[n] & 7;"))
    data = iis(read_source(kernel, "channels", tool="vitis_hls:2021.2")[0])["For_Loop"]
    assert moving == 1 and data >= 2


CALLED = """
void prefix(const int src[32], int dst[32]) {
    {inline}
    int running = 0;
SUM:
    for (int n = 0; n < 32; n++) {
        running += src[n];
        dst[n] = running;
    }
}

void top(const int a[32], const int b[32], int x[32], int y[32]) {
    prefix(a, x);
    prefix(b, y);
}
"""


def test_a_function_kept_out_of_line_costs_its_caller_a_state(tmp_path):
    # vj-sananda's loop_functions (INLINE off): both instances start in one state and the top
    # waits for them, 1 + the callee's latency
    kernel = tmp_path / "called.cpp"
    module = latency(kernel, CALLED.replace("{inline}", "#pragma HLS INLINE off"), "top", tool="vivado_hls:2017.4")
    inlined = latency(kernel, CALLED.replace("{inline}", ""), "top", tool="vivado_hls:2017.4")
    alone = latency(kernel, CALLED.replace("{inline}", ""), "prefix", tool="vivado_hls:2017.4")
    assert module == alone + 1 and inlined == alone


PRODUCT = """
void matrixmul(char a[ROWS][3], char b[3][3], short res[ROWS][3]) {
Row:
    for (int i = 0; i < ROWS; i++) {
    Col:
        for (int j = 0; j < 3; j++) {
            res[i][j] = 0;
        Product:
            for (int k = 0; k < 3; k++) {
                res[i][j] += a[i][k] * b[k][j];
            }
        }
    }
}
"""


def trips(node: dict) -> dict[str, tuple[int, int | None]]:
    found = {node["loop"]: (node["trip_count"], node["pipeline_ii"])} if "loop" in node else {}
    for child in node.get("body", []):
        found |= trips(child)
    return found


def test_a_short_loop_under_a_short_parent_with_statements_is_unrolled_into_it(tmp_path):
    # UG1399 "Automatic Loop Pipelining" walks a nest up from its innermost loop; the UG871
    # matrixmul under Vitis: Col (res = 0, then Product) pipelined with Product unrolled, then
    # Row and Col flattened into 9 trips (before this rule: all three flattened into 27)
    kernel = tmp_path / "matrixmul.cpp"
    kernel.write_text(PRODUCT.replace("ROWS", "3"))
    short = trips(read_source(kernel, "matrixmul", tool="vitis_hls:2021.2")[0])
    pipelined = {name: trip for name, (trip, ii) in short.items() if ii is not None}
    assert list(pipelined.values()) == [9] and "Product" not in pipelined


HELPER = """
static unsigned flip(unsigned v, unsigned bits) {
    unsigned out = 0;
    for (unsigned b = 0; b < bits; b++) {
{inner}
        out = (out << 1) | (v & 1);
        v = v >> 1;
    }
    return out;
}

void reverse(unsigned out[1024]) {
    unsigned width = 10;
Walk:
    for (int i = 0; i < 1024; i++) {
        out[i] = flip(i, width);
    }
}
"""


def test_a_short_loop_in_a_called_helper_is_unrolled_into_the_loop_calling_it(tmp_path):
    # UG1399 "Automatic Loop Pipelining" walks the nest after inlining: the helper's 10-trip loop
    # is unrolled into Walk, which is pipelined (aahwu's bit reversal, 1024 x II 2 under Vitis);
    # a helper loop kept sequential (PIPELINE off) keeps Walk a plain loop
    kernel = tmp_path / "reverse.cpp"
    kernel.write_text(HELPER.replace("{inner}", ""))
    walked = trips(read_source(kernel, "reverse", tool="vitis_hls:2022.1")[0])
    kernel.write_text(HELPER.replace("{inner}", "#pragma HLS PIPELINE off"))
    kept = trips(read_source(kernel, "reverse", tool="vitis_hls:2022.1")[0])
    assert walked["Walk"] == (1024, 1) and len(walked) == 1
    assert kept["Walk"] == (1024, None)


def test_a_sequential_iteration_ending_on_a_macro_result_spends_a_state_taking_it(tmp_path):
    # the UG871 matrixmul with its pipelines off under Vitis 2022.1: read a and b, the
    # mac_muladd of latency 3, then the state that keeps the sum: 5 per Product iteration
    kernel = tmp_path / "matrixmul.cpp"
    kept_off = PRODUCT.replace("{\n            res", "{\n#pragma HLS PIPELINE off\n            res")
    kernel.write_text(kept_off.replace("ROWS", "3"))
    nest = read_source(kernel, "matrixmul", tool="vitis_hls:2022.1", clock_ns=13.33, part="xcu50-fsvh2104-2-e")[0]

    def find(node):
        if node.get("loop") == "Product":
            return node
        return next((found for child in node.get("body", []) if (found := find(child))), None)

    product = find(nest)
    assert product["pipeline_ii"] is None and [child["latency"] for child in product["body"]] == [5]


DOT = """
void dot(short vin[8], const short basis[8], int *out) {
    int acc = 0;
Taps:
    for (int t = 0; t < 8; t++) {
#pragma HLS PIPELINE off
        {declaration}
        acc += vin[t] * w;
    }
    *out = acc;
}
"""


def test_a_local_declared_from_a_narrower_value_multiplies_at_that_width(tmp_path):
    # int w = (int)basis[t] is a sign-extended short: the multiply-add is one 16 x 16 DSP
    # macro (read, mac_muladd of 3, the state taking the sum: 5 an iteration, nightt5879's
    # DCT under Vitis 2024.2); an int that is changed after its declaration is 32 bits wide
    options = {"tool": "vitis_hls:2024.2", "clock_ns": 10.0, "part": "xc7z020-clg400-1"}
    narrow = latency(tmp_path / "narrow.cpp", DOT.replace("{declaration}", "int w = (int)basis[t];"), "dot", **options)
    wide = latency(
        tmp_path / "wide.cpp", DOT.replace("{declaration}", "int w = (int)basis[t];\n        w ^= t;"), "dot", **options
    )
    assert narrow == 8 * 5 + 1  # and the loop's exit state
    assert wide != narrow


def test_a_pipelined_iteration_ending_on_a_macro_result_spends_a_state_taking_it(tmp_path):
    # as in a sequential loop: read, mac_muladd of 3, the state taking the sum (enzobelline's
    # inner product under Vitis 2022.1: II 1, iteration 5, 8 trips in 7 + 5 cycles)
    options = {"tool": "vitis_hls:2024.2", "clock_ns": 10.0, "part": "xc7z020-clg400-1"}
    pipelined = DOT.replace("PIPELINE off", "PIPELINE II=1").replace("{declaration}", "int w = (int)basis[t];")
    path = tmp_path / "dot.cpp"
    path.write_text(pipelined)
    taps = loops(read_source(path, "dot", **options)[0])["Taps"]
    assert (taps["pipeline_ii"], taps["iteration_latency"]) == (1, 5)


PRODUCTS = """
#include "ap_fixed.h"

void run(ap_fixed<16, 16> in[16], ap_fixed<16, 16> *out) {
    ap_fixed<16, 16> acc = 1;
products:
    for (int k = 0; k < 16; k++) {
#pragma HLS PIPELINE II=1
        acc {operator} in[k];
    }
    *out = acc;
}
"""


def test_an_overloaded_compound_assignment_writes_its_target(tmp_path):
    # ap_fixed's operator*= is a call: it writes acc, so each iteration's multiply waits for
    # the last one's (a recurrence through the 16 x 16 multiplier's 3 states at 4 ns on a
    # Kintex-7); a plain multiply of each element leaves the pipeline at II 1
    options = {"tool": "vitis_hls:2022.1", "clock_ns": 4.0, "part": "xc7k160t-fbg676-2"}
    path = tmp_path / "products.cpp"
    path.write_text(PRODUCTS.replace("{operator}", "*="))
    accumulated = iis(read_source(path, "run", **options)[0])["products"]
    path.write_text(PRODUCTS.replace("{operator}", "= in[k] *"))
    assert accumulated >= 3 and iis(read_source(path, "run", **options)[0])["products"] == 1


FLOW = """
#include <hls_stream.h>

static void load(hls::stream<int>& to, const int* src) {
    for (int n = 0; n < 1024; n++) {
#pragma HLS PIPELINE II=1
        to.write(src[n]);
    }
}

static void add(hls::stream<int>& x, hls::stream<int>& y, hls::stream<int>& to) {
    for (int n = 0; n < 1024; n++) {
#pragma HLS PIPELINE II=1
        to.write(x.read() + y.read());
    }
}

static void store(hls::stream<int>& from, int* dst) {
    for (int n = 0; n < 1024; n++) {
#pragma HLS PIPELINE II=1
        dst[n] = from.read();
    }
}

void vadd(const int* a, const int* b, int* c) {
#pragma HLS INTERFACE m_axi port=a bundle=gmem0
#pragma HLS INTERFACE m_axi port=b bundle=gmem1
#pragma HLS INTERFACE m_axi port=c bundle=gmem2
#pragma HLS DATAFLOW
    hls::stream<int> sa, sb, sc;
    load(sa, a);
    load(sb, SECOND);
    add(sa, sb, sc);
    store(sc, c);
}
"""


def test_dataflow_processes_that_read_no_channel_start_together(tmp_path):
    # the second loader reads only its own port: it starts with the first (UG1399 "Dataflow"),
    # and the region's inputs say which process reads which (AMD's vadd example's shape)
    kernel = tmp_path / "vadd.cpp"
    kernel.write_text(FLOW.replace("SECOND", "b"))
    nest = read_source(kernel, "vadd", tool="vitis_hls:2023.2")[0]
    assert nest["kind"] == "dataflow" and nest["inputs"] == [[], [], [0, 1], [2]]
    chained = estimate_nest(nest | {"inputs": [[], [0], [0, 1], [2]]}).latency_cycles
    assert estimate_nest(nest).latency_cycles < chained


def test_a_dataflow_function_kept_out_of_line_keeps_its_channels_inside_its_module(tmp_path):
    # the call's state goes before the module; the region's channel graph stays with its processes
    source = FLOW.replace("void vadd(", "void flow(").replace(
        "#pragma HLS DATAFLOW", "#pragma HLS INLINE off\n#pragma HLS DATAFLOW"
    )
    source += "void top(const int* a, const int* b, int* c) { flow(a, b, c); }\n"
    kernel = tmp_path / "called_flow.cpp"
    kernel.write_text(source.replace("SECOND", "b"))
    nest = read_source(kernel, "top", tool="vitis_hls:2023.2")[0]
    (wrapper,) = nest["body"]
    call, module = wrapper["body"]
    assert "inputs" not in wrapper and call["latency"] == 1 and module["inputs"] == [[], [], [0, 1], [2]]
    assert estimate_nest(nest).latency_cycles == 1 + estimate_nest(module).latency_cycles


FOLDING = """
constexpr int positions(int c, int simd) { return simd <= c ? 1 : simd / c; }
template <int C, int SIMD>
void unit(int out[64], const int in[64]) {
    constexpr int P = positions(C, SIMD);
    int f = 0;
STEPS:
    for (int step = 0; step < 64; ++step) {
#pragma HLS PIPELINE II = 1
        int total = 0;
        for (int s = 0; s < SIMD; ++s) {
            total += in[step] * ({lane});
        }
        out[step] = total + f;
        f = f == C / P - 1 ? 0 : f + 1;
    }
}
void top(int out[64], const int in[64]) { unit<16, 48>(out, in); }
"""


def test_constants_and_the_variables_of_unrolled_loops_are_folded(tmp_path):
    # the tool substitutes each unrolled copy's s and folds s / 16 % 3 (no divider), and a
    # constexpr local computed by a constexpr function is a constant (LLVM constant folding)
    kernel = tmp_path / "fold.cpp"
    folded = read_source_text(kernel, FOLDING.replace("{lane}", "s / C % 3"))
    runtime = read_source_text(kernel, FOLDING.replace("{lane}", "f / 3"))
    assert iis(folded)["STEPS"] == 1
    assert estimate_nest(folded).latency_cycles + 10 < estimate_nest(runtime).latency_cycles  # f / 3 is a divider


def read_source_text(path, source: str) -> dict:
    path.write_text(source)
    return read_source(path, "top")[0]


MODULO_CHANNELS = """
void channels(short out[32], short in[32]) {
#pragma HLS ARRAY_PARTITION variable=in cyclic factor=8
#pragma HLS ARRAY_PARTITION variable=out cyclic factor=8
    static int run[8];
Samples:
    for (int n = 0; n < 32; n++) {
#pragma HLS UNROLL factor = 8
#pragma HLS PIPELINE II = 1
        int ch = {index};
        out[n] = run[ch];
        run[ch] = run[ch] + in[n];
    }
}
"""


def test_an_index_modulo_a_divisor_of_the_unroll_factor_names_one_element_per_copy(tmp_path):
    # UG1399 "unroll": copy c of a loop unrolled by 8 sees n = 8 m + c, so n % 8 is c: the
    # static run[8] is eight registers (the UG871 axi_interfaces lab's reports); (n / 2) % 8
    # takes several values per copy, and run stays a memory read and written in every copy:
    # under Vivado HLS, which partitions nothing it is not told to, the copies' 4 elements read
    # and written share its two ports, II 4
    kernel = tmp_path / "channels.cpp"
    constant = latency(kernel, MODULO_CHANNELS.replace("{index}", "n % 8"), "channels", tool="vivado_hls:2019.2")
    varying = latency(kernel, MODULO_CHANNELS.replace("{index}", "(n / 2) % 8"), "channels", tool="vivado_hls:2019.2")
    assert constant + 8 < varying


UNPACK = """
void unpack(short vals[64], const int words[8]) {
Words:
    for (int w = 0; w < 8; w++) {
#pragma HLS PIPELINE II=1
        for (int k = 0; k < 8; k++)
            vals[w * 8 + k] = words[w] + k;
    }
}

void top(const int words[8], int *sum) {
    {storage} vals[64];
    unpack(vals, words);
    int total = 0;
    for (int n = 0; n < 64; n++)
        total += vals[n];
    *sum = total;
}
"""


def test_a_callee_s_loop_sees_the_caller_s_local_array_partitioned_for_its_ii(tmp_path):
    # Vitis partitions a local array as far as the pipelines reaching it need (throughput-driven
    # partitioning), through the calls it is passed by too (liuhanpei's unpack of 160-bit words
    # into a local buffer: II 1, 10 writes an iteration); a static array is partitioned alike,
    # an array of the top's interface keeps its two ports (8 writes: II 4)
    path = tmp_path / "unpack.cpp"
    found = {}
    for storage in ("short", "static short"):
        path.write_text(UNPACK.replace("{storage}", storage))
        found[storage] = iis(read_source(path, "top", tool="vitis_hls:2023.2")[0])["Words"]
    path.write_text(UNPACK.replace("void top(const int words[8], int *sum) {\n    {storage} vals[64];",
                                   "void top(const int words[8], short vals[64], int *sum) {"))  # fmt: skip
    assert found == {"short": 1, "static short": 1}
    assert iis(read_source(path, "top", tool="vitis_hls:2023.2")[0])["Words"] == 4


ROWS = """
static void row(const short in[8], short out[8]) {
Outer:
    for (int u = 0; u < 8; u++) {
#pragma HLS PIPELINE II=1
        int acc = 0;
    Inner:
        for (int t = 0; t < 8; t++)
            acc += in[t] * (t + u);
        out[u] = acc >> 3;
    }
}

void rows(const short in[8][8], short out[8][8], int flag) {
Rows:
    for (int r = 0; r < 8; r++) {
        {call}
    }
}
"""


def test_vitis_inlines_a_call_s_loop_into_the_caller_s_nest_before_flattening_it(tmp_path):
    # ohmy90's DCT (Vitis 2025.2): Row_DCT_Loop around the inlined dct_1d's DCT_Outer_Loop is
    # flattened into one 64-trip pipeline; Vivado HLS keeps the function a module (angandrew's
    # DCT, 2016.3); a call under a branch runs only on some iterations, so nothing flattens
    path = tmp_path / "rows.cpp"
    found = {}
    for name, call, tool in (
        ("vitis", "row(in[r], out[r]);", "vitis_hls:2023.2"),
        ("vivado", "row(in[r], out[r]);", "vivado_hls:2019.2"),
        ("branch", "if (flag) row(in[r], out[r]);", "vitis_hls:2023.2"),
    ):
        path.write_text(ROWS.replace("{call}", call))
        found[name] = {k: v["trip_count"] for k, v in loops(read_source(path, "rows", tool=tool)[0]).items()}
    assert found["vitis"] == {"Rows_Outer": 64}
    assert found["vivado"]["Rows"] == 8 and found["branch"]["Rows"] == 8


TAPS = """
void conv(const float *input, const float *weights, float out[16][16]) {
#pragma HLS INTERFACE m_axi port=input bundle=gmem0 depth=324
#pragma HLS INTERFACE m_axi port=weights bundle=gmem1 depth=9
Rows:
    for (int r = 0; r < 16; r++) {
    Cols:
        for (int c = 0; c < 16; c++) {
            float acc = 0;
            for (int d = 0; d < 3; d++)
                for (int e = 0; e < 3; e++)
                    acc += input[(r + d) * 18 + c + e] * weights[d * 3 + e];
            out[r][c] = acc;
        }
    }
}
"""


def test_a_short_loop_on_an_m_axi_port_is_unrolled_into_its_parent_like_any_other(tmp_path):
    # farhan's MNIST convolution (Vitis 2025.2): the 3 x 3 taps read over m_axi are unrolled
    # into the 26-trip column loop, which is pipelined and flattened with its row loop
    path = tmp_path / "conv.cpp"
    path.write_text(TAPS)
    found = loops(read_source(path, "conv", tool="vitis_hls:2025.2")[0])
    assert found["Rows_Cols"]["trip_count"] == 256 and found["Rows_Cols"]["pipeline_ii"] is not None


SUM_ROWS = """
static void sum_rows(const short in[8][8], short out[8]) {
#pragma HLS PIPELINE II=1
    for (int r = 0; r < 8; r++) {
        int acc = 0;
        for (int c = 0; c < 8; c++)
            acc += in[r][c];
        out[r] = acc;
    }
}

void top(const short src[64], short dst[8]) {
    short tile[8][8];
    for (int n = 0; n < 64; n++)
        tile[n / 8][n % 8] = src[n];
    sum_rows(tile, dst);
}
"""


def test_a_pipelined_function_sees_the_caller_s_local_array_partitioned_for_its_interval(tmp_path):
    # ohmy90's DCT with PIPELINE in dct_2d's body (Vitis 2025.2): the 64 reads of the caller's
    # local tile do not bound the interval (4, from the 8 writes of the top's two-port dst)
    path = tmp_path / "rows.cpp"
    path.write_text(SUM_ROWS)
    assert iis(read_source(path, "top", tool="vitis_hls:2025.2")[0])["sum_rows"] == 4


GREETING = """
void greet(char text_out[100], char first) {
    {qualifier} char greeting[14] = "Hello, World!";
    {store}
Copy:
    for (int n = 0; n < 13; n++)
        text_out[n] = greeting[n];
}
"""


def test_a_small_local_table_is_a_rom_read_in_a_state(tmp_path):
    # thallesmcs' hello world (Vitis 2024.2): the 14-character const string is a ROM, so each
    # copy reads it (a state) before writing: iteration 2; so is an initialized array nothing
    # stores to (kip123456's FIR coefficients, c_ROM_AUTO_1R); a small array stored to is
    # registers (a multiplexer within the write's state)
    path = tmp_path / "greet.cpp"
    found = {}
    for qualifier, store in (("const", ""), ("", ""), ("", "greeting[0] = first;")):
        path.write_text(GREETING.replace("{qualifier}", qualifier).replace("{store}", store))
        found[qualifier, store] = loops(read_source(path, "greet", tool="vitis_hls:2024.2")[0])["Copy"]
    assert [copy["iteration_latency"] for copy in found.values()] == [2, 2, 1]
