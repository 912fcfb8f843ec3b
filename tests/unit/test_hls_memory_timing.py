"""How long a memory access takes in the HLS source reader: the delay of a load or a store by
fabric and memory size (public verbose schedule reports), the clock uncertainty a project sets,
and Vivado HLS chaining a pipelined read-modify-write into one state. Each test compares two
kernels or settings that differ in the one thing."""

from __future__ import annotations

import pytest

from simulator.hls.hls_ops import MEMORY_NS, Target
from simulator.hls.hls_source import SourceError, read_source
from simulator.hls.hls_tools import storage_kind
from tests.unit.hls_helpers import iis, latency, loops


@pytest.mark.parametrize(
    ("part", "fabric"),
    [
        ("xc7z020clg484-1", "artix7"),
        ("xc7z010-clg400-1", "artix7"),
        ("xa7a12t-csg325-1Q", "artix7"),
        ("xc7s100-fgga676-2", "artix7"),
        ("xc7z030-sbg485-1", "kintex7"),
        ("xc7k160t-fbg484-1", "kintex7"),
        ("xc7v585tffg1761-2", "kintex7"),
        ("xczu9eg-ffvb1156-2-e", "ultrascale"),
    ],
)
def test_a_part_s_fabric_sets_its_memory_delays(part, fabric):
    target = Target.for_part(part, 10.0)
    block, lut = MEMORY_NS[fabric]
    assert target.bram_read().delay == pytest.approx(block / target.budget_ns)
    assert target.bram_write().delay == pytest.approx(block / target.budget_ns)
    assert target.bram_read(lut=True).delay == pytest.approx(lut / target.budget_ns)
    assert target.bram_write(lut=True).delay == pytest.approx(lut / target.budget_ns)


@pytest.mark.parametrize(
    ("storage", "impl", "kind"),
    [("RAM_1P_BRAM", None, "block"), ("ram_2p", "bram", "block"), ("ram_1p", "uram", "block"),
     ("RAM_2P_LUTRAM", None, "lut"), ("ram_s2p", "lutram", "lut"), ("ram_1p", None, None), (None, None, None)],
)  # fmt: skip
def test_a_storage_binding_names_the_kind_of_ram(storage, impl, kind):
    assert storage_kind(storage, impl) == kind


def test_an_unknown_fabric_is_refused():
    with pytest.raises(ValueError, match="fabric 'virtex2' is not known"):
        Target(fabric="virtex2")


GATHER = """
void gather(int flag[2000], int ends[2000], int out[1000]) {
    for (int e = 0; e < 1000; e++) {
#pragma HLS PIPELINE off
        int u = ends[e];
        out[e] = flag[u];
    }
}
"""


def test_a_loaded_index_reaches_the_next_address_a_state_later_on_slower_fabric(tmp_path):
    # robertszafa's maximal matching (Vivado HLS 2019.2, xc7k160t-1, 4 ns): a load's data
    # (2.66 ns) and the next load's address (2.66 ns) do not fit one state of 3.5 ns; on
    # UltraScale+ (1.29 ns each) they do
    kernel = tmp_path / "gather.cpp"
    options = {"tool": "vivado_hls:2019.2", "clock_ns": 4.0}
    kintex = latency(kernel, GATHER, "gather", part="xc7k160t-fbg484-1", **options)
    ultrascale = latency(kernel, GATHER, "gather", part="xcvu9p-flga2104-2-i", **options)
    assert kintex >= ultrascale + 1000  # a state more in each of the 1000 iterations


HISTOGRAM = """
void histogram(int bin_of[1000], int bins[1000], int weight_of[1000]) {
LOOP_J:
    for (int s = 0; s < 1000; ++s) {
#pragma HLS PIPELINE II=1
        int b = bin_of[s];
        int count = bins[b];
        bins[b] = count + weight_of[s];
    }
}
"""


