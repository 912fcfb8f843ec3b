"""Report section: structured pruning, pruning + quantization, and the export (spec Part 1
Step 2 Tasks 1-2, Step 3).

:func:`pruning_results` only re-evaluates the shipped models of ``cnnacc search`` on the full
test set (the integer W+A8 path for quantized ones) and reads the curves the search measured
(``compress/models/search_curves.json``); it never searches or trains. :func:`pruning_section`
is a pure function of that dict.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from compress.budget_study import STUDY_NAME
from compress.checkpoint import SHIPPED_DIR, load_checkpoint
from compress.curves import smallest_within
from compress.data import load_fashion_mnist
from compress.model import Architecture
from compress.shipping import CURVES_NAME, evaluate_shipped
from compress.size import model_size_kb
from reports.budget_text import equal_budget_text, methods_text
from reports.document import Section, figure_markdown, markdown_table
from reports.noise import compare
from reports.pruning_text import (
    CONV_CURVE_STYLE,
    CURVE_STYLE,
    LOSSES_PT,
    SMALL_LOSS_PT,
    bounds_text,
    continued_text,
    export_text,
    gap_text,
    half_width_costs,
    margin_standard_errors,
    missing_text,
    stale_note,
    task1_text,
    task2a_text,
    task2b_text,
    validation_gaps,
    widths,
)

# Size targets in KB of the compression frontier (packed weights and every quantization parameter).
SIZE_BOUNDS_KB = {"search_90": 3.5, "search_85": 1.0, "search_80": 0.6}
ISSUE_TARGETS_PERCENT = (80, 85, 90)


def pruning_results(data_dir=None, *, train_split=None, test_split=None, models_dir=SHIPPED_DIR) -> dict:
    """Re-evaluate every shipped search model on the 10k test images; read the curves.

    models_dir : folder of the search's models and search_curves.json (default: the shipped ones)
    """
    models_dir = Path(models_dir)
    curves = json.loads((models_dir / CURVES_NAME).read_text())
    train_split = train_split or load_fashion_mnist("train", data_dir)
    test_split = test_split or load_fashion_mnist("test", data_dir)
    models = {}
    for record in curves["chosen"]:
        if record["found"]:
            evaluation = evaluate_shipped(
                str(models_dir / record["name"]), train_split=train_split, test_split=test_split
            )
            card = evaluation.pop("card")
            models[record["name"]] = (
                evaluation
                | {"name": record["name"]}  # the model's name, not the folder it was read from
                | {
                    k: card[k]
                    for k in (
                        "kind",
                        "target",
                        "val_accuracy",
                        "conv_channels",
                        "fc_hidden",
                        "weight_bits",
                        "kept_channels",
                        "weight_range",
                        "action",
                    )
                }
                | {"trims": card.get("trims", [])}
                | {
                    "search_test_accuracy": card["test_accuracy"],
                    "val_goal": card["target"] + curves["config"]["margin"],
                    "tried": record["tried"],
                }
            )
    baseline, baseline_card = load_checkpoint(curves["baseline"]["name"])
    study_path = models_dir / STUDY_NAME
    study = json.loads(study_path.read_text()) if study_path.exists() else None
    return {
        "budget_study": study,
        "models": models,
        "targets": {r["name"]: r["target"] for r in curves["chosen"]},
        "curves": curves["curves"],
        "sensitivity": curves["sensitivity"],
        "search_seconds": curves["seconds"],
        "search_config": curves["config"],
        "test_images": len(test_split),
        "baseline": {
            "name": curves["baseline"]["name"],
            "architecture": baseline.arch.to_json(),
            "accuracy": baseline_card.get("accuracy"),
            "fp32_size_kb": model_size_kb(baseline),
            "w8_size_kb": model_size_kb(baseline, 8),
            "matches_search": baseline.arch == Architecture.from_json(curves["baseline"]["architecture"]),
        },
    }


def pareto_figure(curves: dict, models: dict, baseline: dict) -> Figure:
    """Test accuracy against size (log scale) along the walks, with the shipped models."""
    fig = Figure(figsize=(7.5, 4.8))
    ax = fig.subplots()
    for name, (label, color, marker) in (CURVE_STYLE | CONV_CURVE_STYLE).items():
        points = sorted((p["size_kb"], p["test_accuracy"]) for p in curves.get(name, []) if p["test_accuracy"])
        if points:
            size, acc = zip(*points)
            ax.plot(size, 100 * np.asarray(acc), marker=marker, color=color, label=label, markersize=4, linewidth=1)
    for name, m in models.items():
        ax.scatter(m["size_kb"], 100 * m["accuracy"], s=90, facecolors="none", edgecolors="black", zorder=5)
        ax.annotate(name, (m["size_kb"], 100 * m["accuracy"]), textcoords="offset points", xytext=(6, -10), fontsize=8)
    for target in ISSUE_TARGETS_PERCENT:
        ax.axhline(target, color="grey", linestyle=":", linewidth=0.8)
    if baseline.get("accuracy"):
        ax.axhline(100 * baseline["accuracy"], color="grey", linestyle="--", linewidth=0.8, label="FP32 baseline")
    ax.set_xscale("log")
    ax.set_xlabel("model size (KB, compacted, weights + biases + quantization parameters)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(70, 95)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def sensitivity_figure(sensitivity: dict) -> Figure:
    """Accuracy when one width loses a fraction of its channels (two criteria) or one layer's
    weights drop to b bits, without fine-tuning."""
    fig = Figure(figsize=(11, 3.6))
    axes = fig.subplots(1, 3, sharey=True)
    fractions = 100 * np.asarray([0.0, *sensitivity["fractions"]])
    for ax, target in zip(axes[:2], ("filter", "channel")):
        for name, curve in sensitivity[target].items():
            ax.plot(fractions, 100 * np.asarray([sensitivity["accuracy"], *curve]), marker="o", label=name)
        ax.set_xlabel(f"channels pruned (%), {target}-wise L1")
        ax.set_title(f"{target}-wise pruning", fontsize=10)
    for name, curve in sensitivity["bits"].items():
        axes[2].plot(sensitivity["bit_levels"], 100 * np.asarray(curve), marker="o", label=name)
    axes[2].set_xlabel("weight bits of one layer (others float)")
    axes[2].set_title("weight quantization", fontsize=10)
    axes[2].invert_xaxis()
    axes[0].set_ylabel(f"accuracy (%), {sensitivity['images']} validation images")
    for ax in axes:
        ax.axhline(100 * sensitivity["accuracy"], color="grey", linestyle="--", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def effectiveness(curves: dict, loss_pt: float) -> dict:
    """Per technique, the smallest size within ``loss_pt`` of the FP32 start, and the ratio."""
    start = curves["pruning"][0]
    out = {}
    for name in CURVE_STYLE:
        best = smallest_within(curves.get(name, []), start["test_accuracy"], loss_pt)
        out[name] = (
            None
            if best is None
            else {
                "size_kb": best["size_kb"],
                "test_accuracy": best["test_accuracy"],
                "compression": start["size_kb"] / best["size_kb"],
                "conv_channels": best["conv_channels"],
                "fc_hidden": best["fc_hidden"],
                "weight_bits": best["weight_bits"],
            }
        )
    return out


def action_counts(points: list[dict]) -> dict[str, int]:
    counts = {"filter-wise": 0, "channel-wise": 0, "bits": 0}
    for p in points[1:]:
        action = p["action"]
        key = "bits" if "bits" in action else ("filter-wise" if "filter-wise" in action else "channel-wise")
        counts[key] += 1
    return counts


def model_row(name: str, m: dict, bound: float | None) -> list:
    target = m["target"]
    met = m["accuracy"] > target and (bound is None or m["size_kb"] <= bound)
    return [
        name,
        f"> {100 * target:.0f} %",
        f"{100 * m['accuracy']:.2f}",
        f"{100 * m['val_accuracy']:.2f}",
        f"{m['size_kb']:.2f}",
        f"{m['naive_size_kb']:.1f}",
        f"{bound:g}" if bound else "",
        widths(m),
        "/".join(str(b) if b != 32 else "fp32" for b in m["weight_bits"]),
        "yes" if met else "**no**",
    ]


def pruning_section(results: dict) -> Section:
    """Task 1, Task 2a, Task 2b, sensitivity and the export format, from :func:`pruning_results`."""
    models, curves, baseline = results["models"], results["curves"], results["baseline"]
    header = [
        "model",
        "target",
        "test acc. (%)",
        "val. acc. (%)",
        "size (KB)",
        "naive size (KB)",
        "bound (KB)",
        "widths",
        "weight bits",
        "met",
    ]
    rows = [model_row(name, models[name], SIZE_BOUNDS_KB.get(name)) for name in sorted(models)]
    missing = [n for n in results["targets"] if n not in models]
    by_loss = {f"{loss:g}": effectiveness(curves, loss) for loss in LOSSES_PT}
    gaps = validation_gaps(curves, models)
    gaps["margin_standard_errors"] = margin_standard_errors(results["search_config"])
    pruning_steps, combined_steps = action_counts(curves["pruning"]), action_counts(curves["combined"])
    config = results["search_config"]
    start = curves["pruning"][0]
    smallest_loss = compare(
        start["test_accuracy"] - min(LOSSES_PT) / 100,
        start["test_accuracy"],
        results["test_images"],
        f"FP32 start less {min(LOSSES_PT):g} point vs FP32 start",
    )
    study = results.get("budget_study")
    if study is not None:
        walk = models.get(f"pruned_{round(100 * config['prune_target'])}")
        methods, method_comparisons = methods_text(study, config["prune_target"], config["margin"], walk)
        budget, budget_comparisons = equal_budget_text(study, curves)
    else:
        methods, method_comparisons = f"(`cnnacc budget-study` has not written {STUDY_NAME}.)", []
        budget, budget_comparisons = "", []
    results_out = {
        "noise": [c.to_json() for c in (smallest_loss, *method_comparisons, *budget_comparisons)],
        "budget_study": study,
        "models": {
            n: {k: v for k, v in m.items() if k != "size_breakdown"} | {"met": row[-1] == "yes"}
            for (n, m), row in zip(sorted(models.items()), rows)
        },
        "missing": missing,
        "effectiveness_by_loss_pt": by_loss,
        "validation_minus_test_pt": gaps,
        "baseline": baseline,
        "search_seconds": results["search_seconds"],
        "search_config": config,
        "steps": {"pruning": pruning_steps, "combined": combined_steps},
        "half_width_cost_pt": half_width_costs(results["sensitivity"]),
        "curves": curves,
        "sensitivity": results["sensitivity"],
        **({"onnx": results["onnx"]} if "onnx" in results else {}),
        "quoted": {
            "compaction_tolerance": 1e-5,
            "small_loss_pt": SMALL_LOSS_PT,
            "losses_pt": list(LOSSES_PT),
            "size_bounds_kb": SIZE_BOUNDS_KB,
            "activation_bits": 8,
            "float_bits": 32,
            "sha_bits": 256,
            "issue_targets_percent": list(ISSUE_TARGETS_PERCENT),
        },
    }
    body = "\n\n".join(
        [
            stale_note(baseline),
            task1_text(models, pruning_steps, config, results["sensitivity"]),
            markdown_table(header, rows),
            methods,
            missing_text(missing, curves),
            gap_text(gaps, config),
            task2a_text(models, combined_steps, config),
            continued_text(models),
            bounds_text(models, SIZE_BOUNDS_KB, config),
            task2b_text(by_loss, start, smallest_loss),
            budget,
            figure_markdown(
                "pruning_pareto",
                "Test accuracy against model size along the measured walks "
                "(each point fine-tuned; circles: shipped models; dotted: the targets of the issue, "
                f"{'/'.join(str(t) for t in ISSUE_TARGETS_PERCENT)} %)",
            ),
            figure_markdown(
                "pruning_sensitivity",
                "Per-layer sensitivity of the baseline without fine-tuning: "
                "pruning one width filter-wise or channel-wise, or quantizing one layer's weights",
            ),
            export_text(models, results.get("onnx")),
        ]
    )
    figures = {
        "pruning_pareto": pareto_figure(curves, models, baseline),
        "pruning_sensitivity": sensitivity_figure(results["sensitivity"]),
    }
    title = "Part 1 Step 2 and Step 3: pruning, pruning + quantization, export"
    return Section("pruning", title, body, results_out, figures)
