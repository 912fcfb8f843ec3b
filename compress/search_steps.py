"""The steps of the size-versus-accuracy search (``compress.search``): a state (a compacted
MyConvNet and its per-layer weight bits), its candidate actions and their scores, a greedy
walk of fine-tuned winners, and the longer fine-tuning of a chosen state."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace

import numpy as np
from tqdm import tqdm

from compress.data import Split, holdout
from compress.model import MyConvNet
from compress.observe import QuantSpec
from compress.prune import (
    channel_scores,
    compact,
    compose_kept,
    hidden_widths,
    round_keep,
    width_names,
)
from compress.prune_spec import TARGETS
from compress.qat import fine_tune, weight_quantized, weight_specs
from compress.quantize import build_integer_network, calibration_images
from compress.search_config import SearchConfig
from compress.size import FLOAT_BITS, model_size_kb
from compress.train import TrainConfig, accuracy
from simulator.network.network import run_network

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


__all__ = [
    "ACTIVATION_BITS",
    "Actions",
    "SearchData",
    "State",
    "candidates",
    "evaluate",
    "lower_bits",
    "polish",
    "prune_width",
    "rank_accuracy",
    "ranked_candidates",
    "record",
    "split_data",
    "step_subset",
    "take",
    "train_config",
    "uniform_bits_walk",
    "walk",
]