def test_vivado_hls_keeps_a_pipelined_read_add_store_in_one_state(tmp_path):
    # robertszafa's histogram and cpantel's matrix product (Vivado HLS 2018.2-2019.2): the load's
    # data, the add and the store of the same element share one state (7.11 ns of a 4 ns clock
    # in the histogram's schedule), so the recurrence through the memory is 2 states; Vitis HLS
    # keeps to the clock: 2.66 + 1.6 + 2.66 ns do not fit one state
    kernel = tmp_path / "histogram.cpp"
    kernel.write_text(HISTOGRAM)
    for clock in (4.0, 5.0):
        options = {"clock_ns": clock, "part": "xc7k160t-fbg484-1"}
        vivado = iis(read_source(kernel, "histogram", tool="vivado_hls:2019.2", **options)[0])["LOOP_J"]
        vitis = iis(read_source(kernel, "histogram", tool="vitis_hls:2021.2", **options)[0])["LOOP_J"]
        assert vivado == 2 and vitis >= 3, clock


ACCUMULATE = """
#include "ap_int.h"
void accumulate(ap_int<8> din[4], ap_int<10> *dout) {
    ap_int<10> total = 0;
ACCUM:
    for (int k = 0; k < 4; ++k) {
#pragma HLS PIPELINE II=1
        total += din[k];
    }
    *dout = total;
}
"""


def test_an_interface_directive_without_a_mode_keeps_the_default_port(tmp_path):
    # ian861226's accumulator: set_directive_interface "accumulator" din names no mode, and the
    # report keeps din an ap_memory port of 4 words (a LUT RAM's read, 2.32 ns, chained with the add
    # in a state of 3.5 ns at 4 ns; a block RAM's 3.25 ns would not be)
    kernel = tmp_path / "accumulate.cpp"
    directives = tmp_path / "directives.tcl"
    directives.write_text('set_directive_interface "accumulate" din\n')
    options = {"tool": "vivado_hls:2019.2", "clock_ns": 4.0, "part": "xc7z020clg484-1"}
    plain = latency(kernel, ACCUMULATE, "accumulate", **options)
    named = latency(kernel, ACCUMULATE, "accumulate", directives=directives, **options)
    assert named == plain


def test_set_clock_uncertainty_gives_the_margin_in_ns_or_percent(tmp_path):
    # danila-kuryakin's histogram (Vitis HLS 2021.2, 8 ns, uncertainty 1 ns in the solution):
    # a load's data (3.25 ns) and the next load's address (3.25 ns) fit 7 ns, not the default 5.84
    kernel = tmp_path / "gather.cpp"
    options = {"tool": "vitis_hls:2021.2", "clock_ns": 8.0, "part": "xa7a12t-csg325-1Q"}
    default = latency(kernel, GATHER, "gather", **options)
    found = {}
    for value in ("1", "12.5%"):
        directives = tmp_path / "directives.tcl"
        directives.write_text(f"set_clock_uncertainty {value}\n")
        found[value] = latency(kernel, GATHER, "gather", directives=directives, **options)
    assert found["1"] == found["12.5%"] <= default - 1000


def test_a_bad_clock_uncertainty_is_one_line_naming_the_file_and_line(tmp_path):
    kernel = tmp_path / "gather.cpp"
    kernel.write_text(GATHER)
    directives = tmp_path / "directives.tcl"
    directives.write_text("# settings\nset_clock_uncertainty fast\n")
    with pytest.raises(SourceError, match=r"directives.tcl:2: clock uncertainty 'fast' is not"):
        read_source(kernel, "gather", directives=directives)


ARRAY_IO = """
void array_io(short d_o[32], short d_i[32]) {
    static int totals[8];
For_Loop:
    for (int n = 0; n < 32; n++) {
        int t = totals[n % 8] + d_i[n];
        totals[n % 8] = t;
        d_o[n] = t;
    }
}
"""


