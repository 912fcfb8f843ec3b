"""hls-estimate's operator rules: latencies per clock and device family, chains and trees,
DSP cores, recurrences and the values they carry."""

from __future__ import annotations

import json

import pytest

from simulator.hls.hls_source import SourceError, read_source
from simulator.hls.schedule import estimate_nest
from tests.unit.hls_helpers import REPORTS, loops, per_define


def test_recurrences_through_memory_and_calls_with_loops_shape_the_schedule():
    # A[b[i]] written from A[i]: the tool cannot tell the elements apart, so the II is the chain
    vectrans = loops(read_source(REPORTS / "ahls_vectrans.cpp", "vecTrans", clock_ns=5, part="xcvu35p")[0])
    assert vectrans["VITIS_LOOP_14_1"]["pipeline_ii"] > 10
    # a 100-trip loop inside a called function: the caller's loop is not pipelined, the call is
    # taken (max) or not (min)
    largest, smallest, _ = read_source(REPORTS / "ahls_smm.cpp", "smm", clock_ns=5, part="xcvu35p")
    assert loops(largest)["VITIS_LOOP_9_1"]["pipeline_ii"] is None
    assert loops(largest)["VITIS_LOOP_3_1"]["pipeline_ii"] == 2  # 3 accesses of one array on 2 ports
    assert estimate_nest(smallest).latency_cycles < estimate_nest(largest).latency_cycles / 10
    # eight copy loops over distinct arrays run at once
    nest = read_source(REPORTS / "ahls_matrixtrans.cpp", "matrixtrans", clock_ns=5, part="xcvu35p")[0]
    assert [node["kind"] for node in nest["body"] if "region" in node] == ["parallel"]


def test_clock_and_device_family_set_the_operator_latencies(tmp_path):
    kernel = tmp_path / "acc.cpp"
    kernel.write_text(
        "float acc(float x[256]) {\n  float s = 0;\n  for (int i = 0; i < 256; i++) s += x[i];\n  return s;\n}\n"
    )
    ii = {
        (clock, part): loops(read_source(kernel, "acc", clock_ns=clock, part=part)[0])["VITIS_LOOP_3_1"]["pipeline_ii"]
        for clock, part in ((5, "xcvu9p"), (5, "xc7z020"), (10, "xcvu9p"))
    }
    assert ii[(5, "xcvu9p")] == 5  # fadd: 4 states at 5 ns on UltraScale+, the recurrence one more
    assert ii[(5, "xc7z020")] > ii[(5, "xcvu9p")] > ii[(10, "xcvu9p")]
    settings = tmp_path / "script.tcl"
    settings.write_text(
        "open_project p\nset_part {xc7z020clg400-1}\ncreate_clock -period 5\nconfig_compile -pipeline_loops 0\n"
    )
    nest = read_source(kernel, "acc", directives=settings)[0]
    assert loops(nest)["VITIS_LOOP_3_1"]["pipeline_ii"] is None  # automatic pipelining off


