"""The HLS C++ source reader (``cnnacc hls-estimate FILE.cpp --top NAME``) on kernels of our own:
what it reads (pragmas, Tcl directives, the tool's preprocessed form, macros) and how it refuses."""

from __future__ import annotations

import json
import time

import pytest

from simulator.hls.hls_source import SourceError, read_source, read_source_verdicts
from simulator.hls.schedule import estimate_nest
from tests.unit.hls_helpers import KERNELS, loops


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