def test_a_small_array_bound_to_block_ram_takes_a_block_ram_s_delay(tmp_path):
    # nctrung's array_io (Vivado HLS 2015.3, xc7k160t-1, 4 ns): d_i and d_o, 32 words each, are
    # bound to RAM_1P_BRAM by directive: 4 states an iteration (a LUT RAM's 1.14 ns would give 3)
    kernel = tmp_path / "array_io.cpp"
    directives = tmp_path / "directives.tcl"
    directives.write_text('set_directive_resource -core RAM_1P_BRAM "array_io" d_o\n'
                          'set_directive_resource -core RAM_1P_BRAM "array_io" d_i\n')  # fmt: skip
    options = {"tool": "vivado_hls:2015.3", "clock_ns": 4.0, "part": "xc7k160tfbg484-1"}
    block = latency(kernel, ARRAY_IO, "array_io", directives=directives, **options)
    lut = latency(kernel, ARRAY_IO, "array_io", **options)
    assert block >= lut + 32  # a state more in each of the 32 iterations


TRIPLE = """
void triple(int m[1000], int out[998]) {
    for (int i = 0; i < 998; i++) {
#pragma HLS PIPELINE off
        int a = m[i];
        {third}
        out[i] = a + b + c;
    }
}
"""


def test_reads_of_one_memory_in_sequential_code_wait_for_its_ports(tmp_path):
    # robertszafa's Floyd-Warshall (Vivado HLS 2019.2): three loads of a two-port array issue
    # over two states; a third read of another memory takes no extra state
    kernel = tmp_path / "triple.cpp"
    same = TRIPLE.replace("{third}", "int b = m[i + 1];\n        int c = m[i + 2];")
    other = TRIPLE.replace("{third}", "int b = m[i + 1];\n        int c = out[i];")
    options = {"tool": "vivado_hls:2019.2", "clock_ns": 10.0, "part": "xcvu9p-flga2104-2-i"}
    shared = latency(kernel, same, "triple", **options)
    spread = latency(kernel, other, "triple", **options)
    assert shared == spread + 998  # a state more in each iteration


SCAN = """
void scan(TYPE v[10], int *out) {
    int best = 0;
    for (int m = 1; m < 10; m++) {
#pragma HLS PIPELINE off
        if (v[m] < v[best])
            best = m;
    }
    *out = best;
}
"""


def test_a_float_compare_on_7_series_takes_its_own_state(tmp_path):
    # angelo's selection sort (Vivado HLS 2017.2, xc7z020-1, 10 ns): the fcmp takes 6.79 ns, so it
    # starts in the state after the loads' data and the select waits for the next: 4 states an
    # iteration; an integer compare chains with the data and the select
    kernel = tmp_path / "scan.cpp"
    options = {"tool": "vivado_hls:2017.2", "clock_ns": 10.0, "part": "xc7z020clg484-1"}
    real = latency(kernel, SCAN.replace("TYPE", "float"), "scan", **options)
    whole = latency(kernel, SCAN.replace("TYPE", "int"), "scan", **options)
    assert real == whole + 2 * 9  # two states more in each of the 9 iterations


SWAP = """
void order(int v[16], int n) {
    for (int k = 0; k < 15; k++) {
        int other = OTHER;
        int keep = v[k];
        v[k] = v[other];
        v[other] = keep;
    }
}
"""


def test_stores_that_may_reach_one_element_keep_their_order_a_state_apart(tmp_path):
    # angelo's selection sort (Vivado HLS 2017.2): the swap's v[a] = v[b] and v[b] = keep are two
    # states though the array has two ports (a may equal b); v[k] and v[k + 1] are told apart
    kernel = tmp_path / "order.cpp"
    options = {"tool": "vivado_hls:2017.2", "clock_ns": 10.0, "part": "xc7z020clg484-1"}
    maybe = latency(kernel, SWAP.replace("OTHER", "(k + n) & 15").replace("v[other]", "v[other]"), "order", **options)
    apart = latency(kernel, SWAP.replace("int other = OTHER;", "").replace("v[other]", "v[k + 1]"), "order", **options)
    assert maybe == apart + 15  # a state more in each of the 15 iterations


CHANNELS = """
void channels(short d_o[32], short d_i[32]) {
    static int acc[8];
For_Loop:
    for (int n = 0; n < 32; n++) {
        acc[n % 8] = acc[n % 8] + d_i[n];
        d_o[n] = acc[n % 8];
    }
}
"""


