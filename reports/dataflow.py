"""Report section: the whole network as one DATAFLOW accelerator, beside per-layer calls.

Every hardware number is an estimate before synthesis: the generated C++ read by the HLS source
reader (its static schedule), SimPy over its streams, the resource model; accuracies and the
bit-exactness of the generated C++ are measured (``simulator.network.dataflow_run``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from compress.data import Split
from compress.shipping import export_model
from reports.document import Section, figure_markdown, markdown_table
from simulator.explore.sweep import pareto_front
from simulator.hardware.dataflow_design import LayerFold
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hardware.resources import estimate_resources
from simulator.network.dataflow import unit_shapes
from simulator.network.dataflow_fold import DEFAULT_BUDGET_SHARE, estimate, search_folding, unit_cycles
from simulator.network.dataflow_run import run_dataflow_layers
from simulator.network.export import load_network
from simulator.network.network import IntegerNetwork, run_layers, run_network

MODELS = ("w4a4", "search_90")  # beside the baseline
BIT_EXACT_IMAGES = 1000
FRONT_POINTS = 12  # folding choices on the latency-vs-DSP figure
FRONT_CAPTION = "Batch-1 latency against DSPs over the baseline's foldings (SimPy); the front labelled by interval"
MODEL_HEADER = ["model", "bits", "accuracy", "latency", "interval", "images/s", "DSP", "LUT", "bit-exact"]


def _bit_exact(net: IntegerNetwork, design, images: np.ndarray) -> bool:
    """Whether the generated C++ gives the Numba engine's codes on every layer."""
    ours = run_dataflow_layers(net, design, images)
    return all(np.array_equal(a, b) for a, b in zip(ours, run_layers(net, images)))


def _model_point(name: str, net: IntegerNetwork, test: Split, images: int) -> dict:
    found = estimate(net, search_folding(net))
    accuracy = float((run_network(net, test.images).argmax(1) == test.labels).mean())
    bits = f"W{max(layer.weight_bits for layer in net.layers)}A{min(layer.activation_bits for layer in net.layers)}"
    return {
        "name": name,
        "macs": macs_per_image(net),
        "bits": bits,
        "accuracy": accuracy,
        "test_images": len(test),
        "bit_exact": _bit_exact(net, found.design, test.images[:images]),
        "bit_exact_images": images,
        "estimate": found.to_json(),
    }


def macs_per_image(net: IntegerNetwork) -> int:
    """Multiply-accumulates of one image: each layer's weights times its output positions."""
    total = 0
    for shape in unit_shapes(net):
        positions = shape.height * shape.width if shape.kind == "conv" else 1
        total += shape.out * shape.taps * positions
    return total


def front(net: IntegerNetwork, points: int) -> list[dict]:
    """Latency, interval and resources over folding choices: the cheapest folding for each of
    ``points`` target intervals spread (log) from the smallest to 30 times it."""
    fastest = search_folding(net)  # the targets from its interval as the search counts it
    smallest = max(unit_cycles(shape, fold) for shape, fold in zip(unit_shapes(net), fastest.folds))
    found = []
    for target in np.unique(np.geomspace(smallest, 30 * smallest, points).astype(int)):
        design = search_folding(net, target_interval=int(target))
        timing = estimate(net, design)
        found.append(
            {
                "target_interval": int(target),
                "latency_cycles": timing.simpy.latency_cycles,
                "interval_cycles": timing.simpy.interval_cycles,
                "dsp": timing.resources.dsp,
                "lut": timing.resources.lut,
            }
        )
    return found


def measure_dataflow_section(net: IntegerNetwork, per_layer_timing: dict, test: Split, quick: bool = False) -> dict:
    """Every measurement of the section: the baseline and the compressed models on the dataflow
    design, the per-layer design's figures, and the folding front of the baseline."""
    images = 200 if quick else BIT_EXACT_IMAGES
    models = [_model_point("baseline", net, test, images)]
    for name in MODELS:
        with tempfile.TemporaryDirectory() as folder:
            export_model(Path(folder) / "export", model_name=name)
            models.append(_model_point(name, load_network(Path(folder) / "export"), test, images))
    per_layer = {
        "latency_cycles": per_layer_timing["latency_cycles_per_image"],
        "interval_cycles": per_layer_timing["cycles_per_image"],
        "images_per_second": per_layer_timing["images_per_second"],
        "dsp": estimate_resources(MatmulDesign()).dsp + estimate_resources(Im2colDesign()).dsp,
        "lut": estimate_resources(MatmulDesign()).lut + estimate_resources(Im2colDesign()).lut,
    }
    baseline = models[0]["estimate"]
    searched = [unit_cycles_of(net, layer) for layer in baseline["layers"]]
    return {
        "models": models,
        "per_layer": per_layer,
        "front": front(net, 4 if quick else FRONT_POINTS),
        "search_cycles": searched,
    }


