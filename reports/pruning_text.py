"""The prose of the pruning section (spec Part 1 Steps 2 and 3): pure functions of the results."""

from __future__ import annotations

import math

from compress.curves import LOSSES_PT
from reports.document import markdown_table
from reports.noise import Comparison

SMALL_LOSS_PT = 1.0  # "a small degradation of accuracy" for Task 2b, in percentage points
CURVE_STYLE = {
    "pruning": ("pruning only (FP32)", "tab:blue", "o"),
    "quantization": ("quantization only (uniform bits)", "tab:orange", "s"),
    "combined": ("pruning + quantization", "tab:green", "^"),
}
CONV_CURVE_STYLE = {  # Task 1's conv-only walks
    "filter": ("conv filter-wise only (FP32)", "tab:purple", "v"),
    "channel": ("conv channel-wise only (FP32)", "tab:brown", "D"),
}


def winner(gains: dict) -> str | None:
    """The single technique (pruning or quantization) with the smaller size, if any qualifies."""
    ranked = sorted((n for n in ("pruning", "quantization") if gains.get(n)), key=lambda n: gains[n]["size_kb"])
    return ranked[0] if ranked else None


def stale_note(baseline: dict) -> str:
    if baseline["matches_search"]:
        return (
            f"Everything below starts from the shipped baseline `{baseline['name']}` "
            f"({baseline['fp32_size_kb']:.1f} KB in FP32, {baseline['w8_size_kb']:.1f} KB with 8-bit weights)."
        )
    return (
        f"**Warning:** the shipped search models were derived from a baseline of another architecture "
        f"than the current `{baseline['name']}`; run `cnnacc search` again."
    )


def widths(m: dict) -> str:
    return f"conv {'/'.join(map(str, m['conv_channels']))}, fc {'/'.join(map(str, m['fc_hidden']))}"


def half_width_costs(sensitivity: dict) -> dict:
    """Points lost, without fine-tuning, when half of one width goes: {width: {criterion: points}}."""
    if 0.5 not in sensitivity["fractions"]:
        return {}
    half = sensitivity["fractions"].index(0.5)
    return {
        name: {
            target: 100 * (sensitivity["accuracy"] - sensitivity[target][name][half])
            for target in ("filter", "channel")
        }
        for name in sensitivity["filter"]
    }


def sensitivity_sentence(costs: dict) -> str:
    if not costs:
        return ""
    listed = ", ".join(f"{name} {c['filter']:.1f} / {c['channel']:.1f}" for name, c in costs.items())
    return (
        f"Without fine-tuning, removing half of one width costs (points, filter-wise / channel-wise): "
        f"{listed}; the walk measures such costs afresh at every step instead of trusting them once."
    )


WIDTH_NOTATION = (
    "Widths are written *conv c1/c2, fc h*: the output channels of conv1 and conv2 and the neurons "
    "of the hidden FC layer (the baseline is conv 16/32, fc 256)."
)
RULES = {
    "filter": "*filter-wise*: a conv output channel is scored by the mean |w| (L1 norm over its count) of "
    "the filter that produces it",
    "channel": "*channel-wise*: a conv output channel is scored by the mean |w| of the next layer's weights "
    "that read it (conv2's input channel, or the fc1 inputs one conv2 channel feeds after pooling)",
}


def pruned_sentence(m: dict | None, what: str) -> str:
    if m is None:
        return f"No FP32 state of the {what} walk qualified."
    return (
        f"**{m['size_kb']:.2f} KB** (compacted; {m['naive_size_kb']:.1f} KB if the pruned channels were kept "
        f"as zeros) at **{100 * m['accuracy']:.2f} %** test accuracy ({100 * m['val_accuracy']:.2f} % on "
        f"validation), with {widths(m)}"
    )


def one_channel_text(conv: dict) -> str:
    """What a walk that left a convolution one channel wide found, and why it was allowed to."""
    found = [(kind, m) for kind, m in conv.items() if m is not None and min(m["conv_channels"]) == 1]
    if not found:
        return ""
    kind, m = found[0]
    return f"""
*A one-channel convolution.* The {kind}-wise winner, {widths(m)}, keeps a single channel in a
convolution, so the image reaches the classifier through one learned pooled feature map where the
baseline has 32. It qualifies because the target asks for accuracy above the line at the smallest size and
nothing else, and a classifier on one learned feature map still reaches {100 * m["accuracy"]:.2f} % on this
data set. Its size is then almost all fully connected float32 weights, which a walk over the convolutions
cannot reduce: its last steps each took a conv width down by one for well under a kilobyte, each still met
the validation goal, so the walk went on to width 1. The quantized searches below also prune the FC layer
and lower the bits, so a conv channel is not the only thing left to trade.
"""


