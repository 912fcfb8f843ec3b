"""The search: held-out splits, greedy walks, choices (its quantizers: test_qat.py)."""

import platform

import numpy as np
import pytest
import torch

from compress.model import Architecture, MyConvNet
from compress.observe import QuantSpec
from compress.prune import hidden_widths
from compress.quantize import build_integer_network, integer_predict
from compress.search import (
    SearchConfig,
    choose,
    first_qualifying,
    run_search,
    trim,
    walk_actions,
)
from compress.search_steps import (
    State,
    candidates,
    evaluate,
    lower_bits,
    prune_width,
    split_data,
    walk,
)
from compress.size import model_size_kb
from compress.train import keep_freed_memory
from simulator.explore.tasks import TaskRun
from tests.unit.tiny_search import SMALL_CONFIG, TINY, start_state, tiny_split

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_validation_slice_is_held_out_and_seeded(tiny_data):
    again = split_data(tiny_split(600, 0), None, SearchConfig(**SMALL_CONFIG))
    assert len(tiny_data.validation) == 120 and len(tiny_data.train) == 480 and len(tiny_data.ranking) == 100
    np.testing.assert_array_equal(again.validation.images, tiny_data.validation.images)
    np.testing.assert_array_equal(again.calibration, tiny_data.calibration)
    train_rows = {row.tobytes() for row in tiny_data.train.images}
    assert not any(row.tobytes() in train_rows for row in tiny_data.validation.images)
    assert all(row.tobytes() in train_rows for row in tiny_data.calibration)


def test_evaluate_uses_the_exact_integer_network_when_quantized(tiny_data):
    state = start_state()
    bits = (8, 6, 4, 3)
    net = build_integer_network(
        state.model,
        tiny_data.calibration,
        activation_spec=QuantSpec(bits=8),
        weight_spec=[QuantSpec(bits=b, range="mse") for b in bits],
    )
    expected = float((integer_predict(net, tiny_data.validation) == tiny_data.validation.labels).mean())
    assert evaluate(state.model, bits, tiny_data.validation, tiny_data.calibration, "mse") == expected
    with pytest.raises(ValueError, match="mixes float and integer layers"):
        evaluate(state.model, (32, 8, 8, 8), tiny_data.validation, tiny_data.calibration, "mse")


def test_actions_shrink_the_model_and_track_the_kept_channels():
    config = SearchConfig(**SMALL_CONFIG)
    state = start_state((8, 8, 8, 8))
    pruned = prune_width(state, 2, "filter", config)
    assert pruned.model.arch.fc_hidden == (12,) and len(pruned.kept[2]) == 12 and pruned.bits == state.bits
    assert set(pruned.kept[2]) < set(range(16)) and pruned.size_kb < state.size_kb
    lowered = lower_bits(state, 2, config)
    assert lowered.bits == (8, 8, 6, 8) and lowered.model is state.model
    assert lower_bits(State(state.model, (8, 8, 2, 8), state.kept), 2, config) is None
    assert len(candidates(state, ("prune", "bits"), config)) == 3 * 2 + 4
    assert len(candidates(start_state(), ("prune",), config)) == 3 * 2
    multiple = prune_width(state, 1, "channel", SearchConfig(**SMALL_CONFIG, multiple=4))
    assert multiple.model.arch.conv_channels == (4, 4)
    assert prune_width(multiple, 1, "channel", SearchConfig(**SMALL_CONFIG, multiple=4)) is None


def test_walk_is_deterministic_and_every_step_saves_size(tiny_data):
    config = SearchConfig(**SMALL_CONFIG)
    paths = [
        walk(start_state((8, 8, 8, 8)), ("prune", "bits"), 0.0, tiny_data, config, label="t", progress=False)
        for _ in range(2)
    ]
    records = [[s.record for s in path] for path in paths]
    assert records[0] == records[1] and len(records[0]) == 3
    sizes = [r["size_kb"] for r in records[0]]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3
    assert all(r["test_accuracy"] is not None for r in records[0])


def test_a_step_below_the_floor_gives_way_to_the_next_best_actions(tiny_data, monkeypatch):
    import compress.search_steps as steps

    tuned = []
    real = steps.fine_tune
    monkeypatch.setattr(steps, "fine_tune", lambda *args, **kwargs: tuned.append(1) or real(*args, **kwargs))
    configs = {retries: SearchConfig(**SMALL_CONFIG, retries=retries) for retries in (0, 2)}
    start = start_state((8, 8, 8, 8))
    paths = {
        retries: walk(start, ("prune", "bits"), 1.01, tiny_data, config, label="t", progress=False)
        for retries, config in configs.items()
    }
    # an unreachable floor: the best action, then it and the two next best, all fall below it
    assert [len(path) for path in paths.values()] == [2, 2] and len(tuned) == 1 + 3
    assert paths[0][-1].action != paths[2][-1].action


