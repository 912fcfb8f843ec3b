"""The prose of the fixed-budget study: which model each method qualifies, and the loss checks."""

from reports.budget_text import equal_budget_text, methods_text, qualifying


def method(rule: str, how: str, level: float, size: float, val: float, test: float) -> dict:
    spec = {"fractions": [level] if how == "fraction" else None, "threshold": level if how == "threshold" else None}
    return {
        "study": "method",
        "label": f"{rule} / {how} {level:g}",
        "target": rule,
        "spec": spec,
        "kept": {"conv1": 8, "conv2": 16, "fc1": 128},
        "weight_bits": [32] * 4,
        "size_kb": size,
        "val_accuracy": val,
        "test_accuracy": test,
    }


def study(points: list[dict]) -> dict:
    return {"config": {"test_images": 10_000, "epochs": 3}, "points": points}


def test_the_validation_decides_which_model_qualifies():
    points = [
        method("filter", "fraction", 0.5, 400.0, 0.87, 0.90),
        method("filter", "fraction", 0.75, 100.0, 0.859, 0.9),
    ]
    assert qualifying(points, 0.86)["size_kb"] == 400.0  # the smaller one misses on validation, whatever its test


def test_methods_text_names_each_rules_smallest_qualifying_model_per_method():
    points = [
        method("filter", "fraction", 0.5, 400.0, 0.90, 0.89),
        method("filter", "fraction", 0.75, 100.0, 0.87, 0.86),
        method("filter", "threshold", 1.0, 300.0, 0.88, 0.87),
        method("filter", "threshold", 1.25, 50.0, 0.80, 0.79),
        method("channel", "fraction", 0.5, 400.0, 0.90, 0.89),
    ]
    text, comparisons = methods_text(study(points), 0.85, 0.01, {"size_kb": 5.4})
    assert "100.0 KB by fraction" in text and "300.0 KB by threshold" in text
    assert "the fraction method's is smaller" in text
    assert "channel-wise, no threshold level qualifies" in text
    assert len(comparisons) == 1 and comparisons[0].text() in text
    assert "reached 5.4 KB, below the one-shot methods' smallest (100.0 KB)" in text
    assert "filter-wise at threshold 1.25 the widths keep 8/16/128" in text  # the highest threshold's


def test_equal_budget_text_checks_each_structure_against_its_loss():
    curves = {"pruning": [{"test_accuracy": 0.92}]}
    points = [
        {"study": "budget", "label": "pruning / 1 pt", "kept": {"a": 1}, "weight_bits": [32], "size_kb": 50.0,
         "test_accuracy": 0.915},
        {"study": "budget", "label": "quantization / 1 pt", "kept": {"a": 2}, "weight_bits": [4], "size_kb": 80.0,
         "test_accuracy": 0.905},
    ]  # fmt: skip
    text, comparisons = equal_budget_text(study(points), curves)
    assert "| 1 | pruning | 1 | fp32 | 50.0 | 91.50 | meets" in text
    assert "| 1 | quantization | 2 | 4 | 80.0 | 90.50 | misses" in text
    assert "at 1 point, pruning alone 50.0 KB and quantization alone misses it: pruning is the more effective" in text
    assert [c.exceeds for c in comparisons] == [False, False]  # 0.5 pt either way on 10,000 images
