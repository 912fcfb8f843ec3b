"""Report sections: the two operators (spec Part 2, Tasks 1, 2 and 3)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import torch

from reports.document import Section, figure_markdown, markdown_table
from reports.operator_figures import block_diagram, gantt
from simulator.contract import kernels, numerics
from simulator.emulation import sw_emu
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hls.schedule import ScheduleReport
from simulator.timing.kernel_schedule import kernel_schedule
from simulator.timing.results import Im2colResult, MatmulResult, Trace
from simulator.timing.units.im2col import STAGES as IM2COL_STAGES
from simulator.timing.units.im2col import Im2colShape, analytic_im2col, run_im2col_des, simulate_im2col
from simulator.timing.units.matmul import STAGES as MATMUL_STAGES
from simulator.timing.units.matmul import analytic_matmul, memory_bound_cycles, run_matmul_des, simulate_matmul

WORKED_A = np.array([[0, -0.5, 1, -1.5], [2, -2.5, 3, -3.5], [4, -4.5, 0, -0.5], [1, -1.5, 2, -2.5]])
WORKED_B = np.array([[0, 0.5, 1, 1.5], [2, 2.5, 3, 3.5], [4, 4.5, 0, 0.5], [1, 1.5, 2, 2.5]])
SPEC_U, SPEC_V, SPEC_W = 64, 32, 64
SPEC_SRC = (3, 32, 32)
SPEC_K = 3


def worked_example() -> dict:
    """The spec's example quantized with the contract and multiplied by every engine."""
    scale_a, zero_a = numerics.asymmetric_params(WORKED_A.min(), WORKED_A.max())
    scale_b, zero_b = numerics.asymmetric_params(WORKED_B.min(), WORKED_B.max())
    product = WORKED_A @ WORKED_B
    scale_out, zero_out = numerics.asymmetric_params(product.min(), product.max())
    M0, n = numerics.quantize_multiplier(scale_a * scale_b / scale_out)  # noqa: N806
    a_q = numerics.quantize(WORKED_A, scale_a, zero_a, 0, 255).astype(np.uint8)
    b_q = numerics.quantize(WORKED_B, scale_b, zero_b, 0, 255).astype(np.uint8)
    args: dict[str, Any] = {"zero_a": zero_a, "zero_b": zero_b, "zero_out": zero_out, "M0": M0, "n": n}
    out = numerics.qmatmul_reference(a_q, b_q, **args)
    sim_out, _ = simulate_matmul(MatmulDesign(), a_q, b_q, **args)
    return {
        "scale_a": scale_a,
        "zero_a": zero_a,
        "scale_b": scale_b,
        "zero_b": zero_b,
        "scale_out": scale_out,
        "zero_out": zero_out,
        "M0": M0,
        "n": n,
        "out": out.tolist(),
        "dequantized": numerics.dequantize(out, scale_out, zero_out).round(10).tolist(),
        "engines_agree": bool(
            np.array_equal(kernels.qmatmul(a_q, b_q, **args), out)
            and np.array_equal(sw_emu.qmatmul(a_q, b_q, **args), out)
            and np.array_equal(sim_out, out)
        ),
    }


def stage_rows(stages: dict) -> list[list[str]]:
    return [[name, f"{s.busy_cycles:,}", f"{s.stall_cycles:,}", f"{s.idle_cycles:,}"] for name, s in stages.items()]


def resources_prose(resources, what: str) -> str:
    pct = resources.utilization_percent
    parts = ", ".join(
        f"{name} {count:,}"
        for name, count in sorted(((n, c.get("dsp", 0)) for n, c in resources.breakdown.items()), key=lambda x: -x[1])
        if count
    )
    return (
        f"The {what} uses an estimated {resources.dsp:,} DSP48E2 slices ({pct['dsp']:.2f} % of the "
        f"{resources.part}), {resources.bram_18k:,} BRAM_18K blocks ({pct['bram_18k']:.2f} %), {resources.uram:,} "
        f"URAM ({pct['uram']:.2f} %), {resources.lut:,} LUTs ({pct['lut']:.2f} %) and {resources.ff:,} flip-flops "
        f"({pct['ff']:.2f} %); it {'fits' if resources.fits else 'does NOT fit'} the part. "
        + (f"The DSPs go to: {parts}." if parts else "")
    )


