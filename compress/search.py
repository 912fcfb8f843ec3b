"""The size-versus-accuracy search: structured pruning and per-layer weight bit widths.

Spec Part 1 Step 2: Task 1 (the smallest model above 85 % with structured pruning only)
and Task 2 (the smallest model with pruning + quantization at 80, 85 and 90 %, and which
technique buys more size for a small accuracy loss).

The search is a deterministic greedy walk in the spirit of NetAdapt (Yang et al. 2018).
A *state* is a compacted MyConvNet plus a weight bit width per layer (32 = float). From a
state, every *action* is scored on a ranking slice of the validation images without
training -- prune 25 % of one width filter-wise or channel-wise (L1, :mod:`compress.prune`),
or lower one layer's weight bits to the next level of 8, 6, 5, 4, 3, 2 -- by

    score = max(accuracy drop, drop_floor) / KB saved          (lowest wins, ties: first)

and the winner is fine-tuned briefly (quantization-aware when quantized: a straight-through
estimator over the contract's fake quantization, activations float) and recorded with its
validation accuracy (integer W8A8 path when quantized, exactly as deployed); a winner that
falls below the walk's floor gives way to the next best action (up to ``retries``), and the
walk stops when none holds. Three walks
measure the curves of Task 2b: pruning only (FP32), quantization only (uniform bits) and
combined (starting from W8). For each target the smallest state whose validation accuracy
beats target + margin is fine-tuned longer, and up to ``refine`` smaller states of the walk
are searched by bisection for the smallest that still beats it once fine-tuned as long
(the longer fine-tuning recovers several points). Decisions use a validation slice held
out from the training images; test accuracy is recorded for the report, never used.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from tqdm import tqdm

from compress.data import Split, holdout
from compress.model import Architecture, MyConvNet
from compress.observe import QuantSpec
from compress.prune import (
    TARGETS,
    channel_scores,
    compact,
    compose_kept,
    hidden_widths,
    round_keep,
    sensitivity,
    width_names,
)
from compress.qat import fine_tune, weight_quantized, weight_specs
from compress.quantize import build_integer_network, calibration_images
from compress.search_config import SearchConfig
from compress.size import FLOAT_BITS, model_size_kb
from compress.train import TrainConfig, accuracy
from simulator.network import run_network
from simulator.tasks import parallel_tasks, run_tasks

ACTIVATION_BITS = 8


# The actions of a walk (``candidates``): kinds ("prune", "bits"), pruning targets, widths (None: all).
Actions = tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...] | None]


@dataclass
class State:
    """A point of a walk: a compacted model, its weight bits per layer (32 = float) and the
    indices of its channels in the baseline's widths."""

    model: MyConvNet
    bits: tuple[int, ...]
    kept: list[np.ndarray]
    action: str = "start"
    record: dict = field(default_factory=dict)

    @property
    def size_kb(self) -> float:
        return model_size_kb(self.model, list(self.bits))


@dataclass(frozen=True)
class SearchData:
    """The training part, the validation slice (and its ranking head), calibration, test."""

    train: Split
    validation: Split
    ranking: Split
    calibration: np.ndarray
    test: Split | None


def take(split: Split, index: np.ndarray) -> Split:
    return Split(split.images[index], split.labels[index], split.classes)


def split_data(train_split: Split, test_split: Split | None, config: SearchConfig) -> SearchData:
    """The baseline's validation hold-out (``compress.data.holdout``: never trained on)
    decides; fine-tuning and calibration use the rest."""
    train_part, validation = holdout(train_split, config.validation_images)
    ranking = take(validation, np.arange(config.ranking_images))
    calibration = calibration_images(train_part, config.calibration_images, config.seed)
    return SearchData(train_part, validation, ranking, calibration, test_split)