def unit_cycles_of(net: IntegerNetwork, layer: dict) -> int:
    """The search's cycles of a layer's unit for its chosen folding (beside the reader's)."""
    shape = next(shape for shape in unit_shapes(net) if shape.name == layer["name"])
    return unit_cycles(shape, LayerFold(**layer["fold"]))


def front_figure(points: list[dict], per_layer: dict) -> Figure:
    """Batch-1 latency against DSPs (LUTs on the colour) over folding choices, the Pareto front
    (no other folding has both fewer DSPs and a lower latency) joined by a line."""
    fig = Figure(figsize=(7, 4.4))
    ax = fig.subplots()
    shown = ax.scatter(
        [p["dsp"] for p in points], [p["latency_cycles"] for p in points], c=[p["lut"] / 1000 for p in points]
    )
    fig.colorbar(shown, ax=ax, label="LUTs (thousands)")
    best = pareto_front([p | {"bram_18k": 0} for p in points], "latency_cycles")
    ax.plot([p["dsp"] for p in best], [p["latency_cycles"] for p in best], "k-", linewidth=0.8, label="Pareto front")
    for index, point in enumerate(best):
        last = index == len(best) - 1  # labelled on its left, inside the axes
        ax.annotate(
            f"{point['interval_cycles']:,} cycles/image", (point["dsp"], point["latency_cycles"]), fontsize=7,
            xytext=(-4 if last else 4, 6 if last else 2), textcoords="offset points", ha="right" if last else "left",
        )  # fmt: skip
    ax.axhline(per_layer["latency_cycles"], color="k", linestyle=":", label="per-layer calls (reference design)")
    ax.set_xlabel("DSP48E2 (estimate, log scale)")
    ax.set_ylabel("batch-1 latency, cycles (SimPy, log scale)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_title("Dataflow foldings of the baseline: latency against DSPs")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def dataflow_section(data: dict) -> Section:
    """The section, a pure function of ``measure_dataflow_section``'s output (the last model is
    the pruned one)."""
    models, per_layer, points = data["models"], data["per_layer"], data["front"]
    base = models[0]["estimate"]
    clock = base["design"]["clock_mhz"]
    layer_rows = [
        [
            layer["name"],
            f"{layer['fold']['pe']} x {layer['fold']['simd']} x {layer['fold']['columns']}",
            f"{layer['cycles']:,}",
            f"{searched:,}",
            f"{layer['resources']['dsp']:,}",
            f"{layer['resources']['lut']:,}",
        ]
        for layer, searched in zip(base["layers"], data["search_cycles"])
    ]
    side_rows = [
        [
            "per-layer calls (reference design)",
            f"{per_layer['latency_cycles']:,}",
            f"{per_layer['interval_cycles']:,.0f}",
            f"{per_layer['images_per_second']:,.0f}",
            f"{per_layer['dsp']:,}",
            f"{per_layer['lut']:,}",
        ],
        [
            "dataflow (searched folding)",
            f"{base['latency_cycles']:,}",
            f"{base['interval_cycles']:,}",
            f"{base['images_per_second']:,.0f}",
            f"{base['resources']['dsp']:,}",
            f"{base['resources']['lut']:,}",
        ],
    ]
    model_rows = [
        [
            model["name"],
            model["bits"],
            f"{100 * model['accuracy']:.2f} %",
            f"{model['estimate']['latency_cycles']:,}",
            f"{model['estimate']['interval_cycles']:,}",
            f"{model['estimate']['images_per_second']:,.0f}",
            f"{model['estimate']['resources']['dsp']:,}",
            f"{model['estimate']['resources']['lut']:,}",
            "yes" if model["bit_exact"] else "NO",
        ]
        for model in models
    ]
    static = base["static"]
    agreement = max(
        abs(base["latency_cycles"] / static["latency_cycles"] - 1),
        abs(base["interval_cycles"] / static["interval_cycles"] - 1),
    )
    speedup = per_layer["latency_cycles"] / base["latency_cycles"]
    results = {
        "models": models,
        "per_layer": per_layer,
        "front": points,
        "search_cycles": data["search_cycles"],
        "static_simpy_gap": agreement,
        "latency_ratio": speedup,
        "interval_ratio": per_layer["interval_cycles"] / base["interval_cycles"],
        "latency_us": base["latency_us"],
        "clock_mhz": clock,
        "budget_share": DEFAULT_BUDGET_SHARE,
    }
    images = models[0]["bit_exact_images"]
    narrow = models[-1]
    base_macs, smallest_macs = models[0]["macs"], narrow["macs"]
    body = f"""
Per-layer calls move every activation through DRAM and stream fc1's weights for every image. The
other way to run the network is one DATAFLOW top (`cnnacc dataflow EXPORT --out DIR`): per layer a
unit of `hls_src/dataflow/dataflow.hpp`, joined by streams of feature-map rows. A convolution unit is
a line-buffer 3x3 window (the im2col unit turned streaming) feeding a matrix-vector unit folded PE x
SIMD x columns (output channels x taps x output columns a cycle, as in FINN), with the requantizer
and the 2x2 max-pool fused; a dense unit reads its input vector, then folds PE x SIMD. Weights and
requantization constants are on-chip ROMs generated from the export. The folding search gives every
unit the cheapest folding that meets the smallest interval the budgets allow (half the part's DSPs,
60 % of its LUTs).

**What each estimate assumes.** The cycles are the generated C++ read by the same rules as
`cnnacc hls-estimate` (every unit one pipelined loop, II 1, its depth from the operator chain) and
then SimPy over the streams at {clock:g} MHz: a unit stalls on an empty input or a full output, and
restarts for the next image when it ends one. The 8 x 8-bit products are bound to LUTs (BIND_OP
impl=fabric), the zero points applied after accumulation (Jacob et al. eq. 7-8); DSPs are the
requantizers (acc x M0) and the zero-point terms. Each ROM is bound where it costs the smallest share
of the part (LUTRAM, BRAM or URAM: BIND_STORAGE). Each stream is as deep as the largest occupancy
SimPy finds with unbounded FIFOs. Nothing here was synthesized.

{markdown_table(["design", "batch-1 latency (cycles)", "interval (cycles)", "images/s", "DSP", "LUT"], side_rows)}

The baseline's latency is {base["latency_cycles"]:,} cycles ({base["latency_us"]:.2f} us), {speedup:.1f}x
fewer than per-layer calls; an image enters every {base["interval_cycles"]:,} cycles. The static
schedule of the C++ gives latency {static["latency_cycles"]:,} and interval {static["interval_cycles"]:,};
SimPy and the static schedule differ by {100 * agreement:.1f} % at most. Its units:

{markdown_table(["layer", "PE x SIMD x columns", "cycles (C++ read)", "cycles (search)", "DSP", "LUT"], layer_rows)}

**The compressed models on it.** Accuracy on the full {models[0]["test_images"]:,}-image test set (the
Numba engine); the generated C++ built with g++ gives every layer's codes of the first {images:,} test
images equal to the Numba engine's ("bit-exact"). The W4A4 model's 4-bit activations run here
(the requantizer clamps to 2^b - 1); the per-layer kernel takes 8-bit codes only.

{markdown_table(MODEL_HEADER, model_rows)}

The units store 8-bit words and multiply 8-bit operands whatever the model's widths, so the W4A4
model costs what the baseline costs here (its layers have the baseline's shapes). search_90's pruned
layers need {smallest_macs:,} MACs an image against the baseline's {base_macs:,}, so the same budgets
fold them wider: {narrow["estimate"]["interval_cycles"]:,} cycles an image.

{figure_markdown("dataflow_front", FRONT_CAPTION)}
"""
    figures = {"dataflow_front": front_figure(points, per_layer)}
    return Section("dataflow", "The whole network as one dataflow accelerator", body, results, figures)


__all__ = ["dataflow_section", "measure_dataflow_section"]
