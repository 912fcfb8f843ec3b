"""Fixed-budget comparisons of Step 2: the hint's two ways of choosing what to prune (Task 1),
and Task 2b's three techniques, every model trained from the baseline for the same epochs.

- ``method_points``: filter-wise and channel-wise pruning of every hidden width by *fraction*
  (drop the fraction f of each width) and by *threshold* (drop the channels scoring below t
  times their layer's mean L1 score), at each level of ``FRACTIONS`` and ``THRESHOLDS``;
- ``budget_points``: the structures Task 2b compares -- per technique (pruning only,
  quantization only, both) and per accuracy loss of ``LOSSES_PT``, the widths and weight bits
  of the smallest point of that technique's walk within the loss (``compress.curves``) --
  rebuilt from the baseline in one shot.

Every point is measured the same way (``measure_point``): the baseline's channels ranked by
L1 score, compacted to the point's widths, fine-tuned for ``epochs`` epochs on the search's
training part (quantization-aware at the point's weight bits), then measured as the search
measures (the validation hold-out decides, the full test set reports; the integer path with
8-bit activations when quantized). The walks' own models had unequal training (a walk point
carries every earlier step's fine-tuning); here each has exactly the same.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from compress.checkpoint import load_checkpoint
from compress.curves import LOSSES_PT, TECHNIQUES, smallest_within
from compress.data import load_fashion_mnist
from compress.model import MyConvNet
from compress.prune import channel_scores, compact, hidden_widths, select_masks, width_names
from compress.prune_spec import TARGETS, PruneSpec
from compress.qat import fine_tune
from compress.search_config import SHIPPED_DIR, SearchConfig
from compress.search_steps import SearchData, evaluate, split_data, train_config
from compress.shipping import CURVES_NAME
from compress.size import FLOAT_BITS, model_size_kb
from simulator.atomic import write_json
from simulator.explore.tasks import run_tasks

FRACTIONS = (0.25, 0.5, 0.75, 0.875)  # of each hidden width, dropped
THRESHOLDS = (0.75, 1.0, 1.1, 1.25)  # times the layer's mean score, below which a channel is dropped
BUDGET_EPOCHS = 3
STUDY_NAME = "budget_study.json"


@dataclass(frozen=True)
class StudyPoint:
    """One model to build from the baseline: by a pruning spec (``spec``) or to given channel
    counts (``kept``, ranked by ``target``), at ``bits`` per layer (32: float)."""

    study: str  # "method" (Task 1) or "budget" (Task 2b)
    label: str
    target: str
    bits: tuple[int, ...]
    spec: PruneSpec | None = None
    kept: tuple[int, ...] | None = None


def method_points(n_layers: int, targets: tuple[str, ...] = TARGETS) -> list[StudyPoint]:
    """Task 1's grid: each target by each fraction and each threshold, every width, float weights."""
    floats = (FLOAT_BITS,) * n_layers
    points = []
    for target in targets:
        for f in FRACTIONS:
            spec = PruneSpec(target=target, fractions=(f,))
            points.append(StudyPoint("method", f"{target} / fraction {f:g}", target, floats, spec=spec))
        for t in THRESHOLDS:
            spec = PruneSpec(target=target, threshold=t)
            points.append(StudyPoint("method", f"{target} / threshold {t:g}", target, floats, spec=spec))
    return points


def budget_points(curves: dict) -> list[StudyPoint]:
    """Task 2b's structures: per loss and technique, the smallest walk point within the loss."""
    reference = curves["pruning"][0]["test_accuracy"]
    points = []
    for loss in LOSSES_PT:
        for technique in TECHNIQUES:
            best = smallest_within(curves.get(technique, []), reference, loss)
            if best is not None:
                kept = (*best["conv_channels"], *best["fc_hidden"])
                bits = tuple(best["weight_bits"])
                points.append(StudyPoint("budget", f"{technique} / {loss:g} pt", "filter", bits, kept=kept))
    return points