def evaluate(
    model: MyConvNet, bits: tuple[int, ...], split: Split, calibration: np.ndarray, weight_range: str
) -> float:
    """Accuracy on ``split``: float inference for FP32, else the integer network (8-bit
    activations) run by the Numba kernels, exactly as the accelerator computes it."""
    if all(b == FLOAT_BITS for b in bits):
        return accuracy(model, split)
    if any(b == FLOAT_BITS for b in bits):
        raise ValueError(f"evaluate: weight_bits={bits!r} mixes float and integer layers; the integer path needs all")
    net = build_integer_network(
        model,
        calibration,
        weight_spec=[spec for spec in weight_specs(bits, weight_range) if spec is not None],
        activation_spec=QuantSpec(bits=ACTIVATION_BITS),
    )
    return float((run_network(net, split.images).argmax(1) == split.labels).mean())


# --------------------------------------------------------------------------- the walks


def prune_width(
    state: State, width: int, target: str, config: SearchConfig, channels: int | None = None
) -> State | None:
    """Drop ``prune_step`` of one width, or ``channels`` of it (at least one channel, kept
    count a multiple)."""
    widths = hidden_widths(state.model.arch)
    current = widths[width]
    removed = max(1, math.floor(config.prune_step * current)) if channels is None else channels
    keep = round_keep(current - removed, current, config.multiple)
    if keep >= current:
        keep = current - config.multiple
    if keep < 1:
        return None
    score = channel_scores(state.model, target, config.criterion)[width]
    masks = [np.ones(w, bool) for w in widths]
    masks[width][:] = False
    masks[width][np.argsort(-score, kind="stable")[:keep]] = True
    name = f"prune {width_names(state.model.arch)[width]} {current}->{keep} ({target}-wise {config.criterion})"
    return State(compact(state.model, masks), state.bits, compose_kept(state.kept, masks), name)


def lower_bits(state: State, layer: int, config: SearchConfig) -> State | None:
    lower = [b for b in config.bit_levels if b < state.bits[layer]]
    if not lower:
        return None
    bits = tuple(lower[0] if i == layer else b for i, b in enumerate(state.bits))
    name = f"{state.model.layers()[layer][0]} weights {state.bits[layer]}->{lower[0]} bits"
    return State(state.model, bits, state.kept, name)


def candidates(
    state: State,
    kinds: tuple[str, ...],
    config: SearchConfig,
    targets: tuple[str, ...] = TARGETS,
    widths: tuple[int, ...] | None = None,
    channels: int | None = None,
) -> list[State]:
    """Every state one action away, in a fixed order (the tie-break): pruning one of
    ``widths`` (default all) under each of ``targets`` (by ``prune_step``, or ``channels``),
    or lowering one layer's bits."""
    found = []
    if "prune" in kinds:
        for width in range(len(hidden_widths(state.model.arch))) if widths is None else widths:
            found += [prune_width(state, width, target, config, channels) for target in targets]
    if "bits" in kinds:
        found += [lower_bits(state, layer, config) for layer in range(len(state.bits))]
    return [c for c in found if c is not None]


def rank_accuracy(state: State, data: SearchData, config: SearchConfig) -> float:
    return accuracy(weight_quantized(state.model, state.bits, config.weight_range), data.ranking)


def record(state: State, data: SearchData, config: SearchConfig, step: int) -> dict:
    """Measure a state: validation accuracy (decisions) and test accuracy (report only)."""

    def measure(split: Split) -> float:
        return evaluate(state.model, state.bits, split, data.calibration, config.weight_range)

    state.record = {
        "step": step,
        "action": state.action,
        "conv_channels": list(state.model.arch.conv_channels),
        "fc_hidden": list(state.model.arch.fc_hidden),
        "weight_bits": list(state.bits),
        "size_kb": state.size_kb,
        "val_accuracy": measure(data.validation),
        "test_accuracy": measure(data.test) if config.test_curves and data.test is not None else None,
    }
    return state.record


def train_config(config: SearchConfig, seed: int, epochs: int = 1) -> TrainConfig:
    return TrainConfig(seed=seed, epochs=epochs, batch_size=config.batch_size, learning_rate=config.learning_rate)


