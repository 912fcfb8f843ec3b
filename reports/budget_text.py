"""The prose of the fixed-budget study (``compress.budget_study``, ``budget_study.json``): Step
2 Task 1's fraction and threshold methods, and Task 2b at one training budget. Pure functions
of the study; each returns its text and the noise comparisons it quotes."""

from __future__ import annotations

from reports.document import markdown_table
from reports.noise import Comparison, compare

METHODS = ("fraction", "threshold")


def _widths(point: dict) -> str:
    return "/".join(str(k) for k in point["kept"].values())


def _method(point: dict) -> tuple[str, float]:
    spec = point["spec"]
    return ("threshold", spec["threshold"]) if spec["threshold"] is not None else ("fraction", spec["fractions"][0])


def qualifying(points: list[dict], goal: float) -> dict | None:
    """The smallest point whose validation accuracy beats ``goal`` (the validation decides)."""
    ok = [p for p in points if p["val_accuracy"] > goal]
    return min(ok, key=lambda p: p["size_kb"]) if ok else None


def methods_text(study: dict, target: float, margin: float, walk: dict | None) -> tuple[str, list[Comparison]]:
    """Step 2 Task 1: fraction against threshold, filter-wise and channel-wise; ``walk`` is the
    shipped model of the walk over every width (its ``size_kb``), or None."""
    points = [p for p in study["points"] if p["study"] == "method"]
    n, epochs = study["config"]["test_images"], study["config"]["epochs"]
    rows = []
    for p in points:
        method, level = _method(p)
        rows.append(
            [p["target"], method, f"{level:g}", _widths(p), f"{p['size_kb']:.1f}",
             f"{100 * p['val_accuracy']:.2f}", f"{100 * p['test_accuracy']:.2f}"]
        )  # fmt: skip
    table = markdown_table(["rule", "method", "level", "widths", "size (KB)", "val. acc. (%)", "test acc. (%)"], rows)
    goal = target + margin
    comparisons, verdicts, smallest = [], [], []
    for rule in ("filter", "channel"):
        best = {m: qualifying([p for p in points if p["target"] == rule and _method(p)[0] == m], goal) for m in METHODS}
        found = {m: b for m, b in best.items() if b is not None}
        if len(found) < len(METHODS):
            missing = [m for m in METHODS if m not in found]
            verdicts.append(f"{rule}-wise, no {' or '.join(missing)} level qualifies")
            continue
        fraction, threshold = found["fraction"], found["threshold"]
        smallest += [fraction["size_kb"], threshold["size_kb"]]
        smaller = "threshold" if threshold["size_kb"] < fraction["size_kb"] else "fraction"
        c = compare(threshold["test_accuracy"], fraction["test_accuracy"], n, f"{rule}-wise: threshold vs fraction")
        comparisons.append(c)
        verdicts.append(
            f"{rule}-wise, the smallest qualifying model is {fraction['size_kb']:.1f} KB by fraction "
            f"({_method(fraction)[1]:g}, widths {_widths(fraction)}) and {threshold['size_kb']:.1f} KB by threshold "
            f"({_method(threshold)[1]:g}, widths {_widths(threshold)}): the {smaller} method's is smaller; their test "
            f"accuracies differ by {c.text()}"
        )
    highest = {rule: max((p for p in points if p["target"] == rule and _method(p)[0] == "threshold"),
                         key=lambda p: _method(p)[1], default=None) for rule in ("filter", "channel")}  # fmt: skip
    uneven = "; ".join(
        f"{rule}-wise at threshold {_method(p)[1]:g} the widths keep {_widths(p)}" for rule, p in highest.items() if p
    )
    steps = ""
    if walk is not None and smallest:
        relation = "below" if walk["size_kb"] < min(smallest) else "above"
        steps = (
            f" The walk over every width above reached {walk['size_kb']:.1f} KB, {relation} the one-shot methods' "
            f"smallest ({min(smallest):.1f} KB): it prunes in small steps, each fine-tuned, and spends the cut "
            "where its measured cost per KB is lowest, the FC layer included."
        )
    text = f"""
*Threshold against fraction (the hint's two methods), one shot at one budget.* The walks above
choose how much of each layer to remove step by step. The hint's two methods choose it in one shot,
and both were run from the baseline (`cnnacc budget-study`, `compress/budget_study.py`), each model
compacted and fine-tuned for the same {epochs} epochs:

- *fraction f*: every hidden width loses the fraction f of its channels with the lowest L1 scores, the same
  share everywhere;
- *threshold t*: a channel goes when its L1 score is below t times the mean score of its layer, so a layer
  whose scores are spread loses many channels and a layer whose scores are even loses few.

{table}

Choosing by validation accuracy above {100 * goal:.0f} % (the target plus the search's margin), {"; ".join(verdicts)}.
The threshold does not fix the share per layer: each layer loses what its own scores put below
the line ({uneven}), which is why its sizes jump between levels where the fraction's move evenly.{steps}
"""
    return text, comparisons