def fake_path(accuracies_by_size):
    path = []
    for fc_hidden, val in accuracies_by_size:
        torch.manual_seed(0)
        state = State(MyConvNet(Architecture(conv_channels=(4, 8), fc_hidden=(fc_hidden,))), (32,) * 4, [], "s")
        state.record = {"step": 0, "val_accuracy": val}
        path.append(state)
    return path


def test_choose_takes_the_smallest_state_beating_the_target_plus_margin(tiny_data):
    config = SearchConfig(**SMALL_CONFIG, refine=0, margin=0.01)
    path = fake_path([(16, 0.95), (12, 0.92), (8, 0.905), (4, 0.6)])
    chosen = choose(path, 0.9, tiny_data, config, progress=False)
    assert chosen.model.arch.fc_hidden == (12,)  # 8 neurons give 0.905 < 0.9 + 0.01
    assert chosen.record["val_accuracy"] == evaluate(chosen.model, chosen.bits, tiny_data.validation, None, "mse")
    assert choose(path, 0.95, tiny_data, config, progress=False) is None


def test_choose_refines_with_the_next_smaller_state_when_longer_training_lifts_it(tiny_data):
    config = SearchConfig(**SMALL_CONFIG, refine=1, margin=0.01)
    path = fake_path([(16, 0.95), (12, 0.92), (8, 0.0), (4, 0.0)])  # 8 and 4 look hopeless before polishing
    polished = {}
    chosen = choose(path, 0.0, tiny_data, config, progress=False, polished=polished)
    assert chosen.model.arch.fc_hidden == (8,) and chosen.record["val_accuracy"] >= 0.01
    assert list(polished) == [id(path[2])]  # only one smaller state tried (refine=1), cached
    assert choose(path, 0.0, tiny_data, config, progress=False, polished=polished) is chosen


@pytest.mark.parametrize("qualifying", [0, 1, 4, 6, 7])
def test_choose_bisects_the_smaller_states_for_the_smallest_that_qualifies_once_polished(
    tiny_data, monkeypatch, qualifying
):
    """Of 7 smaller states the first ``qualifying`` reach the goal once polished: the
    bisection ships the smallest of them (the smallest qualifying state when none does),
    polishing about log2(8) states, never all."""
    sizes = [40, 36, 32, 28, 24, 20, 16, 12]  # fc1 widths, largest first; only the first qualifies unpolished
    path = fake_path([(w, 0.95 if i == 0 else 0.5) for i, w in enumerate(sizes)])
    lifted = {id(s): 0.95 if 0 < i <= qualifying else 0.5 for i, s in enumerate(path)}
    lifted[id(path[0])] = 0.95
    tried = []

    def fake_polish(state, *_args, **_kwargs):
        tried.append(state.model.arch.fc_hidden[0])
        return State(state.model, state.bits, state.kept, "polished", {"val_accuracy": lifted[id(state)]})

    monkeypatch.setattr("compress.search.polish", fake_polish)
    config = SearchConfig(**SMALL_CONFIG, refine=16, margin=0.01)
    noted: list[dict] = []
    chosen = choose(path, 0.9, tiny_data, config, progress=False, tried=noted)
    assert chosen.model.arch.fc_hidden == (sizes[qualifying],)
    assert len(tried) <= 4 and len(set(tried)) == len(tried)
    assert [r["qualified"] for r in noted] == [r["val_accuracy"] >= 0.91 for r in noted] and len(noted) == len(tried)
    assert all(r["qualified"] for r in noted) == (qualifying == 7)  # else the next smaller one was tried and fell short
    narrow = choose(path, 0.9, tiny_data, SearchConfig(**SMALL_CONFIG, refine=2, margin=0.01), progress=False)
    assert narrow.model.arch.fc_hidden == (sizes[min(qualifying, 2)],)  # refine bounds the states searched