def test_a_fifo_or_axis_argument_s_element_is_read_in_the_state_it_is_used(tmp_path):
    # nctrung's axi_interfaces (Vivado HLS 2015.3, xc7k160t-1, 4 ns): d_i and d_o are AXI4-Stream
    # ports; the loop unrolled by 8 and pipelined reads, adds and writes in one state (depth 1):
    # a FIFO's data is there with its read, not a state later as a RAM's is
    kernel = tmp_path / "channels.cpp"
    kernel.write_text(CHANNELS)
    directives = tmp_path / "directives.tcl"
    directives.write_text(
        'set_directive_array_partition -type cyclic -factor 8 -dim 1 "channels" d_o\n'
        'set_directive_interface -mode axis "channels" d_o\n'
        'set_directive_array_partition -type cyclic -factor 8 -dim 1 "channels" d_i\n'
        'set_directive_interface -mode axis "channels" d_i\n'
        'set_directive_unroll -factor 8 "channels/For_Loop"\n'
        'set_directive_pipeline -II 1 "channels/For_Loop"\n'
    )
    nest = read_source(kernel, "channels", directives=directives, tool="vivado_hls:2015.3", clock_ns=4.0,
                       part="xc7k160tfbg484-1")[0]  # fmt: skip
    (loop,) = [node for node in nest["body"] if node.get("loop") == "For_Loop"]
    assert loop["iteration_latency"] == 1 and loop["pipeline_ii"] == 1


STREAMED = """
#include <hls_stream.h>
void scale(hls::stream<int> &in, hls::stream<int> &out) {
    for (int n = 0; n < 64; n++) {
#pragma HLS PIPELINE II=1
        out.write(in.read() * 3);
    }
}
"""


def test_a_vitis_write_to_an_axi4_stream_port_takes_a_second_state_for_its_handshake(tmp_path):
    # bol's axi_interfaces (Vitis HLS 2021.2): each write to an axis port is [2/2] in the state of
    # its value and [1/2] in the next, so the loop's depth is 2 where Vivado HLS 2015.3's is 1;
    # an ap_fifo write takes one state in both tools
    kernel = tmp_path / "channels.cpp"
    kernel.write_text(CHANNELS)
    depths = {}
    for mode in ("axis", "ap_fifo"):
        directives = tmp_path / f"{mode}.tcl"
        directives.write_text(
            f'set_directive_interface -mode {mode} "channels" d_o\n'
            f'set_directive_interface -mode {mode} "channels" d_i\n'
            'set_directive_unroll -factor 8 "channels/For_Loop"\n'
            'set_directive_array_partition -type cyclic -factor 8 -dim 1 "channels" d_o\n'
            'set_directive_array_partition -type cyclic -factor 8 -dim 1 "channels" d_i\n'
            'set_directive_pipeline -II 1 "channels/For_Loop"\n'
        )
        for tool in ("vitis_hls:2021.2", "vivado_hls:2015.3"):
            nest = read_source(kernel, "channels", directives=directives, tool=tool, clock_ns=10.0)[0]
            (loop,) = [node for node in nest["body"] if node.get("loop") == "For_Loop"]
            depths[mode, tool.split(":")[0]] = loop["iteration_latency"]
    assert depths["axis", "vitis_hls"] == depths["axis", "vivado_hls"] + 1 == depths["ap_fifo", "vitis_hls"] + 1
    # a top's hls::stream is an axis port in the kernel flow, an ap_fifo one in the IP flow (UG1399)
    streamed = tmp_path / "scale.cpp"
    streamed.write_text(STREAMED)
    kernel_flow, ip_flow = (
        next(iter(loops(read_source(streamed, "scale", tool="vitis_hls:2022.2", flow=flow)[0]).values()))
        for flow in ("vitis", "vivado")
    )
    assert kernel_flow["iteration_latency"] == ip_flow["iteration_latency"] + 1
