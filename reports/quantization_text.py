"""The quantization section's prose: the study's records found by their fields, and each
comparison of two accuracies judged against the noise (``reports.noise``) before the text
draws a conclusion from it."""

from __future__ import annotations

from collections import defaultdict

from compress.study import StudyRecord
from reports.document import markdown_table
from reports.noise import Comparison, compare


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
    if fields["activations"] is not None:  # full-range activations unless asked otherwise
        fields.setdefault("activation_range", "full")
    observed = {"activation_range": record.activation_range or ("full" if record.activations else None)}
    return all(observed.get(k, getattr(record, k)) == v for k, v in fields.items())


def clipping_comparisons(records: list[StudyRecord], scheme: str, n: int) -> dict[int, Comparison]:
    """Per bit width, the more accurate clipped global range against the full one (weight-only)."""
    out = {}
    for full in (r for r in records if matches(r, {"scheme": scheme, "granularity": "global", "range": "full"})):
        clipped = [
            r
            for r in records
            if r.bits == full.bits and r.range != "full" and matches(r, {"scheme": scheme, "granularity": "global"})
        ]
        if clipped:
            best = max(clipped, key=lambda r: r.accuracy)
            label = f"{scheme}/global, {full.bits} bits: {best.label.rsplit('/', 1)[1]} vs full"
            out[full.bits] = compare(best.accuracy, full.accuracy, n, label)
    return out


def bit_list(widths: list[int]) -> str:
    return ", ".join(map(str, widths)) + " bits" if widths else "no width"


def judged(comparison: Comparison, higher: str, lower: str, same: str) -> str:
    """``higher`` or ``lower`` when the difference exceeds the noise (by its sign), else ``same``."""
    if not comparison.exceeds:
        return same
    return higher if comparison.difference_pt > 0 else lower


def verdict_groups(comparisons: dict[int, Comparison], higher: str, lower: str) -> str:
    """The comparisons keyed by bit width, grouped: "<higher> beyond noise at 2 bits (verdict), ...;
    <lower> beyond noise at ...; within noise at 5, 6 bits (largest difference: verdict)"."""
    up = [(b, c) for b, c in sorted(comparisons.items()) if c.exceeds and c.difference_pt > 0]
    down = [(b, c) for b, c in sorted(comparisons.items()) if c.exceeds and c.difference_pt < 0]
    same = [(b, c) for b, c in sorted(comparisons.items()) if not c.exceeds]
    parts = [
        f"{word} beyond noise at " + ", ".join(f"{b} bits ({c.text()})" for b, c in group)
        for word, group in ((higher, up), (lower, down))
        if group
    ]
    if same:
        largest = max((c for _, c in same), key=lambda c: abs(c.difference_pt))
        parts.append(f"within noise at {bit_list([b for b, _ in same])} (largest difference {largest.text()})")
    return "; ".join(parts)