def task1_text(models: dict, steps: dict, config: dict, sensitivity: dict) -> str:
    target = config["prune_target"]
    conv = {kind: models.get(f"pruned_{kind}_{round(100 * target)}") for kind in RULES}
    extra = models.get(f"pruned_{round(100 * target)}")
    found = {kind: pruned_sentence(m, f"{kind}-wise") for kind, m in conv.items()}
    return f"""
**Task 1 (structured pruning only).** {WIDTH_NOTATION} Whole filters (output channels) of the
convolutions are removed and the network is rebuilt as a smaller dense MyConvNet: the next layer
loses the matching input channels, so the accelerator's matrices really shrink (the compacted and
the zero-masked networks agree to within 1e-5, tested). Every size in this section is the
compacted model at its weight widths with its int32 biases and any quantization parameters, from one
function (`compress.size.model_size_kb`); each parameter is counted at its type in the matmul kernel's
interface (M0 and n `uint32_t`, zero points `uint8_t`) and each scale as float32. The naive size keeps
the zeros.

*Rules.* Two selection rules, each in its own walk over the two conv layers only:

- {RULES["filter"]}. The smallest FP32 model above {100 * target:.0f} %: {found["filter"]}.
- {RULES["channel"]}. The smallest FP32 model above {100 * target:.0f} %: {found["channel"]}.
{one_channel_text(conv)}
How much of each layer goes is not fixed by hand but found by a deterministic greedy walk (the
per-layer sensitivity of NetAdapt, Yang et al.): each step tries removing
{100 * config["prune_step"]:.0f} % of each conv width by the walk's rule, measures the accuracy drop of every
candidate on {config["ranking_images"]:,} validation images per KB saved (without training), keeps the best and
fine-tunes it on {config["step_images"]:,} training images. {sensitivity_sentence(half_width_costs(sensitivity))}
The conv layers hold few weights; what pruning them saves is mostly in fc1, whose inputs from a
removed conv2 channel go with it, while fc1's neurons all stay.

*Extra: every width, both rules.* Pruning the hidden FC neurons as well (scored filter-wise by
their fc1 row, channel-wise by their fc2 column), the walk taking the rule whose step scores higher at each step
({steps["filter-wise"]} filter-wise and {steps["channel-wise"]} channel-wise steps), gives
{pruned_sentence(extra, "all-width")}.

In every walk the smallest state that beats the target by {100 * config["margin"]:.1f} points on the
{config["validation_images"]:,}-image validation set (never trained on; the test set decides nothing) is
fine-tuned for {config["final_epochs"]} more epochs; up to {config["refine"]} smaller states of the walk are searched by
bisection for the smallest that still qualifies after the same fine-tuning (a polished state that falls short
rules out the smaller ones){trim_clause(config)}, and it is shipped.
"""


def trim_clause(config: dict) -> str:
    if not config["trim"]:
        return ""
    return (
        f"; that state is then trimmed by {trim_steps(config)} (the walk's best by its score, fine-tuned as long), "
        "kept while it still qualifies" + (f" ({retries_clause(config)})" if config["trim_retries"] else "")
    )


def trim_steps(config: dict) -> str:
    return f"up to {config['trim']} single steps, each one channel of a width or one bit level of a layer"


def retries_clause(config: dict) -> str:
    return f"a step that falls short gives way to the next best, up to {config['trim_retries']} of them"


def missing_text(missing: list[str], curves: dict) -> str:
    if not missing:
        return ""
    best = max(curves["combined"], key=lambda p: p["val_accuracy"])
    return (
        f"**Not reached:** {', '.join(missing)}. The best state of the combined walk reached "
        f"{100 * best['val_accuracy']:.2f} % on validation at {best['size_kb']:.2f} KB; see the frontier below."
    )