def test_bound_arguments_inline_helpers_and_pragma_macros_fix_run_time_bounds(tmp_path, capsys):
    from cnnacc.main import main

    kernel = tmp_path / "rows.cpp"
    kernel.write_text(
        "#define LANES 4\n"
        "#define PRAGMA_SUB(x) _Pragma(#x)\n"
        "#define PRAGMA(x) PRAGMA_SUB(x)\n"
        "inline unsigned chunks(unsigned n) { return (n + LANES - 1) / LANES; }\n"
        "void rows(int out[256], const int in[256], unsigned n, unsigned has_tail) {\n"
        "    int buffer[256];\n"
        "    PRAGMA(HLS ARRAY_PARTITION variable = buffer cyclic\n"
        "           factor = LANES)\n"
        "    const unsigned total = has_tail ? n + 1 : n;\n"
        "Copy:\n"
        "    for (unsigned t = 0; t < chunks(total); ++t) {\n"
        "#pragma HLS PIPELINE II = 1\n"
        "        for (int l = 0; l < LANES; ++l) buffer[t * LANES + l] = t + l;\n"
        "    }\n"
        "    if (has_tail) {\n"
        "    Tail:\n"
        "        for (int i = 0; i < 8; ++i) out[i] = buffer[i];\n"
        "    }\n"
        "}\n"
    )
    nest, _, _ = read_source(kernel, "rows", args={"n": 30, "has_tail": 0})
    found = loops(nest)
    assert found["Copy"]["trip_count"] == 8 and "Tail" not in found  # ceil(30 / 4); the if is decided
    assert found["Copy"]["pipeline_ii"] == 1  # four lanes over a buffer cut in four by the macro's factor
    assert loops(read_source(kernel, "rows", args={"n": 30, "has_tail": 1})[0])["Copy"]["trip_count"] == 8
    with pytest.raises(SourceError, match="no scalar parameter 'm'.*n, has_tail"):
        read_source(kernel, "rows", args={"m": 3})
    assert main(["hls-estimate", str(kernel), "--top", "rows", "--arg", "n=61", "--arg", "has_tail=1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    copy = next(node for node in data["nodes"] if node["name"].strip() == "Copy")
    assert copy["trip_count"] == 16
    with pytest.raises(SystemExit) as bad:  # argparse's usage error
        main(["hls-estimate", str(kernel), "--top", "rows", "--arg", "n"])
    assert bad.value.code == 2 and "expected NAME=INTEGER" in capsys.readouterr().err


def test_dependence_distance_and_values_declared_in_the_body_set_the_recurrence(tmp_path):
    kernel = tmp_path / "dependence.cpp"
    body = (
        "void acc(int sums[64], const int in[4096], const int rows[4096]) {\n"
        "{pragma}"
        "Beats:\n"
        "    for (int t = 0; t < 4096; ++t) {\n"
        "        int local = in[t];\n"
        "        local = local * in[t];\n"
        "        sums[rows[t]] = sums[rows[t]] + local;\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(body.replace("{pragma}", ""))
    carried = loops(read_source(kernel, "acc")[0])["Beats"]["pipeline_ii"]
    kernel.write_text(body.replace("{pragma}", "#pragma HLS DEPENDENCE variable = sums inter distance = 4 true\n"))
    spaced = loops(read_source(kernel, "acc")[0])["Beats"]["pipeline_ii"]
    kernel.write_text(body.replace("{pragma}", "#pragma HLS DEPENDENCE variable = sums inter false\n"))
    free = loops(read_source(kernel, "acc")[0])["Beats"]["pipeline_ii"]
    # sums[rows[t]]: read, add, write through block RAM; `local` starts again every iteration
    assert carried >= 2 and free == 1 and spaced == max(1, -(-carried // 4))


def test_a_read_modify_write_under_an_if_is_a_recurrence(tmp_path):
    kernel = tmp_path / "guarded.cpp"
    body = (
        "void hist(const int key[1000], const double w[1000], double bins[64]) {\n"
        "Bins:\n"
        "    for (int n = 0; n < 1000; ++n) {\n"
        "        double amount = w[n];\n"
        "        {guard}\n"
        "            double old = bins[key[n]];\n"
        "            bins[key[n]] = old + amount;\n"
        "        {close}\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(body.replace("{guard}", "if (amount >= 0) {").replace("{close}", "}"))
    guarded = loops(read_source(kernel, "hist", clock_ns=5.0)[0])["Bins"]["pipeline_ii"]
    kernel.write_text(body.replace("{guard}", "").replace("{close}", ""))
    plain = loops(read_source(kernel, "hist", clock_ns=5.0)[0])["Bins"]["pipeline_ii"]
    # read (1 state), a double add (4 states), write: the next read waits for the write
    assert guarded == plain >= 5


def test_a_core_starts_and_ends_where_its_stage_delay_fits_the_state(tmp_path):
    """Vitis schedules a pipelined core's first stage in the state its operand arrives only if
    the operand's delay plus the stage's fits the clock budget, and chains a write after its
    last stage on the same condition (ahls_histogram's schedule report: read, one state, a
    double add of 5 states, one state for the write: II 8, not 6)."""
    kernel = tmp_path / "rmw.cpp"
    body = (
        "void rmw(const int key[1000], const TYPE w[1000], TYPE bins[1000]) {\n"
        "Bins:\n"
        "    for (int n = 0; n < 1000; ++n) {\n"
        "        TYPE old = bins[key[n]];\n"
        "        bins[key[n]] = old + w[n];\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(body)
    ii = {
        type_: loops(read_source(kernel, "rmw", defines=[f"TYPE={type_}"], clock_ns=5.0)[0])["Bins"]["pipeline_ii"]
        for type_ in ("double", "int")
    }
    # 5 ns (3.65 ns budget): the read's data (1.29 ns) and the add's stage (3.17 ns) do not fit
    # one state, nor the add's last stage and the write (1.29 ns): 1 + 1 + (4 + 1) + 1 states
    assert ii["double"] == 8
    # an integer add chains after the read's data and before the write: read, then add + write
    assert ii["int"] == 2
    slow = loops(read_source(kernel, "rmw", defines=["TYPE=double"], clock_ns=10.0)[0])["Bins"]["pipeline_ii"]
    assert slow < ii["double"]  # at 10 ns the add has fewer stages, and they chain


def test_a_registered_operation_starts_in_the_state_its_operand_arrives(tmp_path):
    """A value computed late in a state (an index sum) still addresses a block RAM in that state
    when the address fits: composing a statement's paths must not push the read a state later.
    ahls_bnn's bias loop: index, two dependent reads, a compare-and-add and the write in 2."""
    kernel = tmp_path / "bias.cpp"
    kernel.write_text(
        "void bias(const int b[10000], const int idx[10000], int acc[10000], int row) {\n"
        "Bias:\n"
        "    for (int c = 0; c < 100; c++) {\n"
        "        int flat = row * 100 + c;\n"
        "        int bias = b[flat];\n"
        "        int v = acc[idx[flat]];\n"
        "        int r;\n"
        "        if (v > 0)\n"
        "            r = v - bias;\n"
        "        else\n"
        "            r = v + bias;\n"
        "        acc[idx[flat]] = r;\n"
        "    }\n"
        "}\n"
    )
    assert loops(read_source(kernel, "bias", clock_ns=5.0, part="xcvu35p-fsvh2104-1-e")[0])["Bias"]["pipeline_ii"] == 2


def test_a_row_of_a_two_dimensional_array_costs_its_address_arithmetic(tmp_path):
    kernel = tmp_path / "rows.cpp"
    body = (
        "void rows(const int a[8][COLS], int out[8]) {\n"
        "Rows:\n"
        "    for (int r = 0; r < 8; ++r) {\n"
        "#pragma HLS PIPELINE off\n"
        "        out[r] = a[r][1] * a[r][2];\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(body)
    latency = {
        cols: estimate_nest(nest).latency_cycles
        for cols, nest in per_define(kernel, "rows", "COLS", (8, 6), 2.0).items()
    }
    # r * 8 + 1 is a bit concatenation; r * 6 + 1 is a shift-and-add and an add before the read
    assert latency[6] > latency[8]


def test_an_unrolled_integer_accumulation_is_a_balanced_tree_and_a_float_one_a_chain(tmp_path):
    kernel = tmp_path / "sum.cpp"
    body = (
        "void sum(const TYPE in[32], TYPE out[1]) {\n"
        "#pragma HLS ARRAY_PARTITION variable = in complete\n"
        "    TYPE acc = 0;\n"
        "Sum:\n"
        "    for (int i = 0; i < 32; ++i) {\n"
        "#pragma HLS UNROLL\n"
        "        acc += in[i];\n"
        "    }\n"
        "    out[0] = acc;\n"
        "}\n"
    )
    kernel.write_text(body)
    nests = per_define(kernel, "sum", "TYPE", ("int", "float"), 5.0)
    latency = {kind: estimate_nest(nest).latency_cycles for kind, nest in nests.items()}
    # 32 integer adds in 5 levels of a state's fraction each; 31 fadds of 4 states one after the other
    assert latency["int"] <= 8 and latency["float"] >= 31 * 4


def test_independent_parts_of_a_pipelined_body_overlap_and_dependent_ones_chain(tmp_path):
    kernel = tmp_path / "parts.cpp"
    body = (
        "void parts(const float a[256], const float b[256], float x[256], float y[256], int counts[4]) {\n"
        "#pragma HLS ARRAY_PARTITION variable = counts complete\n"
        "Parts:\n"
        "    for (int i = 0; i < 256; ++i) {\n"
        "#pragma HLS PIPELINE II = 1\n"
        "        float p = a[i] * b[i];\n"
        "        x[i] = p;\n"
        "        for (int j = 0; j < 4; ++j) {\n"
        "            counts[j] += i;\n"
        "        }\n"
        "        y[i] = SECOND * b[i];\n"
        "    }\n"
        "}\n"
    )
    kernel.write_text(body)
    nests = per_define(kernel, "parts", "SECOND", ("a[i]", "p"), 5.0)
    iteration = {second: loops(nest)["Parts"]["iteration_latency"] for second, nest in nests.items()}
    # two fmuls side by side, or the second after the first (fmul: 3 states at 5 ns, less the
    # fractions the store and the read share with it)
    assert iteration["p"] >= iteration["a[i]"] + 2


def test_hls_vector_arithmetic_parses_and_its_lanes_cost_their_element_type(tmp_path):
    kernel = tmp_path / "lanes.cpp"
    kernel.write_text(
        "#include <hls_vector.h>\n"
        "typedef hls::vector<TYPE, 16> lanes_t;\n"
        "void lanes(const lanes_t *a, const lanes_t *b, lanes_t *c) {\n"
        "Lanes:\n"
        "    for (int i = 0; i < 64; ++i) {\n"
        "#pragma HLS PIPELINE II = 1\n"
        "        c[i] = a[i] * b[i] + a[i];\n"
        "    }\n"
        "}\n"
    )
    nests = per_define(kernel, "lanes", "TYPE", ("float", "short"), 4.0)
    iteration = {kind: loops(nest)["Lanes"]["iteration_latency"] for kind, nest in nests.items()}
    assert iteration["float"] > iteration["short"]  # fmul + fadd against a DSP multiply and an add


def test_the_cases_of_a_switch_are_exclusive_and_hls_math_parses(tmp_path):
    kernel = tmp_path / "modes.cpp"
    kernel.write_text(
        "#include <hls_math.h>\n"
        "void modes(const float in[256], float out[256], int mode) {\n"
        "Modes:\n"
        "    for (int i = 0; i < 256; ++i) {\n"
        "        switch (mode) {\n"
        "            case 0: out[i] = in[i]; break;\n"
        "            case 1: out[i] = hls::sqrt(in[i]); break;\n"
        "            default: out[i] = 0.0f;\n"
        "        }\n"
        "    }\n"
        "}\n"
    )
    loop = loops(read_source(kernel, "modes", clock_ns=5.0)[0])["Modes"]
    # one of the three writes of out happens per iteration; the square root sets the depth
    assert loop["pipeline_ii"] == 1 and loop["iteration_latency"] >= 12


def test_a_typedef_of_float_is_floating_point(tmp_path):
    """``typedef float data_t`` (as most HLS code names its types) times as float: the
    accumulation's fadd makes a recurrence of several states, as with ``float`` itself."""
    kernel = tmp_path / "acc.cpp"
    source = (
        "TYPE\nTYPE_T acc(const TYPE_T a[64]) {\n  TYPE_T s = 0;\n"
        "  for (int i = 0; i < 64; i++) s += a[i];\n  return s;\n}\n"
    )
    plain = source.replace("TYPE\n", "").replace("TYPE_T", "float")
    named = source.replace("TYPE\n", "typedef float data_t;\n").replace("TYPE_T", "data_t")
    iis = []
    for text in (plain, named):
        kernel.write_text(text)
        (loop,) = loops(read_source(kernel, "acc", tool="vitis_hls:2023.2", clock_ns=5.0)[0]).values()
        iis.append(loop["pipeline_ii"])
    assert iis[0] == iis[1] > 1


def test_a_multiply_add_that_fits_one_dsp_takes_the_macros_states_and_its_addend_enters_last(tmp_path):
    """Vitis binds a * b + c of DSP-sized operands to one mac_muladd macro of latency 3 at any
    clock (reports of enzobelline at 4 ns, LeVDuc22 at 10 ns); the accumulator enters at the
    last stage, so an accumulation pipelines at II 1; a 32-bit product is no single DSP."""
    kernel = tmp_path / "mac.cpp"
    kernel.write_text(
        "short mac(char a, char b, short c) { return a * b + c; }\n"
        "int wide(int a, int b, int c) { return a * b + c; }\n"
        "short dot(const char x[64], const char y[64]) {\n"
        "  short acc = 0;\n"
        "  for (int i = 0; i < 64; i++) acc += x[i] * y[i];\n"
        "  return acc;\n"
        "}\n"
    )

    def latency(top: str, clock: float) -> int:
        return estimate_nest(
            read_source(kernel, top, tool="vitis_hls:2022.2", clock_ns=clock, part="xc7s100")[0]
        ).latency_cycles

    assert latency("mac", 4.0) == latency("mac", 10.0) >= 3  # the macro's stages, whatever the clock
    assert latency("wide", 4.0) > latency("wide", 10.0)  # several DSPs: their stages follow the clock
    (loop,) = loops(read_source(kernel, "dot", tool="vitis_hls:2022.2", clock_ns=4.0)[0]).values()
    assert loop["pipeline_ii"] == 1 and loop["iteration_latency"] >= 4  # read, then the macro


def test_a_shift_register_read_before_it_is_written_carries_no_recurrence(tmp_path):
    """taps[k] = taps[k - 1] after a read of taps[k - 1] in the same iteration: the next
    iteration reads an element no iteration before it wrote (an anti-dependence), so the loop
    pipelines at II 1 (nightt5879's 58-tap FIR, Vitis HLS 2024.2: II 1 on a ram_2p), with the
    loop variable assigned in the header (k = N - 1) as well as declared there."""
    kernel = tmp_path / "shift.cpp"
    source = (
        "void shift(short *y, short x) {\n"
        "  static short taps[58];\n"
        "  int sum = 0;\n"
        "  int k;\n"
        "  for (k = 57; k != 0; k--) {\n"
        "    sum += taps[k - 1] * 3;\n"
        "    taps[k] = taps[INDEX];\n"
        "  }\n"
        "  taps[0] = x;\n"
        "  *y = sum;\n"
        "}\n"
    )
    kernel.write_text(source.replace("INDEX", "k - 1"))
    (loop,) = loops(read_source(kernel, "shift", tool="vitis_hls:2024.2")[0]).values()
    assert loop["trip_count"] == 57 and loop["pipeline_ii"] == 1
    # taps[0] read and written at every iteration: a true recurrence through the RAM
    kernel.write_text(source.replace("taps[k] = taps[INDEX];", "taps[0] = taps[0] + taps[k - 1];"))
    (loop,) = loops(read_source(kernel, "shift", tool="vitis_hls:2024.2")[0]).values()
    assert loop["pipeline_ii"] > 1


def test_an_expression_of_constants_is_folded(tmp_path):
    """-HALF_TURN / 2 of a const ap_fixed is a constant the compiler folds: no divider, no
    state; the same division of a run-time value costs a divider."""
    kernel = tmp_path / "fold.cpp"
    source = (
        "#include <ap_fixed.h>\n"
        "typedef ap_fixed<16, 3> ang_t;\n"
        "const ang_t HALF_TURN = 3.14159265;\n"
        "bool fold(ang_t a, ang_t b) { return a < -NUMERATOR / 3; }\n"
    )
    latencies = []
    for numerator in ("HALF_TURN", "b"):
        kernel.write_text(source.replace("NUMERATOR", numerator))
        latencies.append(estimate_nest(read_source(kernel, "fold", tool="vitis_hls:2020.2")[0]).latency_cycles)
    assert latencies[0] <= 1 < latencies[1]


def test_a_cast_written_out_widens_no_multiply(tmp_path):
    # (int)c[t] of a short is as narrow as c[t] promoted by C: a 16 x 16 multiply in one DSP
    # (mmaltaf's DCT, Vivado HLS 2016.1 on a 7-series part at 10 ns: a 3-state iteration);
    # a product of two ints takes the several-DSP multiply's extra state
    source = (
        "void dot(TYPE x[8], TYPE c[8], int *out) {\n    int sum = 0;\nTaps:\n"
        "    for (int t = 0; t < 8; t++) {\n#pragma HLS PIPELINE off\n        sum += x[t] * OPERAND;\n    }\n"
        "    *out = sum;\n}\n"
    )
    kernel = tmp_path / "dot.cpp"
    options = {"clock_ns": 10.0, "part": "xc7z020clg484-1", "tool": "vivado_hls:2016.1"}

    def iteration(type_name: str, operand: str) -> int:
        kernel.write_text(source.replace("TYPE", type_name).replace("OPERAND", operand))
        (taps,) = [node for node in read_source(kernel, "dot", **options)[0]["body"] if node.get("loop") == "Taps"]
        return taps["body"][0]["latency"]

    promoted = iteration("short", "c[t]")
    assert iteration("short", "(int)c[t]") == iteration("short", "static_cast<int>(c[t])") == promoted == 3
    assert iteration("int", "c[t]") == promoted + 1


def test_automotive_and_defense_grades_of_7_series_parts_are_7_series():
    from simulator.hls.hls_ops import Target

    for part in ("xc7z020clg484-1", "xa7a12t-csg325-1Q", "xq7z020-cl400-1I"):
        assert Target.for_part(part, 10.0).family == "7series", part
    for part in ("xcvu9p-flga2104-2-i", "xczu7ev-ffvc1156-2-e", "xck26-sfvc784-2LV-c"):
        assert Target.for_part(part, 10.0).family == "ultrascale", part