def step_subset(data: SearchData, config: SearchConfig, step: int) -> Split:
    rng = np.random.default_rng([config.seed, step])
    count = min(config.step_images, len(data.train))
    return take(data.train, np.sort(rng.choice(len(data.train), count, replace=False)))


def ranked_candidates(current: State, found: list[State], data: SearchData, config: SearchConfig) -> list[State]:
    """``found`` (states one action from ``current``) best first by the walk's score: the
    accuracy drop on the ranking slice (at least ``drop_floor``) per KB saved; ties keep the
    order of ``found``; states that save nothing are left out."""
    here = rank_accuracy(current, data, config)
    scored = []
    for order, candidate in enumerate(found):
        saved = current.size_kb - candidate.size_kb
        drop = max(here - rank_accuracy(candidate, data, config), config.drop_floor)
        if saved > 0:
            scored.append((drop / saved, order, candidate))
    scored.sort(key=lambda item: item[:2])
    return [candidate for _, _, candidate in scored]


def walk(
    start: State,
    kinds: tuple[str, ...],
    floor_accuracy: float,
    data: SearchData,
    config: SearchConfig,
    *,
    label: str,
    progress: bool,
    targets: tuple[str, ...] = TARGETS,
    widths: tuple[int, ...] | None = None,
) -> list[State]:
    """Greedy walk from ``start`` until validation accuracy < floor_accuracy or no action is
    left; pruning actions restricted to ``targets`` and ``widths`` (``candidates``)."""
    path = [start]
    record(start, data, config, 0)
    bar = tqdm(total=config.max_steps, desc=label, disable=not progress, leave=False)
    for step in range(1, config.max_steps + 1):
        current = path[-1]
        best = None
        ranked = ranked_candidates(current, candidates(current, kinds, config, targets, widths), data, config)
        for candidate in ranked[: 1 + config.retries]:  # the next best when one falls below the floor
            best = replace(candidate, model=copy.deepcopy(candidate.model))
            fine_tune(
                best.model,
                best.bits,
                step_subset(data, config, step),
                train_config(config, config.seed + step),
                config.weight_range,
                progress=progress,
            )
            record(best, data, config, step)
            if best.record["val_accuracy"] >= floor_accuracy:
                break
        if best is None:
            break
        path.append(best)
        bar.update()
        bar.set_postfix(size_kb=f"{best.size_kb:.1f}", val=f"{best.record['val_accuracy']:.4f}")
        if best.record["val_accuracy"] < floor_accuracy:
            break
    bar.close()
    return path


def uniform_bits_walk(start: State, data: SearchData, config: SearchConfig, *, progress: bool) -> list[State]:
    """Quantization only: every layer at each bit level in turn, fine-tuned (cumulatively)."""
    path = [start]
    record(start, data, config, 0)
    model = copy.deepcopy(start.model)
    for step, b in enumerate(tqdm(config.bit_levels, desc="quantization only", disable=not progress, leave=False), 1):
        bits = (b,) * len(start.bits)
        if b < ACTIVATION_BITS:
            fine_tune(
                model,
                bits,
                step_subset(data, config, 100 + step),
                train_config(config, config.seed + 100 + step),
                config.weight_range,
                progress=progress,
            )
        state = State(copy.deepcopy(model), bits, start.kept, f"all weights {b} bits")
        record(state, data, config, step)
        path.append(state)
    return path


# ------------------------------------------------------------------------ choosing models


def polish(state: State, data: SearchData, config: SearchConfig, *, progress: bool) -> State:
    """Longer fine-tuning (``final_epochs`` on the whole training part, learning the weight
    steps when ``learned_steps``) of a copy of ``state``."""
    polished = replace(state, model=copy.deepcopy(state.model), action=f"{state.action}; fine-tuned")
    seed = config.seed + 10_000 + state.record["step"]
    fine_tune(
        polished.model,
        polished.bits,
        data.train,
        train_config(config, seed, config.final_epochs),
        config.weight_range,
        progress=progress,
        learned_steps=config.learned_steps,
    )
    record(polished, data, config, state.record["step"])
    return polished