def last_step(state: dict) -> str:
    """The last action of a polished state's record (its action chain, "; fine-tuned" dropped)."""
    return state["action"].removesuffix("; fine-tuned").split("; trim: ")[-1]


def bounds_text(models: dict, bounds: dict[str, float], config: dict) -> str:
    """Which shipped models exceed the issue's size bound, and the nearest smaller state their
    choice fine-tuned that fell short (``compress.search.choose``: bisection, then trim)."""
    over = []
    for name, bound in sorted(bounds.items(), key=lambda item: item[1]):
        m = models.get(name)
        if m is None or m["size_kb"] <= bound:
            continue
        text = f"{name} is {m['size_kb']:.3f} KB against {bound:g} KB"
        short = [t for t in m["tried"] if not t["qualified"] and t["size_kb"] < m["size_kb"]]
        if short:
            near = max(short, key=lambda t: t["size_kb"])
            step = last_step(near)
            text += (
                f' (the nearest smaller state fine-tuned, {near["size_kb"]:.3f} KB after "{step}", reached '
                f"{100 * near['val_accuracy']:.2f} % on validation, short of the {100 * m['val_goal']:.0f} % needed)"
            )
        else:
            text += " (no smaller state was fine-tuned)"
        over.append(text)
    if not over:
        return ""
    retries = config["trim_retries"]
    if not config["trim"]:
        how = (
            "near its end the walk's steps (a quarter of a width, at least one channel, or one bit level) are "
            "coarser than these gaps, and the models were not trimmed (`cnnacc search --trim`)"
        )
    elif retries:
        how = (
            f"the trim that follows ({trim_steps(config)}; {retries_clause(config)}) stops when a step and its "
            f"{retries} next best all fall short"
        )
    else:
        how = f"the trim that follows ({trim_steps(config)}) stops when a step falls short"
    return (
        "*Size bounds.* The issue bounds each model's size; the search itself only asks for the smallest "
        "model at each accuracy target, and "
        + ("one of its models exceeds its bound" if len(over) == 1 else f"{len(over)} of its models exceed their bound")
        + f": {'; '.join(over)}. "
        f"The bisection ranges over up to {config['refine']} walk states smaller than the smallest that qualifies "
        f"unpolished; {how}."
    )


def task2a_text(models: dict, steps: dict, config: dict) -> str:
    lines = []
    for m in sorted((m for m in models.values() if m["kind"] == "combined"), key=lambda m: -m["target"]):
        bits = "/".join(map(str, m["weight_bits"]))
        lines.append(
            f"- **{100 * m['target']:.0f} %: {m['size_kb']:.2f} KB** at {100 * m['accuracy']:.2f} % "
            f"({widths(m)}; weight bits {bits} from conv1 to the last FC layer; naive size "
            f"{m['naive_size_kb']:.1f} KB)"
        )
    return f"""
**Task 2a (pruning + quantization).** The smallest models found, measured on the full test set
with integer-only inference and 8-bit activations, exactly as the accelerator computes:

{chr(10).join(lines) or "- none reached its target"}

*Strategy.* One greedy walk over both knobs, from the baseline with 8-bit weights: each step
considers pruning {100 * config["prune_step"]:.0f} % of any width (filter- or channel-wise) and lowering any one
layer's weights to the next of {", ".join(map(str, config["bit_levels"]))} bits, and takes the action that loses
the least validation accuracy per KB saved. After each step the network is fine-tuned
quantization-aware: the forward pass sees the weights fake-quantized by the contract's formulas
(per layer, asymmetric, {config["weight_range"]} range), and the gradient passes straight through to float
shadow weights. The walk took {steps["filter-wise"]} filter-wise, {steps["channel-wise"]} channel-wise and
{steps["bits"]} bit-width steps; the targets are then decided on validation as in Task 1. Activations
stay 8-bit in this walk: the size it minimises counts the stored weights and quantization parameters,
which narrower activations do not shrink, and the accelerator's requantizer emits 8-bit codes;
4-bit activations, with learned clipping ranges (PACT), are studied in the quantization section.
"""


