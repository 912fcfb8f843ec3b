"""The report's size-bound sentence: which models exceed their bound, and why the next smaller state lost."""

from reports.pruning_text import bounds_text

CONFIG = {"margin": 0.01, "refine": 2}


def point(size_kb, val, action):
    return {"size_kb": size_kb, "val_accuracy": val, "action": action}


# the walk qualifies (>= 0.86 unpolished) down to 2 KB; the bisection reaches the next 2 states
CURVES = {
    "combined": [
        point(4.0, 0.90, "a"),
        point(2.0, 0.87, "b"),
        point(1.5, 0.84, "c"),
        point(1.2, 0.83, "d"),
        point(0.9, 0.80, "e"),
    ]
}


def test_a_model_within_its_bound_is_not_mentioned():
    models = {"search_85": {"size_kb": 1.5, "target": 0.85}}
    assert bounds_text(models, CURVES, {"search_85": 1.5}, CONFIG) == ""


def test_the_next_smaller_state_fell_short_when_bisected_else_lies_beyond_reach():
    inside = bounds_text({"search_85": {"size_kb": 1.5, "target": 0.85}}, CURVES, {"search_85": 1.0}, CONFIG)
    assert "search_85 is 1.500 KB against 1 KB" in inside
    assert '1.200 KB after "d", fell short once fine-tuned' in inside
    beyond = bounds_text({"search_85": {"size_kb": 1.2, "target": 0.85}}, CURVES, {"search_85": 1.0}, CONFIG)
    assert '0.900 KB after "e", lies beyond the states bisected' in beyond
