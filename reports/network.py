"""Report section: the exported integer MyConvNet on the simulated accelerator (closing the loop).

Every hardware number here is an estimate of the SimPy model of the HLS C++ (the static loop
schedule plus the AXI adapters' outstanding requests, ``simulator.network.network_timing``) and of
the resource model (``simulator.hardware.resources``); the section says so next to each.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from compress.data import Split
from compress.quantize import integer_predict
from reports.document import Section, figure_markdown, markdown_table
from reports.noise import compare
from simulator.explore.sweep import pareto_front
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hardware.resources import estimate_resources
from simulator.network.network import IntegerNetwork, run_layers, run_network
from simulator.network.network_timing import NetworkTiming, bound_ratio, network_timing
from simulator.timing.units.source_depths import reference_readings

SW_EMU_IMAGES = 200
SPEED_RUNS = 5
THROUGHPUT_BATCH = 8
# The network-level sweep: PE array (the B tile tile_v x tile_w), tile_u, AXI width,
# stream buffering and requantizer lanes: 4 x 5 x 2 x 3 x 2 x 2 = 480 designs.
SWEEP = {
    "tile_v": (8, 16, 32, 64),
    "tile_w": (8, 16, 32, 64, 128),
    "tile_u": (16, 32),
    "axi_width_bits": (128, 256, 512),
    "buffering": ("single", "ping_pong"),
    "requant_lanes": (16, 64),
}
AS_FAST = 1.05  # "as fast": within 5 % of the fastest design's cycles


def measure_network(net: IntegerNetwork, test: Split, fp32_run: Callable[[], object]) -> dict:
    """Numba on the full test set against PyTorch FP32 (medians of alternate runs), the C++
    sw_emu on the first images (every layer's codes), and the torch model of the export."""
    fp32_times, integer_times = [], []
    codes = run_network(net, test.images)  # warm up the JIT
    fp32_run()
    for _ in range(SPEED_RUNS):
        start = time.perf_counter()
        fp32_run()
        fp32_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        codes = run_network(net, test.images)
        integer_times.append(time.perf_counter() - start)
    predictions = codes.argmax(1)
    reference = integer_predict(net, test)
    identical = all(
        np.array_equal(cpp, fast)
        for start in range(0, SW_EMU_IMAGES, 50)
        for cpp, fast in zip(
            run_layers(net, test.images[start : start + 50], engine="sw_emu"),
            run_layers(net, test.images[start : start + 50]),
        )
    )  # every layer's output codes, not only the logits
    return {
        "images": len(test),
        "accuracy": float((predictions == test.labels).mean()),
        "fake_quant_accuracy": float((reference == test.labels).mean()),
        "agreement": float((predictions == reference).mean()),
        "disagreements": int((predictions != reference).sum()),
        "numba_seconds": statistics.median(integer_times),
        "fp32_seconds": statistics.median(fp32_times),
        "speed_runs": SPEED_RUNS,
        "sw_emu_images": SW_EMU_IMAGES,
        "sw_emu_identical_outputs": bool(identical),
    }


def design_space(net: IntegerNetwork) -> list[dict]:
    """Cycles per image (batch 1, every layer mapped for the design) and resources of every
    design of SWEEP (estimates), each with the pipeline depths of the reference build
    (``reference_readings``: a reading of each design's C++ takes seconds)."""
    with reference_readings():
        return [_design_point(net, dict(zip(SWEEP, values))) for values in itertools.product(*SWEEP.values())]


def _design_point(net: IntegerNetwork, fields: dict[str, Any]) -> dict:
    design = MatmulDesign(**fields)
    im2col = Im2colDesign(axi_width_bits=design.axi_width_bits, buffering=design.buffering)
    timing = network_timing(net, design, im2col, remap=True)
    resources = estimate_resources(design)
    return fields | {
        "cycles_per_image": timing.latency_cycles,
        "bound_cycles_per_image": timing.bound_cycles,
        "dsp": resources.dsp,
        "bram_18k": resources.bram_18k,
        "lut": resources.lut,
    }


def pareto(points: list[dict]) -> list[dict]:
    """The designs no other design beats on both DSPs and cycles per image, by DSPs."""
    return pareto_front(points, "cycles_per_image")


def knee(front: list[dict]) -> dict:
    """The Pareto point farthest below the line joining the front's ends in log-log space
    (where adding DSPs stops paying)."""
    if len(front) < 3:
        return front[-1]
    xs = np.log([p["dsp"] for p in front])
    ys = np.log([p["cycles_per_image"] for p in front])
    dx, dy = xs[-1] - xs[0], ys[-1] - ys[0]
    distance = (dy * (xs - xs[0]) - dx * (ys - ys[0])) / math.hypot(dx, dy)
    return front[int(np.argmax(np.abs(distance)))]


def stage_figure(timing: NetworkTiming) -> Figure:
    """Busy cycles of every process per layer, side by side (they run at the same time, so
    they are never summed), with the layer's latency and bound as marks across its group."""
    fig = Figure(figsize=(7, 4.7))
    ax = fig.subplots()
    names = [layer.layer for layer in timing.layers]
    x = np.arange(len(names))
    parts = {
        "im2col": [layer.im2col_cycles for layer in timing.layers],
        "load (A or B, the longer)": [max(layer.stages["load_a"], layer.stages["load_b"]) for layer in timing.layers],
        "compute": [layer.stages["compute"] for layer in timing.layers],
        "requantize": [layer.stages["requantize"] for layer in timing.layers],
        "store": [layer.stages["store"] for layer in timing.layers],
        "write_output": [layer.stages.get("write_output", 0) for layer in timing.layers],
    }
    width = 0.8 / len(parts)
    for index, (label, values) in enumerate(parts.items()):
        ax.bar(x - 0.4 + (index + 0.5) * width, values, width, label=label)
    for position, layer in zip(x, timing.layers):
        ax.hlines(layer.total_cycles, position - 0.45, position + 0.45, colors="k", linewidth=1.6)
        ax.hlines(layer.bound_cycles, position - 0.45, position + 0.45, colors="k", linestyles=":")
    ax.plot([], [], "k-", label="layer latency (im2col, then the matmul's overlapping processes)")
    ax.plot([], [], "k:", label="bound")
    ax.set_xticks(x, names)
    ax.set_yscale("log")
    ax.set_ylabel("cycles per image (estimate, log scale)")
    ax.set_title(f"Busy cycles per process, batch 1: {timing.latency_cycles:,} cycles per image")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False)
    fig.subplots_adjust(bottom=0.28)
    return fig