HOW_OBTAINED = """> **How the numbers of Part 2 were obtained.** No Vitis, no FPGA and no hardware emulation
> (hw_emu) are involved. *Values*: C simulation (g++), as sw_emu does: the HLS C++ of hls_src/ is
> compiled with g++ and run, as the Vitis software-emulation flow does, and compared bit for bit
> with NumPy and Numba. *Verdicts*: `cnnacc hls-estimate` reads the C++ as Vitis HLS would and finds
> every m_axi access burst-inferred and no II raised by a port or bank conflict (see "How far to
> trust the timing"); the timing below rests on that.
> *Timing* is an estimate of that same C++ in two views: the **static schedule** applies the Vitis HLS
> scheduling rules (pipelined loop latency = (trips - 1) II + iteration latency) to every labelled loop
> of the kernel as written and composes them through its DATAFLOW streams; the **SimPy model** runs
> the same loops as a discrete-event simulation and adds what the static rules ignore, the AXI
> adapter's outstanding requests and shared data buses. *Resources* are estimated from the C++'s
> operators and arrays by formulas (simulator/hardware/resources.py), not synthesized. Assumptions: a
> 250 MHz kernel clock, 64 cycles of memory latency, 16 outstanding requests of 16-beat bursts per
> channel, two 8-bit products per DSP48E2, iteration latencies as listed in
> simulator/timing/units/matmul_program.py and im2col_program.py. Nothing here is a csynth or
> co-simulation report."""


def busiest(schedule) -> str:
    """The process whose loops take the most cycles: it sets a DATAFLOW region's interval."""
    return max((row for row in schedule.rows if row.kind == "process"), key=lambda row: row.latency_cycles).name


def trace_json(trace: Trace) -> dict:
    return {"spans": [list(span) for span in trace.spans], "stalls": [list(span) for span in trace.stalls]}


def trace_from_json(data: dict) -> Trace:
    trace = Trace()
    trace.spans = [tuple(span) for span in data["spans"]]
    trace.stalls = [tuple(span) for span in data["stalls"]]
    return trace


def measure_operators(seed: int = 0) -> dict:
    """Every measurement of Part 2 (C++ builds, SimPy runs, static schedules), JSON-ready."""
    return {"matmul": measure_matmul(seed), "im2col": measure_im2col(seed)}


def operators_section(measured: dict) -> Section:
    """Part 2: both operators, their static schedules, SimPy runs, resources and figures, a pure
    function of ``measure_operators``'s output."""
    matmul = matmul_section(measured["matmul"])
    im2col = im2col_section(measured["im2col"])
    runs = {"matmul 64 x 32 x 64": ("matmul", MATMUL_STAGES), "im2col 32 x 32 x 3, 3 x 3": ("im2col", IM2COL_STAGES)}
    figures = {
        "operators_block_diagram": block_diagram(
            MatmulDesign.from_json(measured["matmul"]["design"]), Im2colDesign.from_json(measured["im2col"]["design"])
        ),
        "operators_gantt": gantt(
            {
                title: (trace_from_json(measured[key]["trace"]), stages, measured[key]["simpy"]["latency_cycles"])
                for title, (key, stages) in runs.items()
            }
        ),
    }
    diagram = figure_markdown(
        "operators_block_diagram", "The two kernels as written: DATAFLOW processes (boxes) and the streams between them"
    )
    timeline = figure_markdown(
        "operators_gantt", "One call of each kernel in the SimPy model: when each process is busy"
    )
    body = (
        f"{HOW_OBTAINED}\n\n{diagram}\n\n"
        f"### Task 1 and Task 3: the quantized matmul\n\n{matmul.body.strip()}\n\n"
        f"### Task 2 and Task 3: im2col\n\n{im2col.body.strip()}\n\n"
        f"{timeline}"
    )
    return Section(
        "operators",
        "Part 2: the HLS operators, estimated before synthesis",
        body,
        {"matmul": matmul.results, "im2col": im2col.results},
        figures,
    )