@pytest.mark.parametrize("kept", [0, 1, 3])
def test_trim_takes_single_channel_and_bit_steps_while_they_qualify_once_polished(tiny_data, monkeypatch, kept):
    """The chosen state then loses one channel or one bit level at a time (the walk's best
    action), each polished: the first ``kept`` qualify, the next ends the trimming."""
    polished = []

    def fake_polish(state, *_args, **_kwargs):
        polished.append(state.action)
        val = 0.95 if len(polished) <= 1 + kept else 0.5  # the first polish is the chosen state's
        return State(state.model, state.bits, state.kept, state.action, {"step": 0, "val_accuracy": val})

    monkeypatch.setattr("compress.search.polish", fake_polish)
    path = [start_state((8, 8, 8, 8))]
    path[0].record = {"step": 0, "val_accuracy": 0.95}
    config = SearchConfig(**SMALL_CONFIG, refine=0, trim=3, trim_retries=0, margin=0.01)
    noted: list[dict] = []
    chosen = choose(path, 0.9, tiny_data, config, progress=False, actions=walk_actions("combined", TINY), tried=noted)
    assert len(polished) == 1 + min(kept + 1, 3)  # the chosen state, then the trims tried
    assert [r["qualified"] for r in noted] == [True] * (1 + kept) + [False] * (kept < 3)
    steps = chosen.action.split("; trim: ")[1:]
    assert len(steps) == kept
    removed = sum(TINY.conv_channels) + sum(TINY.fc_hidden) - sum(hidden_widths(chosen.model.arch))
    lowered = sum(8 - b for b in chosen.bits)
    assert removed + lowered > 0 if kept else (removed, lowered) == (0, 0)
    assert all(("->" in s and ("bits" in s or "prune" in s)) for s in steps)
    assert all(not s.startswith("prune") or s.split("->")[0].split()[-1] == str(int(s.split("->")[1].split()[0]) + 1)
               for s in steps)  # fmt: skip


@pytest.mark.parametrize("retries", [0, 1])
def test_a_trim_step_that_falls_short_gives_way_to_the_next_best_with_trim_retries(tiny_data, monkeypatch, retries):
    polished = []

    def fake_polish(state, *_args, **_kwargs):
        polished.append(state.action)
        val = 0.5 if len(polished) == 2 else 0.95  # the chosen state qualifies, the first trim step does not
        return State(state.model, state.bits, state.kept, state.action, {"step": 0, "val_accuracy": val})

    monkeypatch.setattr("compress.search.polish", fake_polish)
    path = [start_state((8, 8, 8, 8))]
    path[0].record = {"step": 0, "val_accuracy": 0.95}
    config = SearchConfig(**SMALL_CONFIG, refine=0, trim=2, trim_retries=retries, margin=0.01)
    noted: list[dict] = []
    chosen = choose(path, 0.9, tiny_data, config, progress=False, actions=walk_actions("combined", TINY), tried=noted)
    steps = chosen.action.split("; trim: ")[1:]
    if retries:
        assert [r["qualified"] for r in noted] == [True, False, True, True] and len(steps) == 2
        assert polished[1] != polished[2]  # the retry is another action than the one that fell short
    else:
        assert [r["qualified"] for r in noted] == [True, False] and steps == []
    # called directly, the trim reports every polishing and every step kept as it goes
    seen, kept = [], []
    trim(
        chosen,
        0.91,
        walk_actions("combined", TINY),
        tiny_data,
        config,
        tried=[],
        polished=seen.append,
        kept=kept.append,
    )
    assert len(seen) == len(polished) - len(noted) and all(s.record["val_accuracy"] >= 0.91 for s in kept)
    assert kept == [] or kept[-1].action.count("; trim: ") == len(steps) + len(kept)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_trim_step_s_next_best_polished_in_parallel_give_the_sequential_result(tiny_data, monkeypatch, workers):
    """In batches of ``workers``, the first option that qualifies wins and only the options up
    to it are noted, as when they are polished one at a time."""
    batches = []

    def fake_run_tasks(function, items, *, shared, scheduler, workers):
        batches.append(len(items))
        return TaskRun([function(*shared, item) for item in items], len(items), workers, 0.0)

    def fake_polish(state, *_args, **_kwargs):
        val = {"a": 0.5, "b": 0.5, "c": 0.95, "d": 0.95}[state.action]
        return State(state.model, state.bits, state.kept, state.action, {"action": state.action, "val_accuracy": val})

    monkeypatch.setattr("compress.search.run_tasks", fake_run_tasks)
    monkeypatch.setattr("compress.search.polish", fake_polish)
    options = [State(None, (8,), [], action) for action in "abcd"]
    noted: list[dict] = []
    config = SearchConfig(**SMALL_CONFIG)
    found = first_qualifying(options, 0.9, tiny_data, config, tried=noted, scheduler="local", workers=workers)
    assert found.action == "c" and [r["action"] for r in noted] == ["a", "b", "c"]
    assert batches == {1: [1, 1, 1], 2: [2, 2], 3: [3]}[workers]  # polished up to the batch that qualified
    assert first_qualifying(options[:2], 0.9, tiny_data, config, tried=[], scheduler="local", workers=workers) is None


