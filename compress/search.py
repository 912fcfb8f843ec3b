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
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch
from tqdm import tqdm

from compress.model import Architecture, MyConvNet
from compress.prune import (
    hidden_widths,
    sensitivity,
)
from compress.prune_spec import TARGETS
from compress.qat import weight_quantized
from compress.search_config import SearchConfig
from compress.search_steps import (
    Actions,
    SearchData,
    State,
    candidates,
    polish,
    ranked_candidates,
    uniform_bits_walk,
    walk,
)
from compress.size import FLOAT_BITS
from compress.train import accuracy
from simulator.explore.tasks import parallel_tasks, run_tasks


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
    (``simulator.explore.tasks``): the results are the same on every scheduler."""
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