def measure_matmul(seed: int = 0) -> dict:
    """Every measurement of the matmul section, JSON-ready (the section renders from it alone)."""
    design = MatmulDesign()
    rng = np.random.default_rng(seed)
    a_q = rng.integers(0, 256, (SPEC_U, SPEC_V), dtype=np.uint8)
    b_q = rng.integers(0, 256, (SPEC_V, SPEC_W), dtype=np.uint8)
    M0, n = numerics.quantize_multiplier(0.0004)  # noqa: N806
    args: dict[str, Any] = {"zero_a": 128, "zero_b": 120, "zero_out": 100, "M0": M0, "n": n}
    out, _ = simulate_matmul(design, a_q, b_q, **args)
    trace = Trace()
    des = run_matmul_des(design, SPEC_U, SPEC_V, SPEC_W, trace)
    return {
        "example": worked_example(),
        "design": design.to_json(),
        "simpy": des.to_json(),
        "static_latency_cycles": analytic_matmul(design, SPEC_U, SPEC_V, SPEC_W).latency_cycles,
        "schedule": kernel_schedule(design, (SPEC_U, SPEC_V, SPEC_W)).to_json(),
        "cpp_equal": bool(np.array_equal(sw_emu.qmatmul(a_q, b_q, **args, design=design), out)),
        "trace": trace_json(trace),
    }