def choose(
    path: list[State],
    target: float,
    data: SearchData,
    config: SearchConfig,
    *,
    progress: bool,
    polished: dict[int, State] | None = None,
    actions: Actions | None = None,
    tried: list[dict] | None = None,
) -> State | None:
    """The smallest state of ``path`` that beats target + margin on validation, after polishing.

    The smallest qualifying state and the ``refine`` next smaller ones, largest first, are
    searched by bisection: accuracy falls as states shrink, so a polished state that falls
    short rules out every smaller one and one that qualifies every larger one. That costs
    about log2(refine) polishings instead of one per state. None when no state of the path
    qualifies before polishing; the smallest qualifying state, polished, when no smaller one
    qualifies after it. ``polished`` caches polished states by the id of their origin, so
    targets sharing a state share the work. With the walk's ``actions``, the chosen state is
    then trimmed (``trim``). Every polished state the choice looks at is appended to ``tried``
    (its record, and whether it qualified), in order.
    """
    polished = {} if polished is None else polished
    tried = [] if tried is None else tried
    goal = target + config.margin

    def polish_once(state: State) -> State:
        if id(state) not in polished:
            polished[id(state)] = polish(state, data, config, progress=progress)
        return note_tried(polished[id(state)], goal, tried)

    qualifying = sorted((s for s in path if s.record["val_accuracy"] >= goal), key=lambda s: s.size_kb)
    if not qualifying:
        return None
    best = qualifying[0]
    smaller = sorted((s for s in path if s.size_kb < best.size_kb), key=lambda s: s.size_kb, reverse=True)
    smaller = smaller[: config.refine]  # the states the bisection ranges over
    chosen = None
    low, high = 0, len(smaller) - 1  # smaller[:low] qualify once polished, smaller[high + 1:] do not
    while low <= high:
        middle = (low + high) // 2
        result = polish_once(smaller[middle])
        if result.record["val_accuracy"] >= goal:
            chosen, low = result, middle + 1
        else:
            high = middle - 1
    chosen = chosen or polish_once(best)
    return chosen if actions is None else trim(chosen, goal, actions, data, config, tried=tried)


def note_tried(state: State, goal: float, tried: list[dict]) -> State:
    """Append ``state``'s record, and whether it beats ``goal`` on validation, to ``tried``."""
    tried.append(state.record | {"qualified": state.record["val_accuracy"] >= goal})
    return state


def trim(
    state: State,
    goal: float,
    actions: Actions,
    data: SearchData,
    config: SearchConfig,
    *,
    tried: list[dict],
    scheduler: str = "synchronous",
    workers: int | None = None,
    kept: Callable[[State], object] | None = None,
    polished: Callable[[State], object] | None = None,
) -> State:
    """Up to ``config.trim`` finer steps from a polished ``state``: the walk's best action
    (by its score) among one channel of a width and one bit level of a layer, polished as
    long; each is kept while it still beats ``goal`` on validation. When one does not, the
    ``trim_retries`` next best are tried in turn; when none does, the trimming ends. Each
    step polished is noted in ``tried``. The walk's quarter-width steps are coarse on a
    few-channel model. On a parallel ``scheduler`` the next best are polished ``workers`` at
    a time (``first_qualifying``); the result and ``tried`` are those of the sequential order.
    ``kept(state)`` runs after every step kept, ``polished(state)`` after every polishing."""
    kinds, targets, widths = actions
    for count in range(1, config.trim + 1):
        found = candidates(state, kinds, config, targets, widths, channels=1)
        options = []
        for rank, option in enumerate(ranked_candidates(state, found, data, config)[: 1 + config.trim_retries]):
            step = replace(option, action=f"{state.action}; trim: {option.action}")
            step.record = {"step": state.record["step"] + 1000 * count + rank}  # the polishing's seed
            options.append(step)
        found_state = first_qualifying(
            options, goal, data, config, tried=tried, scheduler=scheduler, workers=workers, polished=polished
        )
        if found_state is None:  # no option qualified (or there was none)
            break
        state = found_state
        if kept is not None:
            kept(state)
    return state