def roofline_figure(timing: NetworkTiming, design: MatmulDesign) -> Figure:
    """Each layer's matmul: MACs per byte of its busiest AXI port against attained GMAC/s,
    under the PE array's and one port's roofs (estimates)."""
    fig = Figure(figsize=(7, 4.7))
    ax = fig.subplots()
    clock = design.clock_mhz * 1e6
    peak = design.macs_per_cycle * clock / 1e9
    bandwidth = design.bytes_per_beat * clock / 1e9  # GB/s of one port
    intensities = []
    for layer in timing.layers:
        busiest = max(layer.bytes["weights"], layer.bytes["inputs"], layer.bytes["outputs"])
        intensity = layer.macs / busiest
        attained = layer.macs / (layer.matmul_cycles / clock) / 1e9
        intensities.append(intensity)
        ax.plot(intensity, attained, "o")
        ax.annotate(
            f"{layer.layer} ({layer.orientation})",
            (intensity, attained),
            fontsize=8,
            xytext=(4, 4),
            textcoords="offset points",
        )
    span = np.logspace(np.log10(min(intensities) / 4), np.log10(max(intensities) * 4), 200)
    ax.plot(
        span, np.minimum(peak, bandwidth * span), "k-", label=f"roof: {peak:,.0f} GMAC/s, {bandwidth:.0f} GB/s per port"
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("MACs per byte on the layer's busiest AXI port")
    ax.set_ylabel("GMAC/s (estimate)")
    ax.set_title("Roofline of the reference design, batch 1")
    ax.legend(fontsize=8)
    return fig


def design_space_figure(points: list[dict], front: list[dict], chosen: dict, reference: dict) -> Figure:
    fig = Figure(figsize=(7, 4.4))
    ax = fig.subplots()
    ax.scatter(
        [p["dsp"] for p in points],
        [p["cycles_per_image"] for p in points],
        s=8,
        color="0.7",
        label=f"{len(points)} designs",
    )
    ax.plot([p["dsp"] for p in front], [p["cycles_per_image"] for p in front], "b.-", label="Pareto front")
    ax.plot(reference["dsp"], reference["cycles_per_image"], "r*", markersize=12, label="reference design")
    ax.plot(chosen["dsp"], chosen["cycles_per_image"], "gs", markersize=9, fillstyle="none", label="knee (recommended)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("DSP48E2 slices (estimate)")
    ax.set_ylabel("cycles per image, batch 1 (estimate)")
    ax.set_title("Network-level design space")
    ax.legend(fontsize=8)
    return fig


def measure_network_section(
    net: IntegerNetwork, test: Split, fp32_run: Callable[[], object], fp32_accuracy: float
) -> dict:
    """Every measurement of the network section, JSON-ready."""
    design = MatmulDesign()
    return {
        "measured": measure_network(net, test, fp32_run),
        "design": design.to_json(),
        "timing": network_timing(net, design).to_json(),
        "timing_batch": network_timing(net, design, batch=THROUGHPUT_BATCH).to_json(),
        "design_space": design_space(net),
        "fp32_accuracy": fp32_accuracy,
    }


def _design_text(point: dict) -> str:
    return (
        f"PE array {point['tile_v']}x{point['tile_w']}, tile_u {point['tile_u']}, {point['axi_width_bits']}-bit AXI, "
        f"{point['buffering']} streams, {point['requant_lanes']} requantizer lanes"
    )


def network_section(data: dict) -> Section:
    """The network section, a pure function of ``measure_network_section``'s output."""
    measured, points = data["measured"], data["design_space"]
    fp32_accuracy = data["fp32_accuracy"]
    design = MatmulDesign.from_json(data["design"])
    timing = NetworkTiming.from_json(data["timing"])
    batched = NetworkTiming.from_json(data["timing_batch"])
    ratio = measured["numba_seconds"] / measured["fp32_seconds"]
    rows = [
        [
            t.layer,
            t.orientation,
            "x".join(map(str, t.matmul_shape)),
            f"{t.macs:,}",
            f"{t.bytes_moved:,}",
            f"{t.im2col_cycles:,}",
            f"{t.matmul_cycles:,}",
            f"{t.bound_cycles:,}",
            "memory" if t.memory_bound_cycles >= t.compute_bound_cycles else "compute",
        ]
        for t in timing.layers
    ]
    front = pareto(points)
    chosen = knee(front)
    fastest = min(points, key=lambda p: p["cycles_per_image"])
    as_fast = min(
        (p for p in points if p["cycles_per_image"] <= AS_FAST * fastest["cycles_per_image"]), key=lambda p: p["dsp"]
    )
    reference = min(
        (p for p in points if all(p[name] == getattr(design, name) for name in SWEEP)),
        key=lambda p: p["cycles_per_image"],
    )
    largest = max(timing.layers, key=lambda t: t.total_cycles)
    versus_fp32 = compare(measured["accuracy"], fp32_accuracy, measured["images"], "integer pipeline vs FP32")
    versus_torch = compare(
        measured["accuracy"], measured["fake_quant_accuracy"], measured["images"], "integer pipeline vs PyTorch export"
    )
    results = measured | {
        "noise": [versus_fp32.to_json(), versus_torch.to_json()],
        "integer_over_fp32_time": ratio,
        "fp32_accuracy": fp32_accuracy,
        "timing": timing.to_json(),
        "timing_batch": batched.to_json(),
        "bound_ratio": bound_ratio(timing),
        "design": design.to_json(),
        "design_space": points,
        "n_designs": len(points),
        "pareto": front,
        "knee": chosen,
        "fastest": fastest,
        "smallest_as_fast": as_fast,
    }
    body = f"""
The 8-bit export of the baseline (uniform asymmetric per-layer weights, 8-bit activations, the
format of Step 3) runs with integers only: each convolution is im2col with the input zero point as
pad value, then the quantized matmul with the int32 bias added to the accumulators and the ReLU
folded into the clamp at the output zero point; 2x2 max-pooling on uint8 codes; FC layers are
quantized matmuls. No torch is involved.

**Layer mapping.** The export maps every layer onto the matmul kernel before it writes the weights
(`simulator.network.mapping`): the kernel holds a B tile in its PE array while A rows stream past it, so a
layer runs either with the weights as A (out = W x) or as B (out^T = x^T W^T). A convolution takes
its B from im2col, so its weights are A; for an FC layer the export times both with the SimPy model
and keeps the faster. The weights are stored tiled for that mapping (each tile one contiguous burst
train; the manifest and the C header record the orientation and the tile shape, and loading refuses a
device image that does not match them). An activation matrix B that fits the B read ring
({design.b_buffer_bytes:,} bytes), such as an im2col output, and an FC input A that fits the A ring
({design.a_buffer_bytes:,} bytes) are read once, whole, and served from chip.

**Fidelity.** On the full {measured["images"]:,}-image test set the integer pipeline reaches
{100 * measured["accuracy"]:.2f} % (FP32: {100 * fp32_accuracy:.2f} %; {versus_fp32.text()}, binomial standard
error of the difference); the PyTorch model of the same export reaches {100 * measured["fake_quant_accuracy"]:.2f} %
({versus_torch.text()}), and the two agree on
{100 * measured["agreement"]:.2f} % of the images ({measured["disagreements"]} disagreements). The HLS C++
kernels (sw_emu, each layer run as its mapping says, weights from their tiled device image) give
outputs {"identical" if measured["sw_emu_identical_outputs"] else "DIFFERENT"} to the Numba kernels on the
first {measured["sw_emu_images"]} images, every output code of every layer.

**Speed on the CPU.** Integer inference of the 10k images took {measured["numba_seconds"]:.2f} s against
{measured["fp32_seconds"]:.2f} s for PyTorch FP32 evaluation of the same model: {ratio:.2f}x (medians of
{measured["speed_runs"]} alternate runs in one process). The Numba engine computes each convolution as one
float32 matmul of its im2col taken on the padded grid (exact: every partial sum is an integer below
2^24), pools inside the requantization epilogue, and runs batches on both cores.

**Timing on the accelerator.** Estimates: the SimPy model of the HLS C++ (its static loop schedule plus
the AXI adapters' outstanding requests) on the reference design {design.fingerprint()} at
{design.clock_mhz:g} MHz, one image at a time. The bound of a layer is max(compute bound, memory bound) of
each call (MACs over the PE array; the busiest port's bytes at one word per cycle after one memory
latency), plus im2col's memory bound:

{
        markdown_table(
            ["layer", "mapping", "u x v x w", "MACs", "bytes moved", "im2col", "matmul", "layer bound", "bound by"],
            rows,
        )
    }

Batch 1: {timing.latency_cycles:,} cycles = {timing.latency_us:.1f} us per image, {timing.images_per_second:,.0f}
images/s; the network's bound is {timing.bound_cycles:,} cycles, so the schedule is within
{bound_ratio(timing):.2f}x of it. {largest.layer} takes {100 * largest.total_cycles / timing.latency_cycles:.0f} %
of the cycles: its {largest.bytes["weights"]:,} weight bytes stream at one 512-bit word per cycle, the port's
rate, while the PE array latches one tile and the next streams in (it is bound by the weight bandwidth).
With batches of {THROUGHPUT_BATCH} images the FC weights are read once per batch: {batched.latency_cycles:,}
cycles per batch, {batched.latency_cycles / batched.batch:,.0f} cycles per image, {batched.images_per_second:,.0f}
images/s (the latency of a batch grows; the convolutions still run image by image).

{figure_markdown("network_layers", "Busy cycles per process and layer, side by side (they overlap), latency and bound")}

{figure_markdown("roofline", "Roofline: each layer's matmul under the PE array and port roofs")}

**Design space.** {len(points)} designs (PE arrays {SWEEP["tile_v"][0]}x{SWEEP["tile_w"][0]} to
{SWEEP["tile_v"][-1]}x{SWEEP["tile_w"][-1]}, tile_u, AXI width, buffering, requantizer lanes), every layer
re-mapped for each, timed at batch 1 and costed by the resource model (estimates); each takes the pipeline
depths of the reference build (a reading of every design's C++ would take seconds apiece): its loops, trip
counts and AXI traffic are its own. The fastest,
{_design_text(fastest)}, takes {fastest["cycles_per_image"]:,} cycles per image with {fastest["dsp"]:,} DSPs.
The knee of the Pareto front, the design this report recommends, is {_design_text(chosen)}:
{chosen["cycles_per_image"]:,} cycles with {chosen["dsp"]:,} DSPs and {chosen["bram_18k"]:,} BRAM_18K. A smaller array
is as fast (within {round(100 * (AS_FAST - 1))} % of the fastest) from {as_fast["dsp"]:,} DSPs:
{_design_text(as_fast)}. The reference design takes {reference["cycles_per_image"]:,} cycles with
{reference["dsp"]:,} DSPs: beyond the knee the network is bound by the weight bytes of fc1 and the ports,
not by the PE array.

{figure_markdown("design_space", "Cycles per image against DSPs over the network-level design space")}
"""
    figures = {
        "network_layers": stage_figure(timing),
        "roofline": roofline_figure(timing, design),
        "design_space": design_space_figure(points, front, chosen, reference),
    }
    return Section("network", "The integer network on the accelerator", body, results, figures)


__all__ = ["design_space", "knee", "measure_network_section", "network_section", "pareto"]