def matmul_section(measured: dict) -> Section:
    """The matmul part of Part 2, a pure function of ``measure_matmul``'s output."""
    example = measured["example"]
    design = MatmulDesign.from_json(measured["design"])
    des = MatmulResult.from_json(measured["simpy"])
    static = SimpleNamespace(
        latency_cycles=measured["static_latency_cycles"],
        latency_us=design.cycles_to_us(measured["static_latency_cycles"]),
    )
    schedule = ScheduleReport.from_json(measured["schedule"])
    cpp_equal = measured["cpp_equal"]
    bound = memory_bound_cycles(design, SPEC_U, SPEC_V, SPEC_W)
    per_beat, latency = design.bytes_per_beat, design.mem_latency_cycles
    read_beats = max(SPEC_U * SPEC_V, SPEC_V * SPEC_W) // per_beat
    write_beats = SPEC_U * SPEC_W // per_beat
    resources = des.resources
    table = [[" ".join(str(v) for v in row)] for row in example["out"]]
    results = {
        "worked_example": example,
        "design": design.to_json(),
        "simpy": des.to_json(),
        "static": {
            "latency_cycles": static.latency_cycles,
            "interval_cycles": schedule.interval_cycles,
            "latency_us": static.latency_us,
            "over_memory_bound": static.latency_cycles / bound,
        },
        "cpp_equal": cpp_equal,
        "memory_bound": {
            "cycles": bound,
            "latency_cycles": latency,
            "read_beats": read_beats,
            "write_beats": write_beats,
            "bytes_per_beat": per_beat,
        },
        "simpy_over_static": des.latency_cycles / static.latency_cycles,
        "macs_per_cycle": design.macs_per_cycle,
        "pe_dsp": resources.breakdown["pe_array"]["dsp"],
        "requant_dsp": resources.breakdown["requantizer"]["dsp"],
        "zero_point_dsp": resources.breakdown["zero_points"]["dsp"],
        "unpacked_dsp": design.tile_v * design.tile_w,
        "kernel_schedule": schedule.to_json(),
    }
    pct = resources.utilization_percent
    agree = (
        "the NumPy reference, the Numba kernel, the HLS C++ in C simulation (g++), as sw_emu does, and the "
        "simulator give these same bytes"
        if example["engines_agree"]
        else "**the NumPy reference, the Numba kernel, the HLS C++ in C simulation (g++) and the simulator DISAGREE**"
    )
    same_bytes = "gives the same bytes" if cpp_equal else "gives **other bytes**"
    body = f"""
**Worked example of the spec.** With the contract's quantization: S_a = {example["scale_a"]:.10f},
Za = {example["zero_a"]}, S_b = {example["scale_b"]:.10f}, Zb = {example["zero_b"]},
S_out = {example["scale_out"]:.10f}, Zout = {example["zero_out"]}; M = S_a S_b / S_out gives
n = {example["n"]} and M0 = {example["M0"]}. Output (floor mode; {agree}):

{markdown_table(["quantized output rows"], table)}

Dequantized, the first row is {", ".join(f"{v:.4f}" for v in example["dequantized"][0])}, against the real
product 1.5, 1.0, -4.5, -5.0.

**Choice of n and N.** M0_int = round(M 2^n 2^31) with M 2^n in [0.5, 1): N = 31 keeps 31 bits of M in an
unsigned 32-bit word (M0 in [2^30, 2^31)); the accumulator is int32 (exact for v <= 33,025, since
|acc| <= v 255^2 < 2^31), the product acc M0 needs 64 bits, and the output is
clamp(Zout + ((acc M0) >> (31 + n)), 0, 255) with an arithmetic shift.

**The u = w = 64, v = 32 run** (seeded random matrices; the C++ of design {design.fingerprint()} in C
simulation (g++), as sw_emu does, {same_bytes} as NumPy and Numba). Estimated latency of the
kernel as written: **{static.latency_cycles:,} cycles** in the static schedule and
**{des.latency_cycles:,} cycles** = {des.latency_us:.3f} us at {design.clock_mhz:g} MHz in the SimPy model
({des.latency_cycles / static.latency_cycles:.2f}x; the ports are separate, so nothing contends);
interval {schedule.interval_cycles:,} cycles between back-to-back calls (the busiest process,
{busiest(schedule)}), with `ap_ctrl_chain` as the block protocol, as `cnnacc vitis-project` sets it
(under the default `ap_ctrl_hs` a call starts only once the last is done, so the interval is the
latency), and not counting the host's launch of each call (an XRT run's enqueue and completion, not
modelled here);
throughput {des.throughput_gmacs:.2f} GMAC/s, {des.outputs_per_cycle:.2f} outputs per cycle, PE
utilization {100 * des.pe_utilization:.1f} %. The memory-bound limit is
max(L + read beats, 2 L + write beats) = max({latency} + {read_beats}, 2 x {latency} + {write_beats}) =
{bound:,} cycles (L = {latency}-cycle memory latency, {per_beat}-byte beats, A and B on their own ports),
so the estimate is {static.latency_cycles / bound:.2f}x that limit; the compute bound is
{des.compute_bound_cycles:,} cycles. Cycles per stage (process) in the SimPy model:

{markdown_table(["stage", "busy cycles", "stall cycles", "idle cycles"], stage_rows(des.stages))}

**Resources.** {resources_prose(resources, "matmul unit")} Where the zero points are subtracted decides
the DSP count: the C++ multiplies the raw uint8 codes, two products sharing an A value per DSP48E2
({results["pe_dsp"]:,} DSPs for {results["macs_per_cycle"]:,} MACs per cycle), and applies
Za and Zb after accumulation from the row sums of A and the column sums of B ({results["zero_point_dsp"]}
DSPs); subtracting them first would give 9-bit operands and one DSP per MAC, {results["unpacked_dsp"]:,}
for the array alone. The requantizer's {design.requant_lanes} lanes take {results["requant_dsp"]} DSPs
(acc x M0 is a 32 x 31-bit product). Block RAM goes to the stream FIFOs between the processes (the
fetched words included), the read rings and the store's band buffer; LUTs mostly to the adder trees of
the array ({pct["lut"]:.2f} % of the part in all).

**Static schedule** of hls_src/matmul/matmul.cpp (every labelled loop; trip counts over the call,
checked against gcov counts of the compiled C++):

```
{schedule.format_table()}
```

**Design.** The kernel is a DATAFLOW region of six processes joined by streams (see the block diagram).
The PE array holds a B tile of {design.tile_v} x {design.tile_w} in registers (B stationary) and streams
the rows of the A tile past it, one row per cycle, so it does {design.tile_v * design.tile_w:,}
multiply-accumulates per cycle into one output row, summing over the depth with an adder tree; it has two
banks, so the next B tile latches, a row per cycle, while the A rows stream past the current one. load_a
and load_b each fetch {design.axi_width_bits}-bit AXI words as burst trains of sequential addresses with
nothing conditional in the loop (the form Vitis infers bursts from) into a stream, from which one
pipelined loop takes a word a cycle into a small ring and emits the rows of every tile: rows that share
a word cost no extra read. A B of up to {design.b_buffer_bytes:,} bytes, such as an im2col output, or an
A of up to {design.a_buffer_bytes:,} bytes, such as an FC input, is fetched whole, once; a larger operand
is tiled (the export stores the weights so; the host tiles a row-major one) and fetched as one contiguous
run per output tile (A) or row band (B). The exact int32 accumulators then get the zero-point terms, the
requantizer adds the bias and turns {design.requant_lanes} accumulators per cycle into uint8 codes, and
the store process gathers a band of {design.tile_u} output rows into a buffer with one bank per byte lane
of a word (each row turned to its lanes in registers, so every bank is written once a cycle) and emits
it as whole words in address order (a carry word joins the bands); write_output writes every word of
the output in one pipelined loop, one burst train whose write responses are awaited once, at its end.
Edge tiles stream fewer rows, and depth past the edge is zero in the A rows.
"""
    return Section("matmul", "the quantized matmul", body, results)