def equal_budget_text(study: dict, curves: dict) -> tuple[str, list[Comparison]]:
    """Task 2b at one budget: each technique's structure per loss, rebuilt and trained alike."""
    points = [p for p in study["points"] if p["study"] == "budget"]
    n, epochs = study["config"]["test_images"], study["config"]["epochs"]
    start = curves["pruning"][0]["test_accuracy"]
    rows, comparisons = [], []
    meets: dict[str, list[dict]] = {}
    for p in points:
        technique, loss_text = p["label"].split(" / ")
        loss = float(loss_text.split()[0])
        floor = start - loss / 100
        c = compare(p["test_accuracy"], floor, n, f"{p['label']} at {epochs} epochs vs the FP32 start less {loss:g}")
        comparisons.append(c)
        met = p["test_accuracy"] >= floor
        if met:
            meets.setdefault(f"{loss:g}", []).append(p | {"technique": technique})
        bits = "/".join("fp32" if b == 32 else str(b) for b in p["weight_bits"])
        rows.append(
            [f"{loss:g}", technique, _widths(p), bits, f"{p['size_kb']:.1f}", f"{100 * p['test_accuracy']:.2f}",
             ("meets" if met else "misses") + f" ({c.text()})"]
        )  # fmt: skip
    table = markdown_table(
        ["loss (points)", "technique", "widths", "weight bits", "size (KB)", f"test acc. after {epochs} epochs (%)",
         "loss kept? (vs the start less the loss)"],
        rows,
    )  # fmt: skip
    winners = []
    for loss in dict.fromkeys(p["label"].split(" / ")[1].split()[0] for p in points):
        kept = {p["technique"]: p for p in meets.get(loss, [])}
        sizes = {t: f"{kept[t]['size_kb']:.1f} KB" if t in kept else "misses it" for t in ("pruning", "quantization")}
        alone = [t for t in ("pruning", "quantization") if t in kept]
        best = min(alone, key=lambda t: kept[t]["size_kb"]) if alone else None
        both = f", both together {kept['combined']['size_kb']:.1f} KB" if "combined" in kept else ""
        verdict = f"{best} is the more effective" if best else "neither alone keeps it"
        winners.append(
            f"at {loss} point{'' if loss == '1' else 's'}, pruning alone {sizes['pruning']} and quantization alone "
            f"{sizes['quantization']}: {verdict}{both}"
        )
    text = f"""
*At one training budget.* The walks' points above did not have the same training: a point of a walk
carries the fine-tuning of every step before it, and the pruning walk takes many more steps than
the quantization walk. So each structure of the table above (its widths and weight bits) was rebuilt
from the baseline in one shot and fine-tuned for the same {epochs} epochs, quantization-aware at its
bits (`cnnacc budget-study`); each is then checked against the loss it was chosen for, with the noise of
that check:

{table}

At this budget, {"; ".join(winners) or "no structure keeps its loss"}.
A structure the walk found may miss its loss here, having had less training than along the walk; the
table's verdict says whether the miss exceeds the noise.
"""
    return text, comparisons
