"""The HLS C++ source reader (``cnnacc hls-estimate FILE.cpp --top NAME``) on kernels of our own."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from simulator.hls.hls_source import SourceError, read_source, read_source_verdicts
from simulator.hls.schedule import estimate_nest

KERNELS = Path(__file__).parent.parent / "data" / "hls_kernels" / "shapes.cpp"


def per_define(kernel, top: str, macro: str, values, clock_ns: float) -> dict:
    """The nest of ``kernel`` read with -D macro=value, for each value."""
    return {value: read_source(kernel, top, defines=[f"{macro}={value}"], clock_ns=clock_ns)[0] for value in values}


def loops(node: dict) -> dict[str, dict]:
    """Every loop of a nest by name."""
    found = {}
    if "loop" in node:
        found[node["loop"]] = node
    for child in node.get("body", []):
        found |= loops(child)
    return found


def test_plain_nested_loops_are_flattened_into_one_pipeline_as_vitis_does():
    nest, smallest, warnings = read_source(KERNELS, "nested")
    found = loops(nest)
    assert smallest is None and warnings == []
    # Rows (16) holds only the innermost VITIS_LOOP_12_1 (8, pipelined by default): one loop of 128
    assert set(found) == {"Rows_VITIS_LOOP_12_1"}
    flat = found["Rows_VITIS_LOOP_12_1"]
    assert flat["trip_count"] == 128 and flat["pipeline_ii"] == 1
    # a block-RAM read (1 state + its output delay) and an add and a write chained after it: 2 states
    assert flat["iteration_latency"] == 2
    assert estimate_nest(nest).latency_cycles == (128 - 1) * 1 + 2 + 1  # + the pipeline's exit state


def test_pragmas_set_ii_pipelining_unrolling_and_trip_count_ranges():
    nest, smallest, _ = read_source(KERNELS, "pragmas")
    found = loops(nest)
    assert found["Slow"]["trip_count"] == 32 and found["Slow"]["pipeline_ii"] == 2
    assert found["Off"]["trip_count"] == 32 and found["Off"]["pipeline_ii"] is None  # counts down from 31
    assert "Unrolled" not in found and any("Unrolled (unrolled x4)" == node.get("op") for node in nest["body"])
    assert found["Varying"]["trip_count"] == 10 and loops(smallest)["Varying"]["trip_count"] == 2
    assert estimate_nest(smallest).latency_cycles == estimate_nest(nest).latency_cycles - 8


def test_dataflow_calls_and_template_arguments_are_followed():
    nest, _, _ = read_source(KERNELS, "pipeline")
    assert nest["kind"] == "dataflow"
    regions = [node["region"] for node in nest["body"] if "region" in node]
    assert regions == ["fill", "drain"]
    assert loops(nest)["Fill"]["trip_count"] == 64  # N = 64 from fill<64>
    report = estimate_nest(nest)
    assert report.interval_cycles < report.latency_cycles  # the processes overlap


def test_memory_ports_bound_the_initiation_interval():
    # Vivado HLS partitions only what it is told to (loops pipelined as Vitis does, to compare)
    found = loops(read_source(KERNELS, "ports", tool="vivado_hls:2019.2", pipeline_loops=64)[0])
    assert found["Twice"]["pipeline_ii"] == 1 and found["Thrice"]["pipeline_ii"] == 2
    # Vitis partitions a local array as far as the target II needs (throughput-driven)
    vitis = loops(read_source(KERNELS, "ports", tool="vitis_hls:2023.2")[0])
    assert vitis["Twice"]["pipeline_ii"] == vitis["Thrice"]["pipeline_ii"] == 1
    assert found["Twice"]["trip_count"] == 62
    # three reads on two ports take two cycles of every iteration: its last read, and all
    # that follows it, a cycle later than the operator chain alone would put it
    assert found["Thrice"]["iteration_latency"] == found["Twice"]["iteration_latency"] + 1


def test_what_it_cannot_read_is_one_line_naming_the_place():
    with pytest.raises(SourceError, match=r"no function 'missing' is defined"):
        read_source(KERNELS, "missing")


def test_a_loop_of_run_time_bound_without_tripcount_has_latency_unknown_as_csynth_prints_it():
    from simulator.hls.hls_source import estimate_source, read_source_verdicts

    found = read_source_verdicts(KERNELS, "unbounded")
    assert [where.rsplit("/", 1)[-1] for where in found.unknown_trips] == ["shapes.cpp:82"]
    assert any("shapes.cpp:82" in warning and "LOOP_TRIPCOUNT" in warning for warning in found.warnings)
    report = estimate_source(KERNELS, "unbounded")
    assert report["latency_cycles"] is None and report["latency_cycles_max"] is None
    assert report["latency_cycles_min"] >= 1  # the loop run 0 times: a lower bound
    bound = estimate_source(KERNELS, "unbounded", args={"n": 100})  # bound by the caller: known
    assert bound["latency_cycles_max"] > report["latency_cycles_min"] and not bound["unknown_trip_counts"]


def test_cli_prints_json_emits_the_nest_and_fails_in_one_line(tmp_path, capsys):
    from cnnacc.main import main

    start = time.perf_counter()
    assert main(["hls-estimate", str(KERNELS), "--top", "pragmas", "--json"]) == 0
    seconds = time.perf_counter() - start
    data = json.loads(capsys.readouterr().out)
    assert data["latency_cycles"] == data["latency_cycles_max"] > data["latency_cycles_min"]
    assert {"nodes", "interval_cycles", "warnings"} <= set(data)
    assert seconds < 10  # a guard against hangs (a kernel takes well under a second)
    assert main(["hls-estimate", str(KERNELS), "--top", "nested", "--emit-nest"]) == 0
    emitted = tmp_path / "nest.json"
    emitted.write_text(capsys.readouterr().out)
    assert main(["hls-estimate", str(emitted), "--json"]) == 0
    assert (
        json.loads(capsys.readouterr().out)["latency_cycles"]
        == estimate_nest(read_source(KERNELS, "nested")[0]).latency_cycles
    )
    broken = tmp_path / "broken.cpp"
    broken.write_text("void f(int* a) { a[0] = ; }\n")
    assert main(["hls-estimate", str(broken), "--top", "f"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "broken.cpp:1: does not parse" in error


def test_tcl_directives_apply_to_the_function_or_loop_they_name(tmp_path):
    directives = tmp_path / "directives.tcl"
    directives.write_text(
        "# as a Vitis project keeps them\n"
        'set_directive_pipeline -II 4 "nested/Rows"\n'
        'set_directive_loop_tripcount -min 3 -max 5 "unbounded/VITIS_LOOP_82_1"\n'
        'set_directive_array_partition -type complete -dim 1 "ports" table\n'
    )
    assert loops(read_source(KERNELS, "nested", directives=directives)[0])["Rows"]["pipeline_ii"] == 4
    largest, smallest, _ = read_source(KERNELS, "unbounded", directives=directives)
    assert (
        loops(largest)["VITIS_LOOP_82_1"]["trip_count"] == 5 and loops(smallest)["VITIS_LOOP_82_1"]["trip_count"] == 3
    )
    ports = loops(read_source(KERNELS, "ports", directives=directives)[0])
    assert ports["Thrice"]["pipeline_ii"] == 1  # the table is in registers now
    directives.write_text('set_direktive_pipeline "nested"\n')
    with pytest.raises(SourceError, match=r"directives.tcl:1: 'set_direktive_pipeline' is not a set_directive"):
        read_source(KERNELS, "nested", directives=directives)


def test_array_arguments_are_block_ram_and_an_m_axi_port_pays_its_latency_once_per_burst(tmp_path):
    directives = tmp_path / "directives.tcl"  # the IP flow assumes 0 (UG1399): as the kernel flow does
    directives.write_text("config_interface -m_axi_latency 64\n")
    nest = read_source(KERNELS, "interfaces", directives=directives)[0]
    bursts = [node for node in nest["body"] if node.get("region", "").endswith("(burst)")]
    latencies = [[child for child in region["body"] if "op" in child] for region in bursts]
    assert latencies == [[{"op": "m_axi latency", "latency": 64}]] * 2
    assert loops(nest)["FromTable"]["pipeline_ii"] == 1  # one word per beat: bursts, not 66 cycles a read


REPORTS = Path(__file__).parent.parent / "data" / "hls_reports"


def test_calibration_split_of_real_csynth_reports_is_met_within_five_percent_median():
    """Every public kernel of the calibration split (its real report's numbers, a kernel of our
    own with the same structure), read with its report's tool, clock and part: the median
    |error| of the top latency is <= 5 % and >= 70 % of the cases are within 10 % (a guard: the
    measured figures are printed by benchmarks/hls_fidelity.py)."""
    from simulator.hls.hls_corpus import load_cases, run_case, summary

    cases = [case for case in load_cases(REPORTS) if case["split"] == "calibration"]
    assert len(cases) >= 10
    rows = []
    for case in cases:
        start = time.perf_counter()
        rows.append(run_case(case, REPORTS))
        assert time.perf_counter() - start < 10  # a guard against hangs (each takes well under a second)
    result = summary(rows)
    errors = sorted((row.get("error"), row["case"]) for row in rows if isinstance(row.get("error"), float))
    assert not result["failed"], result["failed"]
    assert result["median_abs_error"] <= 0.05, errors
    assert result["within_10pct"] >= 0.7 * result["cases"], errors


def test_the_split_rule_keeps_the_earlier_calibration_set_and_hashes_new_repositories():
    from simulator.hls.hls_corpus import split_of

    split = json.loads((REPORTS / "split.json").read_text())
    assert split_of("gct02/AHLS", split) == "calibration"
    assert split_of("GCT02/ahls", split) == "calibration"  # GitHub names are case-insensitive
    verdicts = {split_of(f"someone/repo{k}", split) for k in range(40)}
    assert verdicts == {"calibration", "validation"}


def test_a_cases_loops_sit_beside_the_estimates_loops_of_the_same_name():
    from simulator.hls.hls_corpus import load_cases, loop_rows

    cases = {case["case"]: case for case in load_cases(REPORTS)}
    nested = loop_rows(cases["cpantel_matrixmul_nopipe"], REPORTS)
    assert [(row["loop"], row["real"]["iteration_latency"]) for row in nested] == [
        ("Row", 137),
        ("Col", 27),
        ("Product", 5),
    ]
    assert all(row["estimate"]["trip_count"] == 5 and row["estimate"]["ii"] is None for row in nested)
    # Vitis pipelines the UG871 matrixmul's Col with Product unrolled and flattens it with Row
    (flattened,) = loop_rows(cases["bol_matrixmul_auto"], REPORTS)
    real, estimate = flattened["real"], flattened["estimate"]
    assert flattened["loop"] == "Row_Col" and estimate["trip_count"] == real["trip_count"] == 9
    assert estimate["ii"] == real["ii"] == 2


def test_the_validation_reports_read_while_deriving_a_rule_are_named_and_marked():
    from simulator.hls.hls_corpus import load_cases

    consulted = json.loads((REPORTS / "split.json").read_text())["consulted"]["cases"]
    cases = {case["case"]: case for case in load_cases(REPORTS)}
    assert consulted and set(consulted) <= set(cases)  # every name is a case of the corpus
    # a calibration case is there to be read: only validation cases can lose their independence
    assert all(cases[name]["split"] == "validation" and cases[name]["consulted"] for name in consulted)
    assert sum(case["consulted"] for case in cases.values()) == len(consulted)


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


@pytest.mark.slow
def test_hls_src_kernels_read_from_source_match_their_static_schedule_loop_by_loop():
    from simulator.hardware.designs import Im2colDesign, MatmulDesign
    from simulator.timing.kernel_schedule import kernel_schedule
    from simulator.timing.kernel_source import DATA_DEPENDENT_LOOPS, source_read, source_schedule

    design, shape = Im2colDesign(), (3, 28, 28, 3, 3)
    im2col = source_read(design, shape)
    source = {row.name.strip(): row for row in source_schedule(design, shape).rows}
    static = kernel_schedule(design, shape)
    channels = shape[0]
    # the shifted copies are words at run-time word indices of a dual-port RAM, written in
    # address order and read two words a cycle: no conflict, both m_axi ports burst
    assert im2col.conflicts == []
    assert sorted((b.port, b.inferred) for b in im2col.bursts) == [("in", True), ("out", True)]
    for row in static.rows:
        if row.kind == "pipelined":  # the static rows total every run of a label; the source's are one run
            runs = channels - 1 if row.name.strip() == "Overlap" else 1  # FillRows: channel 0, EmitRows: the last
            assert source[row.name.strip()].trip_count * runs == row.trip_count
            assert source[row.name.strip()].ii == row.ii
    for shape in ((64, 64, 64), (100, 100, 100)):
        read = source_read(MatmulDesign(), shape)
        matmul = estimate_nest(read.nest)
        program = kernel_schedule(MatmulDesign(), shape)
        found = {row.name.strip(): row for row in matmul.rows}
        # the loads fetch burst trains with nothing conditional (FetchRun), and
        # GatherOut turns a row to its byte lanes in registers, so each lane's bank of the band
        # buffer is written once a cycle: no verdict charges the source
        assert read.conflicts == []
        assert read.bursts and all(burst.inferred for burst in read.bursts)
        assert {burst.loop for burst in read.bursts} == {"WriteOut", "FetchRun"}  # one write burst train
        for row in program.rows:
            if row.kind == "pipelined":  # the same II everywhere
                assert found[row.name.strip()].ii == row.ii, (shape, row.name)
        # (ComputeBeats' trip count is handed to the reader from the program, DATA_DEPENDENT_LOOPS:
        # comparing it with the program would check nothing; the II of every loop comes from the source)
        bound = {name: row for name, row in found.items() if name not in DATA_DEPENDENT_LOOPS["matmul"]}
        assert all(row.ii in (None, 1) for row in bound.values())


def test_the_tools_preprocessed_form_reads_its_intrinsics_as_pragmas(tmp_path):
    """A ``*.pp.0.cpp`` (what Vivado HLS keeps in .autopilot/db/): line markers naming files that
    are not here, and ``_ssdm_*`` intrinsic calls in place of the pragmas."""
    kernel = tmp_path / "scale.pp.0.cpp"
    kernel.write_text(
        '# 1 "src/scale.cpp"\n'
        '# 1 "/opt/tool/etc/autopilot_ssdm_op.h" 1\n'
        'extern "C" { void _ssdm_op_SpecPipeline(...); void _ssdm_Unroll(...);\n'
        "void _ssdm_op_SpecLoopTripCount(...); void _ssdm_SpecArrayPartition(...); }\n"
        '# 2 "src/scale.cpp" 2\n'
        "const int LANES = 4;\n"
        "void scale(int x[64], int y[64], int n) {\n"
        "  int k[LANES];\n"
        '_ssdm_SpecArrayPartition( k, 1, "COMPLETE", 0, "");\n'
        "Rows:\n"
        "  for (int i = 0; i < n; i++) {\n"
        '_ssdm_op_SpecLoopTripCount(8, 16, 12, "");\n'
        '_ssdm_op_SpecPipeline(3, 1, 1, 0, "");\n'
        "    int s = 0;\n"
        "  Lanes:\n"
        "    for (int l = 0; l < LANES; l++) {\n"
        '_ssdm_Unroll(1, 0, LANES, "");\n'
        "      s += k[l] * x[4 * i + l];\n"
        "    }\n"
        "    y[i] = s;\n"
        "  }\n"
        "}\n"
    )
    largest, smallest, _ = read_source(kernel, "scale", tool="vivado_hls:2018.3")
    rows = loops(largest)["Rows"]
    assert (rows["trip_count"], rows["pipeline_ii"]) == (16, 3)  # II 3 asked (four reads of x on two ports: 2)
    assert loops(smallest)["Rows"]["trip_count"] == 8
    assert "Lanes" not in loops(largest)  # unrolled completely: its four copies are in one iteration of Rows


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


def test_an_ip_core_is_refused_in_one_line_naming_it(tmp_path):
    kernel = tmp_path / "spectrum.cpp"
    kernel.write_text(
        "#include <hls_fft.h>\n"
        "struct cfg : hls::ip_fft::params_t {};\n"
        "void spectrum(int in[64], int out[64]) {\n"
        "  hls::fft<cfg>(in, out);\n"
        "}\n"
    )
    with pytest.raises(SourceError, match=r"spectrum.cpp:4: hls::fft is the Fast Fourier Transform LogiCORE IP"):
        read_source(kernel, "spectrum")


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


@pytest.mark.slow
@pytest.mark.parametrize("index", range(9))
def test_every_compiled_design_reads_with_every_burst_inferred_and_no_conflict(index):
    """The idioms of hls_src hold beyond the default design: for each design the bit-exact
    suite builds (odd tiles, 32- to 1024-bit words, a shared bundle, 256-wide tiles, kernels
    up to 7 x 7), hls-estimate of the C++ finds every m_axi access a burst and no II raised."""
    from simulator.timing.kernel_source import source_read
    from tests.crosscheck.test_bit_exact import IM2COL_DESIGNS, MATMUL_DESIGNS

    designs = [(design, (64, 32, min(64, design.max_w))) for design in MATMUL_DESIGNS]
    designs += [(design, (3, 16, 16, 5, 3)) for design in IM2COL_DESIGNS]
    design, shape = designs[index]
    read = source_read(design, shape)
    assert read.conflicts == [], [conflict.log_line() for conflict in read.conflicts]
    assert read.bursts and all(burst.inferred for burst in read.bursts), [b.log_line() for b in read.bursts]


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


def test_a_loop_body_without_braces_has_its_write_read_as_a_write(tmp_path):
    """``for (...) dst[i] = src[i];`` (a body of one statement, no braces) writes dst: its
    burst verdict is a write, as with braces."""
    kernel = tmp_path / "copy.cpp"
    source = (
        "static void copy_out(float *src, float *dst) {\n"
        "  for (int i = 0; i < 8; i++) BODY\n"
        "}\n"
        "void top(float *out) {\n"
        "#pragma HLS INTERFACE m_axi port=out bundle=gmem\n"
        "  static float buf[8];\n"
        "  copy_out(buf, out);\n"
        "}\n"
    )
    for body in ("dst[i] = src[i];", "{ dst[i] = src[i]; }"):
        kernel.write_text(source.replace("BODY", body))
        (burst,) = read_source_verdicts(kernel, "top", tool="vitis_hls:2023.2").bursts
        assert (burst.port, burst.direction, burst.inferred) == ("out", "write", True)


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


def test_macros_in_an_index_are_their_values(tmp_path):
    """A macro in an index (``dst[y * W + x]``, ``#define W 474``) is the value it expands to:
    the stride it makes is a number, and the banks of a cyclic partition by W are known."""
    kernel = tmp_path / "macro.cpp"
    kernel.write_text(
        "#define W (480 - 6)\n"
        "#define F 4\n"
        "void macro(const int *src, int out[8][F]) {\n"
        "#pragma HLS INTERFACE m_axi port=src bundle=gmem\n"
        "#pragma HLS ARRAY_PARTITION variable=out complete dim=2\n"
        "  int buf[8 * F];\n"
        "#pragma HLS ARRAY_PARTITION variable=buf cyclic factor=F\n"
        "Column: for (int y = 0; y < 8; y++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    buf[y * F] = src[y * W];\n"
        "  }\n"
        "Rows: for (int y = 0; y < 8; y++) {\n"
        "#pragma HLS PIPELINE II=1\n"
        "    for (int x = 0; x < F; x++) out[y][x] = buf[y * F + x];\n"
        "  }\n"
        "}\n"
    )
    read = read_source_verdicts(kernel, "macro", tool="vitis_hls:2023.2")
    (burst,) = read.bursts
    assert not burst.inferred and burst.reason == "the stride is 474 elements, not sequential"
    assert read.conflicts == []  # buf[y * F + x]: lane x in bank x


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


@pytest.mark.slow
def test_the_simpy_model_and_the_source_reading_agree_at_the_spec_shapes():
    """The loop programs take every depth and lead from the source reading of the C++, so the
    SimPy model comes within 3 % of the source's estimate; that estimate stays within 2x (matmul)
    and 1.3x (im2col) of the memory-bound limit."""
    from simulator.hardware.designs import Im2colDesign, MatmulDesign
    from simulator.timing.kernel_source import source_schedule
    from simulator.timing.units.im2col import Im2colShape, run_im2col_des
    from simulator.timing.units.matmul import run_matmul_des

    matmul = run_matmul_des(MatmulDesign(), 64, 32, 64)
    im2col = run_im2col_des(Im2colDesign(), Im2colShape(3, 32, 32, 3, 3))
    for result, design, shape, bound in (
        (matmul, MatmulDesign(), (64, 32, 64), 2.0),
        (im2col, Im2colDesign(), (3, 32, 32, 3, 3), 1.3),
    ):
        source = source_schedule(design, shape).latency_cycles
        assert abs(result.latency_cycles - source) <= 0.03 * source, (shape, result.latency_cycles, source)
        assert source <= bound * result.memory_bound_cycles, (shape, source, result.memory_bound_cycles)
