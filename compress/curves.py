"""Reading the search's measured walks (``search_curves.json``): the smallest point of a walk
within an accuracy loss of the FP32 start, as Task 2b compares the techniques. No torch: the
report's prose uses it too."""

from __future__ import annotations

LOSSES_PT = (1.0, 2.0, 5.0)  # the accuracy losses (points below the FP32 start) Task 2b compares at
TECHNIQUES = ("pruning", "quantization", "combined")  # the search's walks, by the curves' names


def smallest_within(points: list[dict], reference: float, loss_pt: float) -> dict | None:
    """The smallest point whose test accuracy is at most ``loss_pt`` below ``reference``."""
    ok = [p for p in points if p["test_accuracy"] is not None and 100 * (reference - p["test_accuracy"]) <= loss_pt]
    return min(ok, key=lambda p: p["size_kb"]) if ok else None