def task1b_text(
    ranges: dict | None,
    clipping: dict[str, dict[int, Comparison]],
    records: list[StudyRecord],
    fp32: float,
    four_bits: dict[str, float],
    versus,
) -> str:
    """Task 1b from the per-layer range data (``compress.study.weight_ranges``) and the study;
    ``versus(a, b, label)`` is the section's recorded noise comparison."""

    def pct(value: float) -> str:
        return f"{100 * value:.2f} %"

    where = (
        "Against the full range, the more accurate of the two clipped ranges is, for the symmetric scheme, "
        + verdict_groups(clipping["symmetric"], "better", "worse")
        + "; for the asymmetric scheme, "
        + verdict_groups(clipping["asymmetric"], "better", "worse")
        + "."
    )
    g4s, p4, m4 = four_bits["full"], four_bits["percentile"], four_bits["mse"]
    p4c = versus(p4, g4s, "symmetric/global, 4 bits: p99.9 vs full")
    m4c = versus(m4, g4s, "symmetric/global, 4 bits: MSE vs full")
    four = (
        f"At 4 bits (symmetric, global): {pct(g4s)} with the full range, {pct(p4)} with the percentile clip "
        f"({p4c.text()}) and {pct(m4)} with the MSE clip ({m4c.text()})"
    )
    if any(c.exceeds and c.difference_pt > 0 for c in (p4c, m4c)):
        four += ": there a finer step for fc1's many small weights is worth more than conv1's clipped tails."
    elif any(c.exceeds for c in (p4c, m4c)):
        four += ": there conv1's clipped tails cost more than a finer step for fc1's small weights gains."
    else:
        four += ": at this width the finer step and the clipped tails balance, within noise."
    if not ranges:
        return f"**Task 1b (clipped range).** {four} {where}"
    layers = ranges["layers"]
    total = ranges["weights"]
    biggest = max(layers, key=lambda n: layers[n]["weights"])
    clip_p, clip_m = ranges["global_percentile_clip"], ranges["global_mse_clip"]
    cut = "; ".join(
        f"{name} {100 * layer['clipped_by_percentile']:.1f} % / {100 * layer['clipped_by_mse']:.1f} % "
        f"(largest |w| {layer['max_abs']:.2f})"
        for name, layer in layers.items()
    )
    plateau = {
        scheme: [
            100 * r.accuracy
            for r in records
            if r.bits >= 5 and matches(r, {"scheme": scheme, "granularity": "global", "range": "percentile"})
        ]
        for scheme in ("symmetric", "asymmetric")
    }
    plateau_text = " and ".join(f"{min(v):.1f}-{max(v):.1f} % ({scheme})" for scheme, v in plateau.items() if v)
    highest = max((v for values in plateau.values() for v in values), default=None)
    if highest is None:
        plateau_sentence = ""
    else:
        top = versus(highest / 100, fp32, "percentile clip, 5 bits and up: highest row vs FP32")
        plateau_sentence = (
            f"so clipping conv1 is what costs: from 5 bits up the percentile rows stay on a plateau, {plateau_text}, "
            f"under FP32 even at their highest ({top.text()}), whatever the width, because the clipped weights stay "
            "clipped; more bits only refine the weights inside the range."
            if top.exceeds and top.difference_pt < 0
            else f"yet from 5 bits up the percentile rows stay on a plateau, {plateau_text}, whose highest is within "
            f"noise of FP32 ({top.text()}): at these widths the clipped tails cost nothing measurable."
        )
    return f"""**Task 1b (clipped range).** One global range serves four layers whose weights differ in
scale (figure below). The {ranges["percentile"]:g}th percentile of |w| over all {total:,} weights is
**{clip_p:.2f}**, set by {biggest} ({layers[biggest]["weights"]:,} of them), while conv1's weights reach
**{layers["conv1"]["max_abs"]:.2f}**; the MSE-optimal symmetric clip at {ranges["bits"]} bits is {clip_m:.2f}.
Fraction of each layer's weights cut by the percentile / MSE clip: {cut}. conv1 has few weights
and every pixel passes through them, {plateau_sentence} {four} {where} The MSE clip minimizes the squared
error summed over all weights, which fc1 dominates, so it clips the small layers hardest. Per-layer ranges
(Task 1c) remove the conflict: each layer keeps its own largest weights.
"""


def sweep_text(sweep: list[StudyRecord], records: list[StudyRecord], versus) -> tuple[list[list[str]], str]:
    """Task 1b's sweep of the clip (``compress.study.percentile_sweep``): the table's rows (one
    global range, then one per layer: full, each percentile, MSE; accuracies in %) and the prose,
    each comparison judged by ``versus(a, b, label)``, the section's recorded noise comparison."""
    bits = sorted({r.bits for r in sweep})
    percentiles = sorted({r.percentile for r in sweep if r.percentile is not None})
    rows, parts = [], []
    for granularity in ("global", "layer"):

        def accuracy(clip: str, b: int, granularity: str = granularity) -> float | None:
            if clip in ("full", "mse"):
                found = [r for r in records if matches(r, {"scheme": "symmetric", "granularity": granularity,
                                                           "range": clip, "bits": b})]  # fmt: skip
            else:
                found = [
                    r for r in sweep if r.granularity == granularity and r.bits == b and f"p{r.percentile:g}" == clip
                ]
            return found[0].accuracy if found else None

        clips = ["full", *(f"p{p:g}" for p in percentiles), "mse"]
        for clip in clips:
            values = [accuracy(clip, b) for b in bits]
            rows.append([f"{granularity} / {clip}"] + ["-" if v is None else f"{100 * v:.2f}" for v in values])
        best, against_full = {}, {}
        for b in bits:
            measured = {f"p{p:g}": accuracy(f"p{p:g}", b) for p in percentiles}
            clip, value = max(((c, v) for c, v in measured.items() if v is not None), key=lambda item: item[1])
            best[b] = clip
            full = accuracy("full", b)
            if full is not None and value is not None:
                against_full[b] = versus(
                    value, full, f"symmetric/{granularity}, {b} bits: best percentile ({clip}) vs full"
                )
        winners = ", ".join(f"{clip} at {b} bits" for b, clip in best.items())
        parts.append(
            f"With {'one global range' if granularity == 'global' else 'one range per layer'}, the most accurate "
            f"percentile is {winners}; against the full range it is {verdict_groups(against_full, 'better', 'worse')}."
        )
    four = {
        g: max((r for r in sweep if r.granularity == g and r.bits == 4), key=lambda r: r.accuracy, default=None)
        for g in ("global", "layer")
    }
    if four["global"] and four["layer"]:
        layer, glob = four["layer"], four["global"]
        gap = versus(layer.accuracy, glob.accuracy, "symmetric, 4 bits: best per-layer clip vs best global clip")
        parts.append(
            f"At 4 bits the best per-layer clip (p{layer.percentile:g}, {100 * layer.accuracy:.2f} %) against the best "
            f"global one (p{glob.percentile:g}, {100 * glob.accuracy:.2f} %): {gap.text()}. A per-layer clip cuts only "
            "each layer's own rare large weights, so no layer's step is set by another's tails."
        )
    return rows, " ".join(parts)