def first_qualifying(
    options: list[State],
    goal: float,
    data: SearchData,
    config: SearchConfig,
    *,
    tried: list[dict],
    scheduler: str = "synchronous",
    workers: int | None = None,
    polished: Callable[[State], object] | None = None,
) -> State | None:
    """The first of ``options``, polished, that beats ``goal`` on validation (None if none
    does). They are polished in batches of ``workers`` on ``scheduler`` (one at a time in
    this process), and those up to the first that qualifies are noted in ``tried``: the same
    result and the same notes whatever the batch."""
    batch = parallel_tasks(scheduler, workers)
    for start in range(0, len(options), batch):
        run = run_tasks(_polish_job, options[start : start + batch], shared=(data, config), scheduler=scheduler,
                        workers=workers)  # fmt: skip
        for result in run.results:
            if polished is not None:
                polished(result)
            if note_tried(result, goal, tried).record["val_accuracy"] >= goal:
                return result
    return None


def _polish_job(data: SearchData, config: SearchConfig, state: State) -> State:
    torch.set_num_threads(config.threads)
    return polish(state, data, config, progress=False)


def sensitivity_study(model: MyConvNet, data: SearchData, config: SearchConfig) -> dict:
    """Per-layer sensitivity of the baseline on the ranking slice, without fine-tuning:
    accuracy when one width loses a fraction of its channels (filter-wise and channel-wise),
    and when one layer's weights drop to each bit level (the others float)."""
    fractions = (0.25, 0.5, 0.75, 0.9)
    n_layers = len(model.layers())
    bits = {}
    for j, (name, _) in enumerate(model.layers()):
        bits[name] = [
            accuracy(
                weight_quantized(
                    model, tuple(b if i == j else FLOAT_BITS for i in range(n_layers)), config.weight_range
                ),
                data.ranking,
            )
            for b in config.bit_levels
        ]
    return {
        "images": len(data.ranking),
        "fractions": list(fractions),
        "bit_levels": list(config.bit_levels),
        "accuracy": accuracy(model, data.ranking),
        **{
            target: sensitivity(model, data.ranking, fractions=fractions, target=target, criterion=config.criterion)
            for target in TARGETS
        },
        "bits": bits,
    }


@dataclass
class SearchResult:
    """Walks (states with their records), chosen states by shipped name with the polished
    states their choice tried (``choose``), sensitivity, timing."""

    config: SearchConfig
    paths: dict[str, list[State]]
    chosen: dict[str, State | None]
    tried: dict[str, list[dict]]
    targets: dict[str, float]
    sensitivity: dict
    seconds: float

    def curves(self) -> dict[str, list[dict]]:
        return {name: [s.record for s in path] for name, path in self.paths.items()}


# The pruning-only walks: (shipped kind, filter/channel targets, conv widths only).
PRUNING_WALKS = {
    "pruning": (TARGETS, False),  # every width, the better of filter- and channel-wise each step
    "filter": (("filter",), True),  # spec Part 1 Step 2 Task 1: filter-wise, conv layers only
    "channel": (("channel",), True),  # ... channel-wise, conv layers only
}


# The shipped name's prefix of each walk's chosen models (``shipped_name``).
SHIPPED_PREFIX = {"pruning": "pruned", "filter": "pruned_filter", "channel": "pruned_channel", "combined": "search"}


def shipped_name(kind: str, target: float) -> str:
    return f"{SHIPPED_PREFIX.get(kind, 'search')}_{round(100 * target)}"


def walk_of(name: str) -> str:
    """The walk whose chosen model ships as ``name`` (the inverse of ``shipped_name``)."""
    prefix = name.rpartition("_")[0]
    for kind, known in SHIPPED_PREFIX.items():
        if known == prefix:
            return kind
    expected = ", ".join(f"{p}_<target>" for p in SHIPPED_PREFIX.values())
    raise ValueError(f"walk_of: {name!r} is not the name of a search's model; expected one of {expected}")