def top_masks(model: MyConvNet, kept: tuple[int, ...], target: str, criterion: str) -> list[np.ndarray]:
    """Keep-masks of the ``kept[i]`` best-scoring channels of each hidden width."""
    widths = hidden_widths(model.arch)
    if len(kept) != len(widths) or any(not 1 <= k <= w for k, w in zip(kept, widths)):
        raise ValueError(f"top_masks: kept={kept!r} does not fit the widths {widths!r}; expected 1..width each")
    masks = []
    for score, keep, width in zip(channel_scores(model, target, criterion), kept, widths):
        mask = np.zeros(width, bool)
        mask[np.argsort(-score, kind="stable")[:keep]] = True
        masks.append(mask)
    return masks


def measure_point(baseline: MyConvNet, data: SearchData, config: SearchConfig, epochs: int, point: StudyPoint) -> dict:
    """Build ``point`` from the baseline, fine-tune it ``epochs`` epochs, measure it (module
    docstring). One torch thread, so the result is the same on any scheduler."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        if point.spec is not None:
            masks = select_masks(baseline, point.spec)
        else:
            masks = top_masks(baseline, point.kept or (), point.target, config.criterion)
        model = compact(baseline, masks)
        started = time.perf_counter()
        fine_tune(
            model, point.bits, data.train, train_config(config, config.seed, epochs), config.weight_range,
            progress=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started

        def measure(split) -> float:
            return evaluate(model, point.bits, split, data.calibration, config.weight_range)

        return {
            "study": point.study,
            "label": point.label,
            "target": point.target,
            "spec": None if point.spec is None else asdict(point.spec),
            "kept": {name: int(m.sum()) for name, m in zip(width_names(baseline.arch), masks)},
            "weight_bits": list(point.bits),
            "size_kb": model_size_kb(model, list(point.bits)),
            "val_accuracy": measure(data.validation),
            "test_accuracy": measure(data.test) if data.test is not None else None,
            "epochs": epochs,
            "train_seconds": seconds,
        }
    finally:
        torch.set_num_threads(threads)


def run_budget_study(
    baseline: MyConvNet,
    data: SearchData,
    config: SearchConfig,
    curves: dict,
    *,
    epochs: int = BUDGET_EPOCHS,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> dict:
    """Every point of ``method_points`` and ``budget_points``, each a task on ``scheduler``."""
    points = method_points(len(baseline.layers())) + budget_points(curves)
    started = time.perf_counter()
    with tqdm(total=len(points), desc="budget study", disable=not progress) as bar:
        run = run_tasks(
            measure_point,
            points,
            shared=(baseline, data, config, epochs),
            scheduler=scheduler,
            workers=workers,
            progress=lambda _: bar.update(),
        )
    return {
        "config": {
            "epochs": epochs,
            "fractions": list(FRACTIONS),
            "thresholds": list(THRESHOLDS),
            "losses_pt": list(LOSSES_PT),
            "seed": config.seed,
            "criterion": config.criterion,
            "weight_range": config.weight_range,
            "validation_images": config.validation_images,
            "train_images": len(data.train),
            "test_images": None if data.test is None else len(data.test),
        },
        "seconds": time.perf_counter() - started,
        "workers": run.workers,
        "points": run.results,
    }


def ship_budget_study(
    *,
    models_dir: str | os.PathLike = SHIPPED_DIR,
    epochs: int = BUDGET_EPOCHS,
    data_dir=None,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> dict:
    """Run the study on the search's baseline, data split and curves in ``models_dir``; write
    ``STUDY_NAME`` there (atomically) and return it."""
    models_dir = Path(models_dir)
    curves = json.loads((models_dir / CURVES_NAME).read_text())
    config = SearchConfig(**curves["config"])
    baseline, _ = load_checkpoint(models_dir / f"{config.baseline}.pt")
    test_split = load_fashion_mnist("test", data_dir)
    data = split_data(load_fashion_mnist("train", data_dir), test_split, config)
    study = run_budget_study(
        baseline, data, config, curves["curves"], epochs=epochs, progress=progress, scheduler=scheduler,
        workers=workers,
    )  # fmt: skip
    write_json(models_dir / STUDY_NAME, study)
    return study
