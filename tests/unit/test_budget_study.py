"""The fixed-budget study of Step 2: the points it builds and how it measures one."""

import numpy as np
import pytest
import torch

from compress.budget_study import FRACTIONS, THRESHOLDS, budget_points, measure_point, method_points, top_masks
from compress.curves import LOSSES_PT, smallest_within
from compress.model import Architecture, MyConvNet
from compress.prune import channel_scores
from compress.search import SearchConfig
from compress.search_steps import split_data
from compress.size import model_size_kb
from tests.unit.tiny_search import SMALL_CONFIG, TINY, tiny_split

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def point(size_kb: float, accuracy: float, channels=(4, 8), hidden=(16,), bits=(32, 32, 32, 32)) -> dict:
    return {
        "size_kb": size_kb,
        "test_accuracy": accuracy,
        "conv_channels": list(channels),
        "fc_hidden": list(hidden),
        "weight_bits": list(bits),
    }


def test_method_points_cover_both_targets_by_fraction_and_threshold():
    points = method_points(4)
    assert len(points) == 2 * (len(FRACTIONS) + len(THRESHOLDS))
    assert {p.target for p in points} == {"filter", "channel"}
    assert sum(p.spec.threshold is not None for p in points) == 2 * len(THRESHOLDS)
    assert all(p.bits == (32, 32, 32, 32) and p.kept is None for p in points)


def test_budget_points_take_the_smallest_walk_point_within_each_loss():
    start = point(100.0, 0.92)
    curves = {
        "pruning": [start, point(50.0, 0.915, (4, 6)), point(20.0, 0.901, (2, 4)), point(5.0, 0.80, (1, 1))],
        "quantization": [start, point(25.0, 0.918, bits=(8, 8, 8, 8))],
        "combined": [],
    }
    assert smallest_within(curves["pruning"], 0.92, 1.0)["size_kb"] == 50.0
    assert smallest_within(curves["pruning"], 0.92, 2.0)["size_kb"] == 20.0
    points = {p.label: p for p in budget_points(curves)}
    assert points["pruning / 1 pt"].kept == (4, 6, 16)
    assert points["pruning / 5 pt"].kept == (2, 4, 16)  # 0.80 is 12 points below: out
    assert points["quantization / 1 pt"].bits == (8, 8, 8, 8)
    assert not any(label.startswith("combined") for label in points)  # an empty walk has no point
    assert len(points) == 2 * len(LOSSES_PT)


def test_top_masks_keep_the_best_scoring_channels_and_refuse_counts_that_do_not_fit():
    torch.manual_seed(0)
    model = MyConvNet(TINY)
    masks = top_masks(model, (2, 3, 5), "filter", "l1")
    assert [int(m.sum()) for m in masks] == [2, 3, 5]
    for mask, score in zip(masks, channel_scores(model, "filter", "l1")):
        assert score[mask].min() >= score[~mask].max()
    with pytest.raises(ValueError, match=r"kept=\(0, 3, 5\)"):
        top_masks(model, (0, 3, 5), "filter", "l1")
    with pytest.raises(ValueError, match="does not fit"):
        top_masks(model, (2, 3), "filter", "l1")


def test_measure_point_builds_trains_and_measures_at_the_points_bits():
    data = split_data(tiny_split(600, 0), tiny_split(200, 1), SearchConfig(**SMALL_CONFIG))
    config = SearchConfig(**SMALL_CONFIG)
    torch.manual_seed(0)
    baseline = MyConvNet(TINY)
    pruned = next(p for p in method_points(4) if p.label == "filter / fraction 0.5")
    result = measure_point(baseline, data, config, 1, pruned)
    assert result["kept"] == {"conv1": 2, "conv2": 4, "fc1": 8}
    assert result["size_kb"] == pytest.approx(model_size_kb(Architecture(conv_channels=(2, 4), fc_hidden=(8,))))
    assert 0.0 <= result["val_accuracy"] <= 1.0 and result["test_accuracy"] is not None
    quantized = budget_points({"pruning": [point(1.0, 0.5)], "quantization": [point(0.5, 0.5, bits=(4, 4, 4, 4))]})
    four = next(p for p in quantized if p.label == "quantization / 1 pt")
    result = measure_point(baseline, data, config, 1, four)
    assert result["weight_bits"] == [4, 4, 4, 4] and result["kept"] == {"conv1": 4, "conv2": 8, "fc1": 16}
    whole = Architecture(conv_channels=(4, 8), fc_hidden=(16,))
    assert result["size_kb"] == pytest.approx(model_size_kb(whole, [4, 4, 4, 4]))
    assert torch.get_num_threads() == 1 and np.isfinite(result["train_seconds"])