def walk_actions(kind: str, arch: Architecture) -> Actions:
    """(kinds, pruning targets, widths) of the actions of the walk ``kind`` (``candidates``)."""
    if kind in PRUNING_WALKS:
        targets, conv_only = PRUNING_WALKS[kind]
        return ("prune",), targets, tuple(range(len(arch.conv_channels))) if conv_only else None
    return ("prune", "bits"), TARGETS, None


def _walk_job(start: State, w8: State, data: SearchData, config: SearchConfig, kind: str) -> list[State]:
    """One walk of the search, a task of ``run_search`` (deterministic given its arguments)."""
    torch.set_num_threads(config.threads)
    if kind == "quantization":
        return uniform_bits_walk(start, data, config, progress=False)
    kinds, targets, widths = walk_actions(kind, start.model.arch)
    if kind in PRUNING_WALKS:
        first, floor, label = start, config.prune_target - config.stop_below, f"{kind} pruning only"
    else:
        first, floor, label = w8, min(config.targets) - config.stop_below, "pruning + quantization"
    return walk(first, kinds, floor, data, config, label=label, progress=False, targets=targets, widths=widths)


def _choose_job(data: SearchData, config: SearchConfig, job: tuple) -> dict[str, tuple[State | None, list[dict]]]:
    """The chosen states of the targets of one walk (polished states shared among them), each
    with the polished states its choice tried."""
    torch.set_num_threads(config.threads)
    kind, path, targets = job
    polished: dict[int, State] = {}
    actions = walk_actions(kind, path[0].model.arch) if config.trim else None
    chosen = {}
    for name, target in targets.items():
        tried: list[dict] = []
        state = choose(path, target, data, config, progress=False, polished=polished, actions=actions, tried=tried)
        chosen[name] = (state, tried)
    return chosen


def run_search(
    baseline: MyConvNet,
    data: SearchData,
    config: SearchConfig,
    *,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> SearchResult:
    """Sensitivity, the walks, and the chosen model of every target (see module docstring).
    The walks, then the fine-tuning of each walk's chosen models, are tasks on ``scheduler``
    (``simulator.tasks``): the results are the same on every scheduler."""
    started = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(config.threads)  # one thread each beats oversubscribing two shared cores
    try:
        n_layers = len(baseline.layers())
        kept = [np.arange(w) for w in hidden_widths(baseline.arch)]
        start = State(copy.deepcopy(baseline).eval(), (FLOAT_BITS,) * n_layers, kept, "baseline FP32")
        study = sensitivity_study(start.model, data, config)
        w8 = State(start.model, (config.bit_levels[0],) * n_layers, kept, "baseline W8")
        kinds = [*PRUNING_WALKS, "quantization", "combined"]
        with tqdm(total=len(kinds), desc="search walks", disable=not progress, leave=False) as bar:
            run = run_tasks(_walk_job, kinds, shared=(start, w8, data, config), scheduler=scheduler, workers=workers,
                            progress=lambda _: bar.update())  # fmt: skip
        paths = dict(zip(kinds, run.results))
        targets = {shipped_name(kind, config.prune_target): config.prune_target for kind in PRUNING_WALKS}
        targets |= {shipped_name("combined", t): t for t in sorted(config.targets)}
        jobs: dict[str, dict[str, float]] = {}
        for name, target in targets.items():
            jobs.setdefault(walk_of(name), {})[name] = target
        with tqdm(total=len(jobs), desc="fine-tuning chosen models", disable=not progress, leave=False) as bar:
            run = run_tasks(_choose_job, [(kind, paths[kind], named) for kind, named in jobs.items()],
                            shared=(data, config), scheduler=scheduler, workers=workers,
                            progress=lambda _: bar.update())  # fmt: skip
        found = {name: choice for part in run.results for name, choice in part.items()}
        chosen: dict[str, State | None] = {name: found[name][0] for name in targets}
        tried = {name: found[name][1] for name in targets}
    finally:
        torch.set_num_threads(threads)
    return SearchResult(config, paths, chosen, tried, targets, study, time.perf_counter() - started)
