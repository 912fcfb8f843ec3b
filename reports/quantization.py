"""Report section: the quantization study (spec Part 1 Step 1, Tasks 1 and 2)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from compress.study import StudyRecord, accuracy_table, best_record
from reports.document import Section, figure_markdown, markdown_table
from reports.noise import Z_95, Comparison, compare, standard_error
from reports.quantization_text import (
    clipping_comparisons,
    falling_rows,
    falling_text,
    find,
    judged,
    matches,
    sweep_text,
    task1b_text,
    verdict_groups,
)

ZOOM_FLOOR_PERCENT = 50.0  # points below this are drawn on the axis floor with their value


def zoom_floor(values_percent: list[float], fp32_percent: float) -> float:
    """The lower y limit that shows the informative range: 2 points under the lowest accuracy
    above ZOOM_FLOOR_PERCENT (a collapse to chance is marked, not scaled to)."""
    informative = [v for v in values_percent if v >= ZOOM_FLOOR_PERCENT] or [fp32_percent]
    return max(0.0, float(np.floor(min(informative) - 2.0)))


def curve_figure(records: list[StudyRecord], fp32: float, series: dict[str, dict], title: str) -> Figure:
    """Accuracy (%) against bits for each named series of record filters, zoomed to the
    informative range. The bit widths are categories, evenly spaced (2, 3, 4 bits get the room
    8 and 16 would otherwise take); a point below the range is a down arrow on the floor with its
    accuracy, the labels of one bit width stacked so they never overlap."""
    fig = Figure(figsize=(6.5, 4))
    ax = fig.subplots()
    plotted = {
        label: sorted((r.bits, 100 * r.accuracy) for r in records if matches(r, fields))
        for label, fields in series.items()
    }
    widths = sorted({r.bits for r in records})
    position = {bits: index for index, bits in enumerate(widths)}
    floor = zoom_floor([a for points in plotted.values() for _, a in points], 100 * fp32)
    stacked: dict[int, int] = {}  # labels already under each bit width
    for label, points in plotted.items():
        if not points:
            continue
        bits, acc = zip(*points)
        x = [position[b] for b in bits]
        line = ax.plot(x, np.maximum(acc, floor), marker="o", label=label)[0]
        for b, a in points:
            if a < floor:
                ax.plot(position[b], floor, marker="v", markersize=9, color=line.get_color(), clip_on=False)
                level = stacked.get(b, 0)
                stacked[b] = level + 1
                ax.annotate(f"{a:.1f} %", (position[b], floor), textcoords="offset points",
                            xytext=(7, 3 + 9 * level), fontsize=7, color=line.get_color())  # fmt: skip
    ax.axhline(100 * fp32, color="grey", linestyle="--", label=f"FP32 {100 * fp32:.2f} %")
    ax.set_xlabel("bits")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(floor, min(100.0, 100 * fp32 + 1.5))
    ax.set_xticks(range(len(widths)), [str(b) for b in widths])
    ax.set_xlim(-0.4, len(widths) - 0.4)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def ranges_figure(ranges: dict) -> Figure:
    """Every layer's weight histogram (log counts) with the global clip points and its largest |w|."""
    layers = ranges["layers"]
    fig = Figure(figsize=(7.5, 1.6 * len(layers) + 0.6))
    axes = fig.subplots(len(layers), 1, sharex=True)
    edges = np.asarray(ranges["edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    for ax, (name, layer) in zip(np.atleast_1d(axes), layers.items()):
        ax.bar(centres, np.maximum(layer["histogram"], 0.8), width=np.diff(edges), color="tab:blue", log=True)
        for clip, style, label in (
            (ranges["global_percentile_clip"], "--", f"p{ranges['percentile']:g} of |w|, all layers"),
            (ranges["global_mse_clip"], ":", f"MSE clip at {ranges['bits']} bits, all layers"),
        ):
            for sign in (-1, 1):
                ax.axvline(
                    sign * clip, color="tab:red", linestyle=style, linewidth=1, label=label if sign > 0 else None
                )
        ax.set_ylabel(f"{name}\n({layer['weights']:,})", fontsize=8)
        ax.set_ylim(0.7, None)
    first = np.atleast_1d(axes)[0]
    first.legend(fontsize=7, loc="upper right")
    np.atleast_1d(axes)[-1].set_xlabel("weight value")
    fig.tight_layout()
    return fig


def quantization_section(data: dict, test_images: int) -> Section:
    """The quantization study, a pure function of its records (``StudyRecord.to_json``), the
    FP32 accuracy and the number of test images every accuracy was measured on."""
    records = [StudyRecord(**record) for record in data["records"]]
    fp32 = data["fp32"]
    noted: list[Comparison] = []

    def versus(a: float, b: float, label: str) -> Comparison:
        """``a`` against ``b`` on the test images, recorded for results.json."""
        comparison = compare(a, b, test_images, label)
        noted.append(comparison)
        return comparison

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
    }
    clipping = {scheme: clipping_comparisons(records, scheme, test_images) for scheme in ("symmetric", "asymmetric")}
    noted.extend(c for by_bits in clipping.values() for c in by_bits.values())
    worst = {
        kind: min(
            (r for r in records if r.bits >= 8 and r.activations is None and (r.range == "full") == (kind == "full")),
            key=lambda r: r.accuracy,
        )
        for kind in ("full", "clipped")
    }
    worst_vs = {kind: versus(r.accuracy, fp32, f"{r.label}, {r.bits} bits vs FP32") for kind, r in worst.items()}
    g4s = key["global_symmetric_full"].get(4)
    g4a = key["global_asymmetric_full"].get(4)
    p4 = acc(scheme="symmetric", granularity="global", range="percentile", percentile=99.9, bits=4)
    m4 = acc(scheme="symmetric", granularity="global", range="mse", bits=4)
    l4 = acc(scheme="symmetric", granularity="layer", range="full", bits=4)
    c4 = acc(scheme="symmetric", granularity="channel", range="full", bits=4)
    w4 = acc(scheme="asymmetric", granularity="layer", range="full", bits=4)
    wa4 = acc(scheme="asymmetric", granularity="layer", range="full", bits=4, activations=4)
    kl = {r.bits: r.accuracy for r in records if r.activation_range == "kl"}
    mse_full = {
        r.bits: r.accuracy
        for r in records
        if matches(r, {"scheme": "asymmetric", "granularity": "layer", "range": "mse", "activations": "same"})
    }
    kl_vs = {
        b: versus(kl[b], mse_full[b], f"W{b}A{b} (MSE weights): KL vs full-range activations")
        for b in sorted(kl)
        if b in mse_full
    }
    kl_text = (
        " Calibrating the activations by KL divergence instead (the clip whose quantized histogram is "
        "closest to the calibration activations', TensorRT's entropy calibration), with MSE-clipped weights: "
        + ", ".join(f"{pct(a)} at {b} bits" for b, a in sorted(kl.items()))
        + "; against full-range activations (same weights) it is "
        + verdict_groups(kl_vs, "better", "worse")
        + ". The post-ReLU activations are mostly exact zeros, a spike the divergence is "
        "dominated by, so it accepts hard clips of the tails that the accuracy pays for."
        if kl
        else ""
    )
    qat = data.get("qat")
    granularity_text = (
        "symmetric, with one scale per output channel; each channel also has its own requantization "
        "multiplier M0 and shift n, which the matmul kernel reads with the channel's bias (its "
        "per-channel layout)"
        if qat and qat.get("granularity") == "channel"
        else "asymmetric, with one scale per layer"
    )
    candidates = sorted(qat.get("candidates", []) if qat else [], key=lambda c: (c["learning_rate"], c["epochs"]))
    recipes_text = (
        ", among "
        + ", ".join(f"{c['epochs']} epochs at {c['learning_rate']:g} ({pct(c['val_accuracy'])})" for c in candidates)
        if candidates
        else ""
    )
    qat_vs = versus(qat["accuracy"], wa4, "QAT W4A4 vs post-training W4A4") if qat else None
    qat_text = (
        f"""

*Quantization-aware, learned activation ranges.* Fine-tuning with {qat["weight_bits"]}-bit weights seen
through fake quantization and every hidden activation clipped to a learned bound (PACT: the
clip is a trained parameter, the rounding passes gradients straight through), the input pixels
and the logits at {qat["edge_bits"]} bits, gives **{pct(qat["accuracy"])}** on the integer network
(W{qat["weight_bits"]}, hidden A{qat["activation_bits"]}, {qat["size_kb"]:.2f} KB; `cnnacc quantize --qat`),
against {pct(wa4)} for post-training quantization with full ranges and 4-bit edges
({qat_vs.text() if qat_vs else ""}). The weights
are {granularity_text}. Validation chose the recipe, {qat["epochs"]} epochs of Adam at learning rate
{qat["learning_rate"]:g} ({pct(qat["val_accuracy"])}){recipes_text}."""
        if qat
        else ""
    )
    ranges_markdown = (
        figure_markdown("quant_ranges", "Each layer's weights (log counts) against the clip points of one global range")
        if "ranges" in data
        else ""
    )
    task1b = task1b_text(
        data.get("ranges"), clipping, records, fp32, {"full": g4s, "percentile": p4, "mse": m4}, versus
    )
    diagnosed = {(d["label"], d["bits"]): d["diagnostics"] for d in data.get("row_diagnostics", [])}
    falls = [(a, b) for a, b in falling_rows(records, test_images) if (b.label, b.bits) in diagnosed]
    task1b += "\n\n" + falling_text(falls, [diagnosed[(b.label, b.bits)] for _, b in falls], versus) + "\n"
    sweep = [StudyRecord(**record) for record in data.get("percentile_sweep", [])]
    if sweep:
        sweep_rows, sweep_prose = sweep_text(sweep, records, versus)
        sweep_bits = sorted({r.bits for r in sweep})
        task1b += f"""
*The clip swept* (symmetric weights, weight-only, accuracy in %: the percentile of |w| the range is
clipped at, over all weights or over each layer's own; full range and MSE clip from the table above):

{markdown_table(["granularity / clip"] + [f"{b} bits" for b in sweep_bits], sweep_rows)}

{sweep_prose}
"""
    asym4 = versus(g4a, g4s, "global/full, 4 bits: asymmetric vs symmetric")
    layer_sym = versus(l4, g4s, "symmetric/full, 4 bits: per layer vs global")
    layer_asym = versus(w4, g4a, "asymmetric/full, 4 bits: per layer vs global")
    channel_sym = versus(c4, l4, "symmetric/full, 4 bits: per channel vs per layer")
    best4_vs = versus(best4.accuracy, fp32, f"{best4.label}, 4 bits vs FP32")
    others4 = [r for r in records if r.bits == 4 and r.activations is None and r.label != best4.label]
    near4 = [r for r in others4 if not compare(r.accuracy, best4.accuracy, test_images).exceeds]
    far4 = [r for r in others4 if r not in near4]
    if near4:
        lowest = min(near4, key=lambda r: r.accuracy)
        near4_text = (
            f"{len(near4)} other 4-bit weight-only rows are within noise of it (the lowest of them, {lowest.label}: "
            f"{versus(lowest.accuracy, best4.accuracy, f'{lowest.label} vs {best4.label}, 4 bits').text()}), "
            "so the measurement does not rank these"
        )
    else:
        nearest = max(far4, key=lambda r: r.accuracy)
        near4_text = (
            f"every other 4-bit weight-only row is below it beyond noise (the nearest, {nearest.label}: "
            f"{versus(nearest.accuracy, best4.accuracy, f'{nearest.label} vs {best4.label}, 4 bits').text()})"
        )
    key["rows_within_noise_of_best4"] = len(near4)
    w8 = acc(scheme="asymmetric", granularity="layer", range="full", bits=8)
    wa8_fp32 = versus(best8_wa.accuracy, fp32, "W8A8 (asymmetric/layer/full) vs FP32")
    wa8_w8 = versus(best8_wa.accuracy, w8, "W8A8 vs W8 (asymmetric/layer/full)")
    wa4_w4 = versus(wa4, w4, "W4A4 vs W4 (asymmetric/layer/full)")
    if wa4_w4.exceeds and wa4_w4.difference_pt < 0:
        wa4_text = (
            f"At 4 bits W+A falls to {pct(wa4)} against {pct(w4)} for weights alone ({wa4_w4.text()}): the "
            "activation ranges, calibrated as full ranges on 2,000 training images, are dominated by rare large "
            "activations, so 4-bit activation steps are coarse, and every layer adds a requantization error."
        )
    else:
        wa4_text = f"At 4 bits W+A gives {pct(wa4)} against {pct(w4)} for weights alone ({wa4_w4.text()})."
    key["noise_standard_error_pt"] = 100 * standard_error(fp32, test_images)
    key["noise_threshold_se"] = Z_95
    body = f"""
All accuracies are on the full 10k test set; FP32 baseline {pct(fp32)}. Weights are quantized
after training (post-training quantization) with the contract's formulas (round half to even,
scale and zero point as in the numerical contract); "global" is one range for all weight tensors
of the model (Task 1a/1b as written), "layer" one range per layer (Task 1c), "channel" one per
output channel. Rows marked "+A" quantize the activations too (Task 2), at the same width as the
weights, and run on integers exactly as the accelerator does: int32 accumulators, int32 biases at
scale S_in S_w, M0/n requantization after every conv/FC, ReLU as a clamp at the zero point.

**Noise.** An accuracy of {pct(fp32)} on {test_images:,} images has a binomial standard error of
{key["noise_standard_error_pt"]:.2f} points, so two accuracies are compared by the standard error of their
difference (binomial, the two taken as independent; `reports.noise`): a difference of more than
{Z_95:.2f} standard errors is called beyond noise, a smaller one within noise, and only the former is read
as one setting being more or less accurate than another. Both accuracies come from the same test images,
whose per-image predictions the study does not keep; their errors are correlated, so this overstates the
noise of a paired test (McNemar's) and errs towards "within noise".

{markdown_table(["scheme / granularity / range"] + [f"{b} bits" for b in bits], rows)}

**Task 1a (full range).** At 8 bits and above the largest loss of a full-range weight-only scheme
against FP32 is that of {worst["full"].label} at {worst["full"].bits} bits ({worst_vs["full"].text()}); of the
clipped ranges of Task 1b, that of {worst["clipped"].label} at {worst["clipped"].bits} bits
({worst_vs["clipped"].text()}). With one global range the symmetric scheme gives {pct(g4s)} at 4 bits and
the asymmetric one {pct(g4a)}: a single scale must cover the largest weight of the whole model, so at 4 bits
(7 positive levels for symmetric) most weights of the layers with small weights round to zero.
Asymmetric quantization spends its codes only on [min, max] instead of [-max|w|, max|w|], one
level more and a closer fit when a tensor is skewed; at 4 bits it is
{judged(asym4, "ahead of", "behind", "within noise of")} the symmetric scheme ({asym4.text()}).

{task1b}

**Task 1c (per-layer scales).** At 4 bits, one range per layer instead of one global range gives
symmetric {pct(l4)} against {pct(g4s)}, {judged(layer_sym, "better", "worse", "within noise")} ({layer_sym.text()}),
and asymmetric {pct(w4)} against {pct(g4a)}, {judged(layer_asym, "better", "worse", "within noise")}
({layer_asym.text()}). One range per output channel gives {pct(c4)}, against symmetric per layer
{judged(channel_sym, "better", "worse", "within noise")} ({channel_sym.text()}). A finer granularity gives each layer
(or channel) a step matched to its own weights instead of to the largest weight of the model. The most
accurate 4-bit weight-only scheme is **{best4.label}** at {pct(best4.accuracy)} ({best4_vs.text()} against FP32);
{near4_text}.

**Task 2 (weights + activations).** With full-range asymmetric per-layer quantization of both
weights and activations, 8 bits give {pct(best8_wa.accuracy)} ({wa8_fp32.text()} against FP32; against
weight-only at the same setting, {pct(w8)}: {wa8_w8.text()}). {wa4_text}{kl_text}{qat_text}

{figure_markdown("quant_schemes", "Weight-only accuracy against bits: symmetric vs asymmetric, full range, per layer")}

{figure_markdown("quant_granularity", "Global vs per-layer vs per-channel ranges (symmetric, full range)")}

{figure_markdown("quant_clipping", "Full range vs clipped ranges (symmetric, one global range)")}

{ranges_markdown}

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
                "weights (mse) + activations (kl)": {
                    "scheme": "asymmetric",
                    "granularity": "layer",
                    "range": "mse",
                    "activations": "same",
                    "activation_range": "kl",
                },
            },
            "Activations quantized too",
        ),
    }
    if "ranges" in data:
        figures["quant_ranges"] = ranges_figure(data["ranges"])
    results = {"records": [r.to_json() for r in records], "summary": key, "noise": [c.to_json() for c in noted]} | {
        k: data[k] for k in ("ranges", "qat", "percentile_sweep", "row_diagnostics") if k in data
    }
    return Section("quantization", "Part 1 Step 1: quantization", body, results, figures)