def test_the_pruning_walks_trim_with_their_own_actions():
    assert walk_actions("filter", TINY) == (("prune",), ("filter",), (0, 1))
    assert walk_actions("channel", TINY) == (("prune",), ("channel",), (0, 1))
    assert walk_actions("pruning", TINY) == (("prune",), ("filter", "channel"), None)
    assert walk_actions("combined", TINY) == (("prune", "bits"), ("filter", "channel"), None)


def test_search_end_to_end_on_tiny_data(tiny_data):
    torch.manual_seed(0)
    baseline = MyConvNet(TINY).eval()
    config = SearchConfig(**SMALL_CONFIG, targets=(0.3,), prune_target=0.3, bit_levels=(8, 4), trim=1)
    result = run_search(baseline, tiny_data, config, progress=False)
    assert set(result.paths) == {"pruning", "filter", "channel", "quantization", "combined"}
    assert set(result.chosen) == {"pruned_30", "pruned_filter_30", "pruned_channel_30", "search_30"}
    # the filter-only and channel-only walks prune the conv layers only, each by its own rule
    for kind, rule in (("filter", "filter-wise"), ("channel", "channel-wise")):
        steps = result.curves()[kind][1:]
        assert steps and all(r["fc_hidden"] == list(TINY.fc_hidden) for r in steps)
        assert all(rule in r["action"] for r in steps)
    assert [r["weight_bits"] for r in result.curves()["quantization"]] == [[32] * 4, [8] * 4, [4] * 4]
    assert set(result.sensitivity["filter"]) == {"conv1", "conv2", "fc1"}
    assert list(result.sensitivity["bits"]) == ["conv1", "conv2", "fc1", "fc2"]
    for name, state in result.chosen.items():
        assert state is None or state.record["val_accuracy"] >= 0.3 + config.margin
        tried = result.tried[name]  # the chosen state is the smallest qualifying one its choice tried
        assert state is None or state.size_kb == min(r["size_kb"] for r in tried if r["qualified"])
    for name, rule in (("pruned_filter_30", "filter-wise"), ("pruned_channel_30", "channel-wise")):
        state = result.chosen[name]  # a trim keeps to its walk's actions
        assert state is None or state.model.arch.fc_hidden == TINY.fc_hidden
        assert state is None or all(rule in step for step in state.action.split("; trim: ")[1:])
    assert model_size_kb(baseline) == result.curves()["pruning"][0]["size_kb"]


@pytest.mark.parametrize(
    "fields, fragment",
    [
        (dict(targets=(1.2,)), "targets[0]=1.2 is out of range"),
        (dict(prune_target=0.0), "prune_target=0.0"),
        (dict(ranking_images=7000), "exceeds validation_images"),
        (dict(bit_levels=(8, 1)), "bit_levels[1]=1"),
        (dict(bit_levels=(16,)), "bit_levels[0]=16"),
        (dict(prune_step=0.95), "prune_step=0.95"),
        (dict(weight_range="best"), "weight_range='best'"),
        (dict(threads=0), "threads=0"),
        (dict(margin=0.5), "margin=0.5"),
        (dict(bit_levels=()), "must not be empty"),
        (dict(trim=-1), "trim=-1"),
        (dict(trim_retries=17), "trim_retries=17"),
    ],
    ids=[
        "target",
        "prune-target",
        "ranking",
        "bits-low",
        "bits-high",
        "step",
        "range",
        "threads",
        "margin",
        "no-bits",
        "trim",
        "trim-retries",
    ],
)
def test_bad_search_config_is_refused(fields, fragment):
    with pytest.raises(ValueError) as info:
        SearchConfig(**fields)
    assert fragment in str(info.value)


def test_training_keeps_freed_memory_on_glibc():
    """The C library takes the settings (they are what makes a training step page-fault less)."""
    assert keep_freed_memory() == (platform.libc_ver()[0] == "glibc")