def measure_im2col(seed: int = 0) -> dict:
    """Every measurement of the im2col section, JSON-ready."""
    design = Im2colDesign()
    rng = np.random.default_rng(seed)
    x_q = rng.integers(0, 256, SPEC_SRC, dtype=np.uint8)
    out, _ = simulate_im2col(design, x_q, SPEC_K, SPEC_K)
    unfold = torch.nn.functional.unfold(torch.from_numpy(x_q.astype(np.float32))[None], SPEC_K, padding=1)[0]
    trace = Trace()
    des = run_im2col_des(design, Im2colShape(*SPEC_SRC, SPEC_K, SPEC_K), trace)
    return {
        "design": design.to_json(),
        "simpy": des.to_json(),
        "static_latency_cycles": analytic_im2col(design, *SPEC_SRC, SPEC_K, SPEC_K).latency_cycles,
        "schedule": kernel_schedule(design, (*SPEC_SRC, SPEC_K, SPEC_K)).to_json(),
        "torch_equal": bool(np.array_equal(unfold.numpy().astype(np.uint8), out)),
        "cpp_equal": bool(np.array_equal(sw_emu.im2col(x_q, SPEC_K, SPEC_K, design=design), out)),
        "bytes_in": int(x_q.size),
        "output_shape": list(out.shape),
        "trace": trace_json(trace),
    }


