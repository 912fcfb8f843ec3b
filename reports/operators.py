"""Report sections: the two operators (spec Part 2, Tasks 1, 2 and 3)."""

from __future__ import annotations

import numpy as np
import torch

from reports.document import Section, markdown_table
from simulator import kernels, numerics, sw_emu
from simulator.designs import Im2colDesign, MatmulDesign
from simulator.schedule import kernel_schedule
from simulator.units.im2col import simulate_im2col
from simulator.units.matmul import memory_bound_cycles, simulate_matmul

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
    args = {"zero_a": zero_a, "zero_b": zero_b, "zero_out": zero_out, "M0": M0, "n": n}
    out = numerics.qmatmul_reference(a_q, b_q, **args)
    sim_out, _ = simulate_matmul(MatmulDesign(), a_q, b_q, **args)
    return {
        "scale_a": scale_a, "zero_a": zero_a, "scale_b": scale_b, "zero_b": zero_b,
        "scale_out": scale_out, "zero_out": zero_out, "M0": M0, "n": n,
        "out": out.tolist(),
        "dequantized": numerics.dequantize(out, scale_out, zero_out).round(10).tolist(),
        "engines_agree": bool(np.array_equal(kernels.qmatmul(a_q, b_q, **args), out)
                              and np.array_equal(sw_emu.qmatmul(a_q, b_q, **args), out)
                              and np.array_equal(sim_out, out)),
    }  # fmt: skip


def stage_rows(stages: dict) -> list[list[str]]:
    return [[name, f"{s.busy_cycles:,}", f"{s.stall_cycles:,}", f"{s.idle_cycles:,}"] for name, s in stages.items()]


def resources_prose(resources, what: str) -> str:
    pct = resources.utilization_percent
    parts = ", ".join(f"{name} {count:,}" for name, count in
                      sorted(((n, c.get("dsp", 0)) for n, c in resources.breakdown.items()), key=lambda x: -x[1])
                      if count)  # fmt: skip
    return (
        f"The {what} uses an estimated {resources.dsp:,} DSP48E2 slices ({pct['dsp']:.2f} % of the "
        f"{resources.part}), {resources.bram_18k:,} BRAM_18K blocks ({pct['bram_18k']:.2f} %), {resources.uram:,} "
        f"URAM ({pct['uram']:.2f} %), {resources.lut:,} LUTs ({pct['lut']:.2f} %) and {resources.ff:,} flip-flops "
        f"({pct['ff']:.2f} %); it {'fits' if resources.fits else 'does NOT fit'} the part. "
        + (f"The DSPs go to: {parts}." if parts else "")
    )


def matmul_section(seed: int = 0) -> Section:
    example = worked_example()
    design = MatmulDesign()
    rng = np.random.default_rng(seed)
    a_q = rng.integers(0, 256, (SPEC_U, SPEC_V), dtype=np.uint8)
    b_q = rng.integers(0, 256, (SPEC_V, SPEC_W), dtype=np.uint8)
    M0, n = numerics.quantize_multiplier(0.0004)  # noqa: N806
    args = {"zero_a": 128, "zero_b": 120, "zero_out": 100, "M0": M0, "n": n}
    out, result = simulate_matmul(design, a_q, b_q, **args)
    cpp_equal = bool(np.array_equal(sw_emu.qmatmul(a_q, b_q, **args, tiles=(design.tile_u, design.tile_v,
                                                                                design.tile_w)), out))  # fmt: skip
    schedule = kernel_schedule(design, (SPEC_U, SPEC_V, SPEC_W))
    bound = memory_bound_cycles(design, SPEC_U, SPEC_V, SPEC_W)
    table = [[" ".join(str(v) for v in row)] for row in example["out"]]
    results = {
        "worked_example": example,
        "spec_run": result.to_json() | {"cpp_equal": cpp_equal, "memory_bound_cycles": bound,
                                        "latency_over_memory_bound": result.latency_cycles / bound,
                                        "bytes_moved": SPEC_U * SPEC_V + SPEC_V * SPEC_W + SPEC_U * SPEC_W},
        "kernel_schedule": schedule.to_json(),
    }  # fmt: skip
    body = f"""
**Worked example of the spec.** With the contract's quantization: S_a = {example["scale_a"]:.10f},
Za = {example["zero_a"]}, S_b = {example["scale_b"]:.10f}, Zb = {example["zero_b"]},
S_out = {example["scale_out"]:.10f}, Zout = {example["zero_out"]}; M = S_a S_b / S_out gives
n = {example["n"]} and M0 = {example["M0"]}. Output (floor mode, the same from the NumPy reference, the
Numba kernel, the HLS C++ under sw_emu and the simulator: {"yes" if example["engines_agree"] else "NO"}):

{markdown_table(["quantized output rows"], table)}

Dequantized, the first row is {", ".join(f"{v:.4f}" for v in example["dequantized"][0])}, against the real
product 1.5, 1.0, -4.5, -5.0.

**Choice of n and N.** M0_int = round(M 2^n 2^31) with M 2^n in [0.5, 1): N = 31 keeps 31 bits of M in an
unsigned 32-bit word (M0 in [2^30, 2^31)); the accumulator is int32 (exact for v <= 33,025, since
|acc| <= v 255^2 < 2^31), the product acc M0 needs 64 bits, and the output is
clamp(Zout + ((acc M0) >> (31 + n)), 0, 255) with an arithmetic shift.

**The u = w = 64, v = 32 run** (seeded random matrices, design {design.fingerprint()}; the C++ kernel built
with the same tile shape gives identical outputs: {"yes" if cpp_equal else "NO"}):
latency {result.latency_cycles:,} cycles = {result.latency_us:.3f} us at {design.clock_mhz:g} MHz,
interval {result.interval_cycles:,} cycles for back-to-back calls, throughput
{result.throughput_gmacs:.2f} GMAC/s ({result.outputs_per_cycle:.2f} outputs/cycle), PE utilization
{100 * result.pe_utilization:.1f} %. The memory-bound limit of one {design.axi_width_bits}-bit port for the
{SPEC_U * SPEC_V + SPEC_V * SPEC_W + SPEC_U * SPEC_W:,} bytes moved is {bound:,} cycles, so the latency is
{result.latency_cycles / bound:.2f}x that limit; the compute bound is {result.compute_bound_cycles:,} cycles.

{markdown_table(["stage", "busy cycles", "stall cycles", "idle cycles"], stage_rows(result.stages))}

**Resources.** {resources_prose(result.resources, "matmul unit")}

**Static schedule** of hls_src/matmul (what a csynth report lists, by Vitis HLS's loop rules):

```
{schedule.format_table()}
```

Read the two models together: the C++ kernel as written is the functional (sw_emu) reference, with
one row of TILE_W = {design.tile_w} multipliers and its loads, compute and stores one after another (no
DATAFLOW), so its static schedule is {schedule.latency_cycles:,} cycles; the {result.latency_cycles:,} cycles
above are those of the architecture the design object describes (the PE array and ping-pong buffers
with overlapped stages), which the kernel would reach with DATAFLOW and a PE array of that shape.

**Design.** The kernel computes one output tile of {design.tile_u} x {design.tile_w} at a time
(output-stationary tiling): for each tile of {design.tile_v} along v it burst-reads an A tile and a B tile
into on-chip buffers through the AXI master ports, multiplies them on a {design.pe_rows} x {design.pe_cols}
array of multiply-accumulate units whose int32 accumulators stay in place across the v tiles, then
requantizes the finished accumulators ({design.requant_lanes} lanes of 64-bit multiply, shift by 31 + n,
add Zout, clamp) and burst-writes the uint8 tile. Buffers are {design.buffering.replace("_", "-")}, so loads of
the next tiles overlap the current compute and stores overlap the next tile. Zero points are subtracted when
operands enter the buffers (9-bit signed operands, one DSP multiplier each), and edge tiles of shapes that
are not multiples of the tile are padded with operands equal to the zero point.
"""
    return Section("matmul", "Part 2 Task 1 and Task 3: the quantized matmul", body, results)