def falling_rows(records: list[StudyRecord], n: int) -> list[tuple[StudyRecord, StudyRecord]]:
    """Weight-only rows of one range or one per layer whose accuracy falls beyond noise from one
    studied width to the next wider one: the (narrower, wider) records."""
    rows: dict[str, list[StudyRecord]] = defaultdict(list)
    for r in records:
        if r.activations is None and r.granularity in ("global", "layer"):
            rows[r.label].append(r)
    found = []
    for row in rows.values():
        row.sort(key=lambda r: r.bits)
        for narrow, wide in zip(row, row[1:]):
            c = compare(wide.accuracy, narrow.accuracy, n)
            if c.exceeds and c.difference_pt < 0:
                found.append((narrow, wide))
    return found


def falling_text(falls: list[tuple[StudyRecord, StudyRecord]], diagnostics: list[dict], versus) -> str:
    """Each row that falls with more bits, with what its quantizer does to each layer at those
    widths (``compress.study.row_diagnostics``, keyed by the width as text)."""
    if not falls:
        return "*Rows that fall with more bits.* None: no row falls beyond noise from one width to the next."
    parts = []
    for (narrow, wide), found in zip(falls, diagnostics):
        c = versus(wide.accuracy, narrow.accuracy, f"{wide.label}: {wide.bits} vs {narrow.bits} bits")
        widths = sorted(found, key=int)
        layers = list(found[widths[0]])
        header = ["layer"] + [f"{w} bits: outside (%) / shift" for w in widths]
        rows = [
            [name] + [f"{100 * found[w][name]['outside']:.1f} / {found[w][name]['summed_error']:+.2f}" for w in widths]
            for name in layers
        ]
        zero = "; ".join(
            f"at {w} bits {found[w][layers[0]]['real_zero_point']:.2f} rounds to {found[w][layers[0]]['zero_point']} "
            f"(codes for [{found[w][layers[0]]['low']:.3f}, {found[w][layers[0]]['high']:.3f}])"
            for w in widths
        )
        shifts = {w: max(abs(found[w][name]["summed_error"]) for name in layers) for w in widths}
        worst = max(widths, key=shifts.__getitem__)
        layer = max(layers, key=lambda name: abs(found[worst][name]["summed_error"]))
        if int(worst) == wide.bits:
            moved = {
                w: found[w][layers[0]]["zero_point"] - found[w][layers[0]]["real_zero_point"]
                for w in (str(narrow.bits), worst)
            }
            direction = " and ".join(
                f"{'up' if moved[w] > 0 else 'down'} by {abs(moved[w]):.2f} of a step at {w} bits" for w in moved
            )
            cause = (
                f"The fall coincides with the row's largest systematic shift: at {wide.bits} bits {layer}'s "
                f"pre-activations move by {found[worst][layer]['summed_error']:+.2f} on average (in units of its "
                f"inputs), against {found[str(narrow.bits)][layer]['summed_error']:+.2f} at {narrow.bits} bits. "
                "An integer zero point keeps 0 exact but moves the codes' interval by up to half a step; the side "
                "it shortens clips more of its tail, a layer's errors no longer cancel, and each output shifts by "
                f"their sum. Here the zero point rounds {direction}, and the shifts follow it."
            )
        else:
            cause = (
                f"The largest systematic shift of the row is at {worst} bits, not at {wide.bits}: the shifts and the "
                "clipped tails do not single out the width where it falls."
            )
        scope = "one range for all layers" if wide.granularity == "global" else "one range per layer"
        whose = "its" if wide.granularity == "global" else f"{layers[0]}'s"  # one per layer: the first's
        parts.append(
            f"*Why {wide.label} falls from {narrow.bits} to {wide.bits} bits* ({100 * narrow.accuracy:.2f} -> "
            f"{100 * wide.accuracy:.2f} %, {c.text()}). It is {wide.scheme} with {scope}; {whose} real zero point "
            f"{zero}. Per layer, the weights outside the codes' interval and the quantization error summed "
            f"over one output's inputs (mean over the outputs):\n\n{markdown_table(header, rows)}\n\n{cause}"
        )
    return "\n\n".join(parts)