def im2col_section(measured: dict) -> Section:
    """The im2col part of Part 2, a pure function of ``measure_im2col``'s output."""
    design = Im2colDesign.from_json(measured["design"])
    des = Im2colResult.from_json(measured["simpy"])
    static = SimpleNamespace(latency_cycles=measured["static_latency_cycles"])
    schedule = ScheduleReport.from_json(measured["schedule"])
    torch_equal, cpp_equal = measured["torch_equal"], measured["cpp_equal"]
    out = SimpleNamespace(shape=tuple(measured["output_shape"]), size=int(np.prod(measured["output_shape"])))
    x_q = SimpleNamespace(size=measured["bytes_in"])
    per_beat, latency = design.bytes_per_beat, design.mem_latency_cycles
    read_beats, write_beats = -(-x_q.size // per_beat), -(-out.size // per_beat)
    results = {
        "design": design.to_json(),
        "simpy": des.to_json(),
        "static": {
            "latency_cycles": static.latency_cycles,
            "interval_cycles": schedule.interval_cycles,
            "over_memory_bound": static.latency_cycles / des.memory_bound_cycles,
        },
        "torch_equal": torch_equal,
        "cpp_equal": cpp_equal,
        "output_shape": list(out.shape),
        "bytes_in": x_q.size,
        "bytes_out": out.size,
        "memory_bound": {
            "latency_cycles": latency,
            "read_beats": read_beats,
            "write_beats": write_beats,
            "bytes_per_beat": per_beat,
        },
        "image_copies": design.max_k,
        "copy_bytes": design.image_bytes,
        "kernel_schedule": schedule.to_json(),
    }
    unfold = "equals" if torch_equal else "**differs from**"
    same_bytes = "gives the same bytes" if cpp_equal else "gives **other bytes**"
    body = f"""
**The 32 x 32 x 3, 3 x 3 run.** The output is {out.shape[0]} x {out.shape[1]} (rows (c, kr, kc), columns
(orow, ocol)); it {unfold} torch.nn.functional.unfold with padding 1, and the HLS C++ of design
{design.fingerprint()} in C simulation (g++), as sw_emu does, {same_bytes}.
Estimated latency of the kernel as written: **{static.latency_cycles:,} cycles** in the static schedule and
**{des.latency_cycles:,} cycles** = {des.latency_us:.3f} us at {design.clock_mhz:g} MHz in the SimPy model
(input and output on separate ports: nothing contends); interval {schedule.interval_cycles:,} cycles (the
busiest process, {busiest(schedule)}); {out.size / des.latency_cycles:.1f} output bytes per cycle. The
memory-bound limit max(L + read beats, 2 L + write beats) = max({latency} + {read_beats},
2 x {latency} + {write_beats}) = {des.memory_bound_cycles:,} cycles ({x_q.size:,} bytes in, {out.size:,} bytes out,
{per_beat}-byte beats), so
the estimate is {static.latency_cycles / des.memory_bound_cycles:.2f}x that limit. Cycles per stage in the
SimPy model:

{markdown_table(["stage", "busy cycles", "stall cycles", "idle cycles"], stage_rows(des.stages))}

**Resources.** {resources_prose(des.resources, "im2col unit")} The image copies are true dual-port
block RAMs of AXI words (a copy takes two word writes a cycle while it fills, so distributed RAM, with
one write port, would not do); block RAM also holds the two word FIFOs; no multiplier is needed
(addresses are sums and shifts).

**Static schedule** of hls_src/im2col/im2col.cpp:

```
{schedule.format_table()}
```

**Design.** A streaming unit of three DATAFLOW processes. read_input reads the whole input as one burst
train of {design.axi_width_bits}-bit words. For every channel, window keeps the padded image (the pad value
on the one-pixel border) as {design.max_k} copies shifted by one column each, copy kc holding columns kc to
kc + ON - 1 of every padded row, so that output row (c, kr, kc) is one contiguous run of copy kc. The
copies are kept as words in dual-port RAM: it walks the padded rows a word's worth of bytes per cycle,
appending each copy's part in address order (two word writes a cycle), then emits every output row a
word per cycle (two word reads and a shift in registers), packing the bytes into words in address order;
no access depends on a bank only known at run time. write_output writes them as one burst train. Every
input byte is read once and every output word written once. This build computes kernels up to
{design.max_k} x {design.max_k} (rectangular ones included) on inputs up to {design.max_src_m} x
{design.max_src_n}; a larger call, the spec's `im2col()` included, is refused with one line naming the
value and the allowed range (a build with MAX_K = 7 takes kernels up to 7 x 7).
"""
    return Section("im2col", "im2col", body, results)