def continued_text(models: dict) -> str:
    """How ``cnnacc trim`` carried on the trim of the models whose cards record it."""
    parts = []
    for name, m in sorted(models.items()):
        for entry in m["trims"]:
            start = entry["start"]
            kept = [t for t in entry["tried"] if t["qualified"]]
            steps = [last_step(t) for t in kept]
            how = (
                'learning each layer\'s weight step size (LSQ: Esser et al., "Learned step size quantization") '
                "instead of re-observing it every few steps; the weights end on the learned grid, which the "
                "integer network's observer finds again"
                if entry["learned_steps"]
                else "re-observing the weight ranges as in the search"
            )
            result = (
                f"kept {len(kept)} of the {len(entry['tried'])} steps it fine-tuned ({'; '.join(steps)}), ending at "
                f"{kept[-1]['size_kb']:.3f} KB with {100 * kept[-1]['val_accuracy']:.2f} % on validation"
                if kept
                else f"none of the {len(entry['tried'])} steps it fine-tuned qualified, so the model is unchanged"
            )
            parts.append(
                f"{name} was then trimmed further by `cnnacc trim {name}` (up to {entry['trim']} single steps, "
                f"{entry['trim_retries']} next best each, {entry['final_epochs']} epochs of fine-tuning per step, "
                f"{how}). From {start['size_kb']:.3f} KB at {100 * start['val_accuracy']:.2f} % on validation "
                f"({100 * start['test_accuracy']:.2f} % test) it {result}, in {entry['seconds'] / 60:.0f} minutes."
            )
    return ("\n*Continued trims.* " + " ".join(parts) + "\n") if parts else ""


def validation_gaps(curves: dict, models: dict) -> dict:
    """Validation minus test accuracy (points) of the FP32 baseline and of every shipped model."""
    start = curves["pruning"][0]
    gaps = {"baseline": 100 * (start["val_accuracy"] - start["test_accuracy"])}
    return gaps | {name: 100 * (m["val_accuracy"] - m["accuracy"]) for name, m in sorted(models.items())}


def margin_standard_errors(config: dict, accuracy: float = 0.9) -> float:
    """The decision margin in standard errors of a validation-accuracy estimate at ``accuracy``."""
    return config["margin"] / math.sqrt(accuracy * (1 - accuracy) / config["validation_images"])


def gap_text(gaps: dict, config: dict) -> str:
    shipped = [v for k, v in gaps.items() if k not in ("baseline", "margin_standard_errors")]
    if not shipped:
        return ""
    return f"""
*Validation against test.* Neither the baseline nor any fine-tuning step trained on the validation
images, so the two accuracies differ only by sampling: validation minus test is
{gaps["baseline"]:+.1f} points for the baseline and between {min(shipped):+.1f} and {max(shipped):+.1f} points for the
shipped models. The {100 * config["margin"]:.1f}-point decision margin is {gaps["margin_standard_errors"]:.1f} standard
errors of a {config["validation_images"]:,}-image estimate at 90 %; the test column is the number that counts.
"""


