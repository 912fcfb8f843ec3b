"""Report section: the quantization study (spec Part 1 Step 1, Tasks 1 and 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from compress.study import StudyRecord, accuracy_table, best_record
from reports.document import Section, figure_markdown, markdown_table


def find(records: list[StudyRecord], **fields) -> StudyRecord:
    """The single record matching ``fields`` (activations=None means weight-only)."""
    found = [r for r in records if matches(r, fields)]
    if len(found) != 1:
        raise LookupError(f"{len(found)} study records match {fields}")
    return found[0]


def matches(record: StudyRecord, fields: dict) -> bool:
    """Whether ``record`` has ``fields``; activations default to None (weight-only) and
    ``activations="same"`` means activations at the weights' width."""
    fields = {"activations": None, **fields}
    if fields["activations"] == "same":
        fields["activations"] = record.bits
    return all(getattr(record, k) == v for k, v in fields.items())


def curve_figure(records: list[StudyRecord], fp32: float, series: dict[str, dict], title: str) -> Figure:
    """Accuracy (%) against bits for each named series of record filters."""
    fig = Figure(figsize=(6.5, 4))
    ax = fig.subplots()
    for label, fields in series.items():
        points = sorted((r.bits, r.accuracy) for r in records if matches(r, fields))
        if points:
            bits, acc = zip(*points)
            ax.plot(bits, 100 * np.asarray(acc), marker="o", label=label)
    ax.axhline(100 * fp32, color="grey", linestyle="--", label=f"FP32 {100 * fp32:.2f} %")
    ax.set_xlabel("bits")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_xticks(sorted({r.bits for r in records}))
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def quantization_section(data: dict) -> Section:
    """The quantization study, a pure function of its records (``StudyRecord.to_json``) and the
    FP32 accuracy."""
    records = [StudyRecord(**record) for record in data["records"]]
    fp32 = data["fp32"]
    labels, bits, table = accuracy_table(records)
    rows = [[label] + [f"{100 * a:.2f}" for a in row] for label, row in zip(labels, table)]

    def acc(**fields) -> float:
        return find(records, **fields).accuracy

    def pct(value: float) -> str:
        return f"{100 * value:.2f} %"

    best4 = best_record(records, 4)
    best8_wa = find(records, scheme="asymmetric", granularity="layer", range="full", bits=8, activations=8)
    key = {
        "fp32": fp32,
        "global_symmetric_full": {b: acc(scheme="symmetric", granularity="global", range="full", bits=b) for b in bits},
        "global_asymmetric_full": {
            b: acc(scheme="asymmetric", granularity="global", range="full", bits=b) for b in bits
        },
        "layer_asymmetric_full": {b: acc(scheme="asymmetric", granularity="layer", range="full", bits=b) for b in bits},
        "wa_layer_asymmetric_full": {
            b: acc(scheme="asymmetric", granularity="layer", range="full", bits=b, activations=b) for b in bits
        },
        "best_4bit_weight_only": best4.to_json() | {"label": best4.label},
        "wa8_minus_fp32_pt": 100 * (best8_wa.accuracy - fp32),
        "best4_minus_fp32_pt": 100 * (best4.accuracy - fp32),
        "worst_8plus_loss_pt": 100 * max(fp32 - r.accuracy for r in records if r.bits >= 8 and r.activations is None),
    }
    g4s = key["global_symmetric_full"].get(4)
    g4a = key["global_asymmetric_full"].get(4)
    p4 = acc(scheme="symmetric", granularity="global", range="percentile", percentile=99.9, bits=4)
    m4 = acc(scheme="symmetric", granularity="global", range="mse", bits=4)
    l4 = acc(scheme="symmetric", granularity="layer", range="full", bits=4)
    c4 = acc(scheme="symmetric", granularity="channel", range="full", bits=4)
    w4 = acc(scheme="asymmetric", granularity="layer", range="full", bits=4)
    wa4 = acc(scheme="asymmetric", granularity="layer", range="full", bits=4, activations=4)
    body = f"""
All accuracies are on the full 10k test set; FP32 baseline {pct(fp32)}. Weights are quantized
after training (post-training quantization) with the contract's formulas (round half to even,
scale and zero point as in the numerical contract); "global" is one range for all weight tensors
of the model (Task 1a/1b as written), "layer" one range per layer (Task 1c), "channel" one per
output channel. Rows marked "+A" quantize the activations too (Task 2), at the same width as the
weights, and run on integers exactly as the accelerator does: int32 accumulators, int32 biases at
scale S_in S_w, M0/n requantization after every conv/FC, ReLU as a clamp at the zero point.

{markdown_table(["scheme / granularity / range"] + [f"{b} bits" for b in bits], rows)}

**Task 1a (full range).** At 8 bits and above every weight-only scheme is within
{key["worst_8plus_loss_pt"]:.2f} pt of FP32. With one global range the symmetric scheme gives {pct(g4s)} at 4 bits and
the asymmetric
one {pct(g4a)}: a single scale must cover the largest weight of the whole model, so at 4 bits
(7 positive levels for symmetric) most weights of the layers with small weights round to zero.
Asymmetric quantization spends its codes only on [min, max] instead of [-max|w|, max|w|], one
level more and a better fit when a tensor is skewed.

**Task 1b (clipped range).** Narrowing the range to drop outliers trades a few clipped weights for
a finer step on all the others. For the global symmetric scheme at 4 bits: {pct(g4s)} with the full
range, {pct(p4)} with the 99.9th percentile of |w| and {pct(m4)} with the MSE-optimal clipping
({"the percentile wins" if p4 >= m4 else "MSE clipping wins"} here). The MSE search minimizes the
squared error over all the weights of the model at once, which the large first fully connected layer dominates, so it
need not be the range that preserves accuracy best; the percentile range keeps the largest weights of
every layer nearly intact.

**Task 1c (per-layer scales).** Per-layer ranges give symmetric 4-bit {pct(l4)} and asymmetric 4-bit
{pct(w4)} (per-channel: {pct(c4)}), since each layer gets a step matched to its own weights.
The best 4-bit weight-only scheme is **{best4.label}** at {pct(best4.accuracy)}
({key["best4_minus_fp32_pt"]:+.2f} pt from FP32).

**Task 2 (weights + activations).** With full-range asymmetric per-layer quantization of both
weights and activations, 8 bits give {pct(best8_wa.accuracy)} ({key["wa8_minus_fp32_pt"]:+.2f} pt
from FP32; weight-only at the same setting: {pct(acc(scheme="asymmetric", granularity="layer", range="full", bits=8))}).
At 4 bits W+A falls to {pct(wa4)} against {pct(w4)} for weights alone: the activation ranges,
calibrated as full ranges on 2,000 training images, are dominated by rare large activations, so
4-bit activation steps are coarse, and every layer adds a requantization error.

{figure_markdown("quant_schemes", "Weight-only accuracy against bits: symmetric vs asymmetric, full range, per layer")}

{figure_markdown("quant_granularity", "Global vs per-layer vs per-channel ranges (symmetric, full range)")}

{figure_markdown("quant_clipping", "Full range vs clipped ranges (symmetric, one global range)")}

{figure_markdown("quant_weights_activations", "Weight-only vs weights + activations (asymmetric, per layer)")}
"""
    figures = {
        "quant_schemes": curve_figure(
            records,
            fp32,
            {
                "symmetric/layer/full": {"scheme": "symmetric", "granularity": "layer", "range": "full"},
                "asymmetric/layer/full": {"scheme": "asymmetric", "granularity": "layer", "range": "full"},
                "symmetric/global/full": {"scheme": "symmetric", "granularity": "global", "range": "full"},
                "asymmetric/global/full": {"scheme": "asymmetric", "granularity": "global", "range": "full"},
            },
            "Symmetric vs asymmetric",
        ),
        "quant_granularity": curve_figure(
            records,
            fp32,
            {g: {"scheme": "symmetric", "granularity": g, "range": "full"} for g in ("global", "layer", "channel")},
            "Granularity of the scale",
        ),
        "quant_clipping": curve_figure(
            records,
            fp32,
            {
                "full": {"scheme": "symmetric", "granularity": "global", "range": "full"},
                "percentile 99.9": {
                    "scheme": "symmetric",
                    "granularity": "global",
                    "range": "percentile",
                    "percentile": 99.9,
                },
                "mse": {"scheme": "symmetric", "granularity": "global", "range": "mse"},
            },
            "Clipping the range",
        ),
        "quant_weights_activations": curve_figure(
            records,
            fp32,
            {
                "weights only (full)": {"scheme": "asymmetric", "granularity": "layer", "range": "full"},
                "weights + activations (full)": {
                    "scheme": "asymmetric",
                    "granularity": "layer",
                    "range": "full",
                    "activations": "same",
                },
                "weights (mse) + activations": {
                    "scheme": "asymmetric",
                    "granularity": "layer",
                    "range": "mse",
                    "activations": "same",
                },
            },
            "Activations quantized too",
        ),
    }
    results = {"records": [r.to_json() for r in records], "summary": key}
    return Section("quantization", "Part 1 Step 1: quantization", body, results, figures)
