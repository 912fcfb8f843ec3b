"""The report's size-bound sentence: which models exceed their bound, and the nearest smaller state that fell short."""

from reports.pruning_text import bounds_text, continued_text

CONFIG = {"refine": 16, "trim": 0, "trim_retries": 0}


def tried(size_kb, val, action, qualified):
    return {"size_kb": size_kb, "val_accuracy": val, "action": action, "qualified": qualified}


# the bisection's states, then a trim step: the 1.5 KB trim qualified, the 1.2 and 0.9 KB states did not
TRIED = [
    tried(1.2, 0.84, "prune fc1 12->9 (filter-wise l1); fine-tuned", False),
    tried(2.0, 0.87, "prune conv1 4->3 (channel-wise l1); fine-tuned", True),
    tried(0.9, 0.80, "x; fine-tuned", False),
    tried(1.5, 0.865, "prune conv1 4->3 (channel-wise l1); fine-tuned; trim: fc1 weights 4->3 bits; fine-tuned", True),
]


def model(size_kb, tried_states):
    return {"search_85": {"size_kb": size_kb, "target": 0.85, "val_goal": 0.86, "tried": tried_states}}


def test_a_model_within_its_bound_is_not_mentioned():
    assert bounds_text(model(1.5, TRIED), {"search_85": 1.5}, CONFIG) == ""


def test_the_nearest_smaller_state_that_fell_short_is_named_with_its_last_step_and_accuracy():
    text = bounds_text(model(1.5, TRIED), {"search_85": 1.0}, CONFIG)
    assert "search_85 is 1.500 KB against 1 KB" in text
    assert '1.200 KB after "prune fc1 12->9 (filter-wise l1)", reached 84.00 % on validation' in text
    assert "short of the 86 % needed" in text and "not trimmed" in text
    trimmed = [
        *TRIED,
        tried(1.4, 0.85, TRIED[-1]["action"] + "; trim: prune fc1 9->8 (filter-wise l1); fine-tuned", False),
    ]
    text = bounds_text(model(1.5, trimmed), {"search_85": 1.0}, CONFIG | {"trim": 2})
    assert '1.400 KB after "prune fc1 9->8 (filter-wise l1)"' in text
    assert "up to 2 single steps" in text and "stops when a step falls short" in text and "next best" not in text
    text = bounds_text(model(1.5, trimmed), {"search_85": 1.0}, CONFIG | {"trim": 2, "trim_retries": 3})
    assert "up to 3 of them) stops when a step and its 3 next best all fall short" in text
    assert "one of its models exceeds its bound: search_85" in text
    two = model(1.5, TRIED) | {"search_90": model(1.5, TRIED)["search_85"]}
    assert "2 of its models exceed their bound" in bounds_text(two, {"search_85": 1.0, "search_90": 1.0}, CONFIG)


def test_a_model_whose_choice_tried_nothing_smaller_says_so():
    text = bounds_text(model(2.0, TRIED[1:2]), {"search_85": 1.0}, CONFIG)
    assert "(no smaller state was fine-tuned)" in text


def test_a_continued_trim_that_kept_nothing_says_the_model_is_unchanged():
    start = {"size_kb": 1.5, "val_accuracy": 0.87, "test_accuracy": 0.86}
    entry = {"trim": 2, "trim_retries": 1, "final_epochs": 20, "learned_steps": False, "seconds": 600.0,
             "start": start, "tried": [TRIED[0], TRIED[2]]}  # fmt: skip
    text = continued_text({"search_85": {"trims": [entry]}, "search_80": {"trims": []}})
    assert "search_85 was then trimmed further by `cnnacc trim search_85`" in text and "search_80" not in text
    assert "none of the 2 steps it fine-tuned qualified, so the model is unchanged" in text
    assert "re-observing the weight ranges" in text and "in 10 minutes" in text
    assert continued_text({"search_85": {"trims": []}}) == ""