def task2b_text(by_loss: dict, start: dict, smallest_loss: Comparison) -> str:
    """Task 2b; ``smallest_loss`` compares an accuracy the smallest loss below the FP32 start with it."""

    def describe(gains: dict, name: str) -> str:
        g = gains.get(name)
        if g is None:
            return "none"
        return f"{g['size_kb']:.1f} KB ({g['compression']:.1f} times smaller, {100 * g['test_accuracy']:.2f} %)"

    small = by_loss[f"{SMALL_LOSS_PT:g}"]
    verdicts = {
        "pruning": "**structured pruning** was the more effective technique: most weights sit in the first FC "
        "layer, whose inputs shrink with every conv2 filter removed and whose outputs shrink with every hidden "
        "neuron removed, so removing channels divides the size faster than storing every weight in fewer bits",
        "quantization": "**quantization** was the more effective technique: it shrinks every weight at once and "
        "keeps every channel, and down to 4 bits it costs almost nothing after quantization-aware fine-tuning, "
        "whereas every pruning step removes capacity the over-parameterized but well-trained baseline uses",
    }
    small_verdict = verdicts.get(winner(small) or "", "neither alone stays within it")
    rows = [[f"{loss}"] + [describe(gains, n) for n in CURVE_STYLE] for loss, gains in by_loss.items()]
    table = markdown_table(["loss (points)", "pruning only", "quantization only", "both"], rows)
    largest = by_loss[f"{max(LOSSES_PT):g}"]
    later = winner(largest)
    reverse = (
        ""
        if later in (None, winner(small))
        else (
            f" The ranking reverses for larger losses: at a loss of up to {max(LOSSES_PT):g} points pruning alone "
            "gets down to "
            f"{largest['pruning']['size_kb']:.1f} KB, while quantization alone cannot go below "
            f"{largest['quantization']['size_kb']:.1f} KB (every channel still stored, at 2 bits at best)."
        )
    )
    combined_smallest = all(
        g["combined"] is not None and all(g[n] is None or g["combined"]["size_kb"] <= g[n]["size_kb"] for n in g)
        for g in by_loss.values()
    )
    compose = (
        "The two compose -- quantization divides whatever pruning leaves by the same factor -- so the "
        "combined walk gives the smallest model at every loss."
        if combined_smallest
        else "The combined walk is not the smallest at every loss: its greedy steps trade differently."
    )
    return f"""
**Task 2b (which technique is more effective).** Measured along the three walks (table and
figure below): the smallest model of each walk whose test accuracy is at most a given loss below the
FP32 baseline ({100 * start["test_accuracy"]:.2f} %, {start["size_kb"]:.1f} KB). The smallest loss of the table
measures as {smallest_loss.text()} (binomial standard error of the difference); a model whose loss is near a
threshold may fall on either side of it by chance.

{table}

For a small loss ({SMALL_LOSS_PT:g} point) {small_verdict}.{reverse}
{compose}
"""


def onnx_text(onnx: dict | None) -> str:
    if not onnx:
        return ""
    near, floor = onnx["nearest"], onnx["floor"]

    def worst(result: dict, how: str) -> float:
        return 100 * min(layer[how]["within_one"] for layer in result["layers"].values())

    return f"""
*ONNX, checked by ONNX Runtime.* With `--onnx` the export also writes `model.onnx`: QLinearConv for
every layer (an FC layer as 1 x 1 kernels, which keeps its int32 bias), `Max` with the output zero
point for ReLU, MaxPool and Flatten, with the export's own scales and zero points. ONNX Runtime,
written by others, implements the same affine scheme but requantizes through float and rounds to
nearest. On the {near["images"]:,} test images of the 8-bit baseline export: with the contract's nearest
rounding, **{100 * near["predictions"]:.2f} %** of the predictions are identical and every output code of
every layer is within one code ({worst(near, "chained"):.2f} % chained through the network, {worst(near, "alone"):.2f} %
layer by layer on our inputs); with the floor rounding the accelerator uses by default,
{100 * floor["predictions"]:.2f} % of the predictions agree and each layer alone stays within one code
({worst(floor, "alone"):.2f} %), while chained the half-code bias of floor against round-to-nearest compounds
to {worst(floor, "chained"):.2f} % within one at the worst layer. `cnnacc import` reads such a model back
(exactly, through the M0 and n it carries) into an export folder.
"""


def export_text(models: dict, onnx: dict | None = None) -> str:
    example = "search_85" if "search_85" in models else next(iter(models), "baseline")
    step3 = f"""
**Step 3 (exporting the weights).** `MyConvNet.save_weights(path)` (command line: `cnnacc export
PATH --model {example}`) writes a folder with `weights.npz` -- per layer the uniform asymmetric
weight codes `L.weight_q` in compacted dimensions (a convolution's as the matmul operand of one
row per filter, columns ordered like im2col's rows; an FC layer's as (out, in) with inputs in
torch's flatten order) and the int32 bias `L.bias_q` at scale S_in S_w -- and `manifest.json`:
format name and version, layer order, every array's shape, dtype and SHA-256 hash, and per layer
the weight scale, zero point and bit width, the input and output activation scale and zero
point, the requantization M0 and n, and the ReLU and pooling flags. Both files are written
atomically, and `load_weights` refuses a truncated, tampered or mismatched export. The folder
also holds `network.h` (every array and constant for the HLS testbenches) and `golden.npz`
(per-layer output codes of a few images). Weights narrower than a byte are stored packed, end
to end at their width (two 4-bit codes a byte; `simulator.contract.packing`, which the Numba kernels and
the C++ unpacker read bit-exactly), as the sizes above count them.
"""
    return step3 + onnx_text(onnx)