def im2col_section(seed: int = 0) -> Section:
    design = Im2colDesign()
    rng = np.random.default_rng(seed)
    x_q = rng.integers(0, 256, SPEC_SRC, dtype=np.uint8)
    out, result = simulate_im2col(design, x_q, SPEC_K, SPEC_K)
    unfold = torch.nn.functional.unfold(torch.from_numpy(x_q.astype(np.float32))[None], SPEC_K, padding=1)[0]
    torch_equal = bool(np.array_equal(unfold.numpy().astype(np.uint8), out))
    cpp_equal = bool(np.array_equal(sw_emu.im2col(x_q, SPEC_K, SPEC_K), out))
    schedule = kernel_schedule(design, (*SPEC_SRC, SPEC_K, SPEC_K))
    results = {"spec_run": result.to_json() | {"torch_equal": torch_equal, "cpp_equal": cpp_equal,
                                               "output_shape": list(out.shape), "bytes_in": x_q.size,
                                               "bytes_out": out.size,
                                               "line_buffer_rows": design.line_buffer_rows},
               "kernel_schedule": schedule.to_json()}  # fmt: skip
    out_bytes = out.size
    body = f"""
**The 32 x 32 x 3, 3 x 3 run.** The output is {out.shape[0]} x {out.shape[1]} (rows (c, kr, kc), columns
(orow, ocol)); it equals torch.nn.functional.unfold with padding 1: {"yes" if torch_equal else "NO"}; the HLS C++
under sw_emu gives the same bytes: {"yes" if cpp_equal else "NO"}. On design {design.fingerprint()}: latency
{result.latency_cycles:,} cycles = {result.latency_us:.3f} us at {design.clock_mhz:g} MHz, interval
{result.interval_cycles:,} cycles, {out_bytes / result.latency_cycles:.1f} output bytes per cycle; the
memory-bound limit ({x_q.size:,} bytes in, {out_bytes:,} bytes out over {design.axi_width_bits}-bit ports) is
{result.memory_bound_cycles:,} cycles.

{markdown_table(["stage", "busy cycles", "stall cycles", "idle cycles"], stage_rows(result.stages))}

**Resources.** {resources_prose(result.resources, "im2col unit")}

**Static schedule** of hls_src/im2col:

```
{schedule.format_table()}
```

As for the matmul, the C++ as written runs its reads and writes one after another
({schedule.latency_cycles:,} cycles in the static schedule); the {result.latency_cycles:,} cycles above are the
streaming architecture of the design object, with reading overlapped with window generation and writing.

**Design.** A streaming unit: input rows are burst-read into a line buffer of {design.line_buffer_rows} rows of
up to {design.max_src_n} pixels (the k - 1 rows a window still needs, the row streaming in, and read-ahead), each
row stored with its one-pixel border holding the pad value, so the window generator needs no edge tests. For
every output row it emits the k x k windows of every channel as whole output-row segments, which are
burst-written to the (C k k) x (OM ON) matrix; reading the next input row overlaps the generation and
writing of the current output row.
"""
    return Section("im2col", "Part 2 Task 2 and Task 3: im2col", body, results)
