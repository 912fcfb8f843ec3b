"""Structured pruning: channel selection, masks kept through fine-tuning, exact compaction."""

import copy

import numpy as np
import pytest
import torch

from compress.data import Split
from compress.model import Architecture, MyConvNet
from compress.prune import (
    apply_masks,
    channel_scores,
    check_masks,
    compact,
    compose_kept,
    fine_tune_masked,
    select_masks,
    sensitivity,
)
from compress.prune_spec import PruneSpec
from compress.train import TrainConfig, train

pytestmark = pytest.mark.usefixtures("one_torch_thread")


TINY = Architecture(conv_channels=(6, 8), fc_hidden=(12,))
COMPACTION_TOLERANCE = 1e-5  # float32 sums over fewer (all non-zero) terms, in another order


def tiny_model(seed: int = 0) -> MyConvNet:
    torch.manual_seed(seed)
    return MyConvNet(TINY)


def tiny_split(count: int = 64, seed: int = 0) -> Split:
    rng = np.random.default_rng(seed)
    return Split(rng.integers(0, 256, (count, 1, 28, 28), dtype=np.uint8), rng.integers(0, 10, count), ())


def outputs(model: MyConvNet, images: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(images)


SPECS = [
    PruneSpec(target="filter", fractions=(0.5,)),
    PruneSpec(target="channel", criterion="l2", fractions=(0.25, 0.5, 0.75)),
    PruneSpec(target="filter", scope="global", fractions=(0.4,)),
    PruneSpec(target="channel", scope="global", fractions=(0.6,), multiple=4),
    PruneSpec(target="filter", threshold=1.0),
    PruneSpec(target="channel", scope="global", threshold=0.05),
]


@pytest.mark.parametrize(
    "spec", SPECS, ids=lambda s: f"{s.target}-{s.criterion}-{s.scope}-{'f' if s.fractions else 't'}-m{s.multiple}"
)
def test_compacted_model_equals_masked_model(spec):
    model = tiny_model()
    masks = select_masks(model, spec)
    masked = copy.deepcopy(model)
    apply_masks(masked, masks)
    small = compact(model, masks)
    assert small.arch.conv_channels == tuple(int(m.sum()) for m in masks[:2])
    assert small.arch.fc_hidden == (int(masks[2].sum()),)
    images = torch.rand(16, 1, 28, 28)
    assert (outputs(masked, images) - outputs(small, images)).abs().max() <= COMPACTION_TOLERANCE


def test_filter_wise_keeps_the_filters_with_the_largest_mean_magnitude():
    model = tiny_model()
    with torch.no_grad():
        for c in range(6):
            model.convs[0].weight[c] = 0.01 * (c + 1) * torch.sign(torch.randn(1, 3, 3))
    masks = select_masks(model, PruneSpec(fractions=(0.5, 0.0, 0.0)))
    np.testing.assert_array_equal(masks[0], [False, False, False, True, True, True])
    assert masks[1].all() and masks[2].all()
    np.testing.assert_allclose(channel_scores(model, "filter", "l1")[0], 0.01 * np.arange(1, 7), rtol=1e-6)


def test_channel_wise_scores_a_channel_by_the_next_layers_inputs():
    model = tiny_model()
    with torch.no_grad():
        model.fcs[0].weight.zero_()
        model.fcs[0].weight[:, 3 * 49 : 4 * 49] = 1.0  # conv2 channel 3 feeds a block of 7x7 inputs
    scores = channel_scores(model, "channel", "l2")[1]
    assert scores.argmax() == 3 and scores[3] == pytest.approx(1.0) and np.count_nonzero(scores) == 1
    masks = select_masks(model, PruneSpec(target="channel", fractions=(0.0, 0.875, 0.0)))
    np.testing.assert_array_equal(np.flatnonzero(masks[1]), [3])


def test_fraction_threshold_and_multiple_set_the_kept_counts():
    model = tiny_model()
    kept = lambda spec: [int(m.sum()) for m in select_masks(model, spec)]  # noqa: E731
    assert kept(PruneSpec(fractions=(0.5,))) == [3, 4, 6]
    assert kept(PruneSpec(fractions=(0.5,), multiple=4)) == [4, 4, 8]
    assert sum(kept(PruneSpec(scope="global", fractions=(0.5,)))) == 26 - 13
    assert kept(PruneSpec(threshold=0.0)) == [6, 8, 12]
    assert kept(PruneSpec(threshold=1e9)) == [1, 1, 1]  # at least one channel always stays
    scores = channel_scores(model)
    layer = kept(PruneSpec(threshold=1.0))
    assert layer == [int((s >= s.mean()).sum()) for s in scores]


def test_masks_stay_enforced_through_fine_tuning():
    model = tiny_model()
    masks = select_masks(model, PruneSpec(fractions=(0.5,)))
    fine_tune_masked(model, masks, tiny_split(), TrainConfig(epochs=1, batch_size=16), progress=False)
    assert (model.convs[0].weight[torch.from_numpy(~masks[0])] == 0).all()
    assert (model.convs[1].weight[:, torch.from_numpy(~masks[0])] == 0).all()
    assert (model.fcs[1].weight[:, torch.from_numpy(~masks[2])] == 0).all()
    images = torch.rand(8, 1, 28, 28)
    assert (outputs(model, images) - outputs(compact(model, masks), images)).abs().max() <= COMPACTION_TOLERANCE


def test_fine_tuning_the_compacted_net_equals_fine_tuning_the_masked_net():
    model = tiny_model()
    masks = select_masks(model, PruneSpec(fractions=(0.5,)))
    masked = copy.deepcopy(model)
    small = compact(model, masks)
    config = TrainConfig(epochs=1, batch_size=16, seed=3)
    fine_tune_masked(masked, masks, tiny_split(), config, progress=False)
    train(small, tiny_split(), config, progress=False)
    images = torch.rand(8, 1, 28, 28)
    # Adam is elementwise and pruned weights get zero gradients: only summation order differs.
    assert (outputs(compact(masked, masks), images) - outputs(small, images)).abs().max() <= 1e-4


def test_sensitivity_gives_one_curve_per_width_and_fraction_zero_changes_nothing():
    model = tiny_model()
    split = tiny_split(32)
    curves = sensitivity(model, split, fractions=(0.0, 0.5), target="channel")
    assert list(curves) == ["conv1", "conv2", "fc1"]
    from compress.train import accuracy

    assert all(len(c) == 2 and c[0] == accuracy(model, split) for c in curves.values())


def test_compose_kept_maps_back_to_the_original_channels():
    first = [np.array([0, 2, 5]), np.arange(4)]
    again = compose_kept(first, [np.array([True, False, True]), np.array([False, True, True, False])])
    np.testing.assert_array_equal(again[0], [0, 5])
    np.testing.assert_array_equal(again[1], [1, 2])


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: PruneSpec(), ValueError, "give exactly one of them"),
        (lambda: PruneSpec(fractions=(0.5,), threshold=1.0), ValueError, "give exactly one of them"),
        (lambda: PruneSpec(fractions=(1.0,)), ValueError, "fractions[0]=1.0 is out of range"),
        (lambda: PruneSpec(fractions=(-0.1,)), ValueError, "expected a float in [0, 1)"),
        (lambda: PruneSpec(fractions=()), ValueError, "is empty"),
        (lambda: PruneSpec(fractions=(0.1, 0.2), scope="global"), ValueError, "global pruning takes one fraction"),
        (lambda: PruneSpec(threshold=-1.0), ValueError, "threshold=-1.0 is out of range"),
        (lambda: PruneSpec(threshold=1.0, target="row"), ValueError, "target='row' is not one of"),
        (lambda: PruneSpec(threshold=1.0, criterion="l3"), ValueError, "criterion='l3'"),
        (lambda: PruneSpec(threshold=1.0, multiple=0), ValueError, "multiple=0 is out of range"),
        (lambda: select_masks(tiny_model(), PruneSpec(fractions=(0.1, 0.2))), ValueError, "2 entries for 3"),
        (lambda: check_masks(TINY, [np.ones(6, bool)]), ValueError, "1 masks for 3"),
        (
            lambda: check_masks(TINY, [np.ones(5, bool), np.ones(8, bool), np.ones(12, bool)]),
            ValueError,
            "expected (6,) bool",
        ),
        (
            lambda: check_masks(TINY, [np.ones(6, bool), np.zeros(8, bool), np.ones(12, bool)]),
            ValueError,
            "keeps no channel",
        ),
        (lambda: compose_kept([np.arange(3)], []), ValueError, "1 index arrays for 0 masks"),
    ],
    ids=[
        "no-selection",
        "both-selections",
        "fraction-one",
        "negative-fraction",
        "empty-fractions",
        "global-several",
        "negative-threshold",
        "bad-target",
        "bad-criterion",
        "multiple-zero",
        "fraction-count",
        "mask-count",
        "mask-shape",
        "empty-mask",
        "compose-lengths",
    ],
)
def test_bad_input_is_refused(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
