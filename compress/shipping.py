"""``cnnacc prune``, ``cnnacc search`` and ``cnnacc export``: parsers and library entry points.

The entry points (:func:`prune_model`, :func:`search_and_ship`, :func:`export_model`,
:func:`evaluate_shipped`) do the work and return plain dicts; the ``cmd_*`` functions only
parse, call and print.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from compress.checkpoint import SHIPPED_DIR, load_checkpoint, save_checkpoint
from compress.data import load_dataset, load_fashion_mnist
from compress.export import CALIBRATION_IMAGES
from compress.model import Architecture, MyConvNet
from compress.prune import (
    apply_masks,
    compact,
    fine_tune_masked,
    select_masks,
    sensitivity,
    width_names,
)
from compress.prune_spec import PruneSpec
from compress.quantize import calibration_images
from compress.search import (
    SearchConfig,
    SearchResult,
    run_search,
    trim,
    walk_actions,
    walk_of,
)
from compress.search_steps import State, evaluate, record, split_data
from compress.size import FLOAT_BITS, layer_sizes, model_size_kb, naive_size_kb
from compress.train import TrainConfig, accuracy, to_float
from simulator import atomic
from simulator.network.export import field_json

CURVES_NAME = "search_curves.json"
EQUIVALENCE_TOLERANCE = 1e-5  # float32 sums in a different order after compaction


# ------------------------------------------------------------------------------ prune


def masked_equals_compacted(masked: MyConvNet, small: MyConvNet, images: np.ndarray) -> float:
    """Max |logit difference| between the masked model and its compaction on ``images``."""
    with torch.no_grad():
        x = to_float(images)
        return float((masked.eval()(x) - small.eval()(x)).abs().max())


def prune_model(
    spec: PruneSpec,
    *,
    model_name: str = "baseline",
    epochs: int = 1,
    seed: int = 0,
    output: str | None = None,
    data_dir=None,
    progress: bool = True,
) -> dict:
    """Prune a checkpoint by ``spec``, fine-tune with the masks enforced, compact, verify, save.

    Raises
    ------
    ValueError
        If the compacted model's outputs differ from the masked model's by more than 1e-5.
    """
    train_split, test_split = load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    masks = select_masks(model, spec)
    masked = copy.deepcopy(model)
    apply_masks(masked, masks)
    before = accuracy(masked, test_split)
    if epochs:
        fine_tune_masked(masked, masks, train_split, TrainConfig(seed=seed, epochs=epochs), progress=progress)
    small = compact(masked, masks)
    difference = masked_equals_compacted(masked, small, test_split.images[:500])
    if difference > EQUIVALENCE_TOLERANCE:
        raise ValueError(f"prune: compacted model differs from the masked one by {difference:.3g} > 1e-5")
    result = {
        "model": model_name,
        "spec": dataclasses.asdict(spec),
        "kept": {name: int(m.sum()) for name, m in zip(width_names(model.arch), masks)},
        "architecture": small.arch.to_json(),
        "accuracy_before_fine_tuning": before,
        "accuracy": accuracy(small, test_split),
        "test_images": len(test_split),
        "epochs": epochs,
        "size_kb": model_size_kb(small),
        "naive_size_kb": naive_size_kb(model),
        "max_abs_difference_masked_vs_compacted": difference,
    }
    if output:
        save_checkpoint(small, output, {k: v for k, v in result.items() if k != "architecture"})
        result["output"] = output
    return result


def prune_sensitivity(
    *,
    model_name: str = "baseline",
    target: str = "filter",
    criterion: str = "l1",
    fractions=(0.25, 0.5, 0.75, 0.9),
    data_dir=None,
) -> dict:
    """Test accuracy when each width alone loses each fraction of its channels (no fine-tuning)."""
    for i, f in enumerate(fractions):
        if not 0.0 <= f < 1.0:
            raise ValueError(f"prune --sensitivity: fractions[{i}]={f!r} is out of range; expected [0, 1)")
    test_split = load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    curves = sensitivity(model, test_split, fractions=tuple(fractions), target=target, criterion=criterion)
    return {
        "model": model_name,
        "target": target,
        "criterion": criterion,
        "fractions": list(fractions),
        "accuracy": accuracy(model, test_split),
        "curves": curves,
    }


# ------------------------------------------------------------------------------ search


def state_summary(state: State, baseline: MyConvNet) -> dict:
    """What the --json output and the card say about a chosen state."""
    return {
        "conv_channels": list(state.model.arch.conv_channels),
        "fc_hidden": list(state.model.arch.fc_hidden),
        "weight_bits": list(state.bits),
        "size_kb": state.size_kb,
        "naive_size_kb": model_size_kb(baseline, list(state.bits)),
        "size_breakdown": [s.to_json() for s in layer_sizes(state.model, list(state.bits))],
        "kept_channels": {f"{name}": k.tolist() for name, k in zip(width_names(baseline.arch), state.kept)},
        "val_accuracy": state.record["val_accuracy"],
        "test_accuracy": state.record["test_accuracy"],
        "action": state.action,
    }


def card_for(name: str, result: SearchResult, baseline: MyConvNet, baseline_card: dict, test_images: int) -> dict:
    state = result.chosen[name]
    if state is None:
        raise ValueError(f"card_for: the search found no state for {name!r}")
    summary = state_summary(state, baseline)
    config = result.config
    return {
        "kind": "pruning" if name.startswith("pruned") else "combined",
        "target": result.targets[name],
        "accuracy": summary["test_accuracy"],
        "test_images": test_images,
        **summary,
        "weight_range": config.weight_range,
        "activation_bits": None if FLOAT_BITS in state.bits else 8,
        "baseline": {
            "name": config.baseline,
            "architecture": baseline.arch.to_json(),
            "accuracy": baseline_card.get("accuracy"),
        },
        "split": {
            "seed": config.seed,
            "validation_images": config.validation_images,
            "calibration_images": config.calibration_images,
        },
        "search": config.to_json(),
        "search_seconds": round(result.seconds, 1),
        "curves": CURVES_NAME,
    }


def search_and_ship(
    config: SearchConfig,
    *,
    output_dir: str | os.PathLike = SHIPPED_DIR,
    data_dir=None,
    progress: bool = True,
    scheduler: str = "synchronous",
    workers: int | None = None,
) -> list[dict]:
    """Run the search from the named baseline and save every chosen model with its card,
    plus the measured curves (``search_curves.json``); returns one record per target."""
    train_split, test_split = load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir)
    baseline, baseline_card = load_checkpoint(config.baseline)
    data = split_data(train_split, test_split, config)
    result = run_search(baseline, data, config, progress=progress, scheduler=scheduler, workers=workers)
    output_dir = Path(output_dir)
    records = []
    for name, target in result.targets.items():
        state = result.chosen[name]
        if state is None:
            records.append({"name": name, "target": target, "found": False, "tried": result.tried[name]})
            continue
        card = card_for(name, result, baseline, baseline_card, len(test_split))
        save_checkpoint(state.model, output_dir / name, card)
        records.append(
            {
                "name": name,
                "found": True,
                **{
                    k: card[k]
                    for k in (
                        "kind",
                        "target",
                        "accuracy",
                        "val_accuracy",
                        "size_kb",
                        "naive_size_kb",
                        "conv_channels",
                        "fc_hidden",
                        "weight_bits",
                        "kept_channels",
                    )
                },
                "tried": result.tried[name],
            }
        )
    atomic.write_json(
        output_dir / CURVES_NAME,
        {
            "config": config.to_json(),
            "seconds": round(result.seconds, 1),
            "threads": config.threads,
            "baseline": {
                "name": config.baseline,
                "architecture": baseline.arch.to_json(),
                "accuracy": baseline_card.get("accuracy"),
            },
            "sensitivity": result.sensitivity,
            "curves": result.curves(),
            "chosen": records,
        },
    )
    return records


CONTINUED_STEP = 100_000  # the polishing seeds of the k-th continued trim start at k * this


def trim_shipped(
    name: str,
    *,
    steps: int,
    retries: int,
    epochs: int,
    learned_steps: bool,
    models_dir: str | os.PathLike = SHIPPED_DIR,
    data_dir=None,
    scheduler: str = "synchronous",
    workers: int | None = None,
    progress: bool = True,
) -> dict:
    """Continue the trim of the search's model ``name`` (``compress.search.trim``) from where
    its card says it stands: up to ``steps`` single steps (the ``retries`` next best when one
    falls short), each polished ``epochs`` epochs (learning the weight steps with
    ``learned_steps``), kept while it beats the card's target + margin on validation. The
    card's search settings do the rest, so the result is deterministic. The model is replaced
    only when a step qualified; its card and the curves record the continuation either way
    (``trims``: its settings, time, start and the states tried), and are written after every
    step kept, so an interrupted run keeps its progress. Returns that record."""
    started = time.perf_counter()
    kind = walk_of(name)
    models_dir = Path(models_dir)
    model, card = load_checkpoint(models_dir / name)
    config = dataclasses.replace(
        SearchConfig(**card["search"]),
        trim=steps,
        trim_retries=retries,
        final_epochs=epochs,
        learned_steps=learned_steps,
    )
    baseline, _ = load_checkpoint(card["baseline"]["name"])
    data = split_data(load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir), config)
    kept = [np.asarray(card["kept_channels"][width]) for width in width_names(baseline.arch)]
    state = State(model, card_bits(model, card), kept, card["action"])
    earlier = card.get("trims", [])
    record(state, data, config, CONTINUED_STEP * (len(earlier) + 1))
    if state.record["val_accuracy"] != card["val_accuracy"]:
        raise ValueError(
            f"trim_shipped: {name} measures {state.record['val_accuracy']} on validation, its card says "
            f"{card['val_accuracy']}: the card does not describe this model or split"
        )
    tried: list[dict] = []
    curves_path = models_dir / CURVES_NAME
    curves = json.loads(curves_path.read_text())
    (chosen,) = [c for c in curves["chosen"] if c["name"] == name]
    tried_before = chosen["tried"]
    start = {k: state.record[k] for k in ("size_kb", "val_accuracy", "test_accuracy", "action")}
    base_card = {k: v for k, v in card.items() if k != "architecture"}

    def save(current: State) -> dict:
        """Write the model, its card and the curves as they stand (each file atomically)."""
        entry = {
            "trim": steps,
            "trim_retries": retries,
            "final_epochs": epochs,
            "learned_steps": learned_steps,
            "seconds": round(time.perf_counter() - started, 1),
            "start": start,
            "tried": list(tried),
        }
        summary = state_summary(current, baseline) | {"accuracy": current.record["test_accuracy"]}
        new_card = base_card | summary | {"trims": [*earlier, entry]}
        save_checkpoint(current.model, models_dir / name, new_card)
        chosen.update({k: v for k, v in summary.items() if k in chosen} | {"tried": [*tried_before, *tried]})
        atomic.write_json(curves_path, curves)
        return {"name": name, "kept_step": current is not state, **summary, "trims": new_card["trims"]}

    goal = card["target"] + config.margin
    actions = walk_actions(kind, model.arch)
    with tqdm(desc=f"trimming {name}", unit="step fine-tuned", disable=not progress) as bar:

        def show(result: State) -> None:
            bar.update()
            bar.set_postfix(size_kb=f"{result.size_kb:.3f}", val=f"{result.record['val_accuracy']:.4f}")

        trimmed = trim(
            state, goal, actions, data, config, tried=tried, scheduler=scheduler, workers=workers, kept=save,
            polished=show,
        )  # fmt: skip
    return save(trimmed)


# ------------------------------------------------------------------------- shipped models


def card_bits(model: MyConvNet, card: dict) -> tuple[int, ...]:
    return tuple(card.get("weight_bits") or [FLOAT_BITS] * len(model.layers()))


def card_calibration(card: dict, train_split) -> np.ndarray:
    """The calibration images the search used for this model (same seeded split)."""
    split = card["split"]
    config = SearchConfig(
        seed=split["seed"],
        validation_images=split["validation_images"],
        ranking_images=min(2000, split["validation_images"]),
        calibration_images=split["calibration_images"],
    )
    return split_data(train_split, None, config).calibration


def evaluate_shipped(name: str, *, train_split=None, test_split=None, data_dir=None) -> dict:
    """Re-evaluate a shipped search model on the full test set (integer W+A8 path when quantized)."""
    train_split = train_split or load_fashion_mnist("train", data_dir)
    test_split = test_split or load_fashion_mnist("test", data_dir)
    model, card = load_checkpoint(name)
    bits = card_bits(model, card)
    accuracy_ = evaluate(model, bits, test_split, card_calibration(card, train_split), card.get("weight_range", "full"))
    baseline_arch = card["baseline"]["architecture"]
    return {
        "name": name,
        "card": card,
        "accuracy": accuracy_,
        "test_images": len(test_split),
        "size_kb": model_size_kb(model, list(bits)),
        "naive_size_kb": naive_size_kb(Architecture.from_json(baseline_arch), list(bits)),
        "size_breakdown": [s.to_json() for s in layer_sizes(model, list(bits))],
    }


def export_model(
    path: str | os.PathLike,
    *,
    model_name: str,
    bits: list[int] | None = None,
    data_dir=None,
    design=None,
    onnx: bool = False,
) -> dict:
    """Export a checkpoint with save_weights at its card's bit widths (or ``bits``), its layers
    mapped for ``design`` (a MatmulDesign; default the reference design)."""
    model, card = load_checkpoint(model_name)
    if card.get("kind") == "quantization-aware":
        return _export_low_bit(path, model_name, model, card, data_dir=data_dir, design=design, onnx=onnx)
    stored = card.get("weight_bits")
    if bits is None:
        bits = [8 if b == FLOAT_BITS else b for b in (stored or [8] * len(model.layers()))]
    dataset = card.get("dataset", "fashion-mnist")
    if "split" in card:
        calibration = card_calibration(card, load_fashion_mnist("train", data_dir))
    elif dataset != "fashion-mnist":  # a network trained on other images calibrates on them
        calibration = calibration_images(load_dataset(dataset, "train", data_dir), CALIBRATION_IMAGES, 0)
    else:
        calibration = None
    net = model.save_weights(
        path,
        weight_bits=list(bits),
        weight_range=card.get("weight_range", "full"),
        calibration=calibration,
        data_dir=data_dir,
        design=design,
        onnx=onnx,
    )
    return {
        "path": str(path),
        "onnx": str(Path(path) / "model.onnx") if onnx else None,
        "model": model_name,
        "weight_bits": list(bits),
        "layers": [
            {
                "name": layer.name,
                "weight_shape": list(layer.weight_q.shape),
                "M0": field_json(layer.M0),
                "n": field_json(layer.n),
                "mapping": None if layer.mapping is None else layer.mapping.to_json(),
            }
            for layer in net.layers
        ],
        "size_kb": model_size_kb(model, list(bits)),
    }


def _export_low_bit(path, name: str, model: MyConvNet, card: dict, *, data_dir, design, onnx: bool) -> dict:
    """Export a quantization-aware checkpoint's integer network (``low_bit_network``: its learned
    activation intervals at ``activation_bits``). Its sub-byte activations run on the Numba
    engine and on the dataflow accelerator (``cnnacc dataflow``); the per-layer matmul kernel
    takes 8-bit activations only and refuses them when run."""
    from compress.data import holdout
    from compress.export import GOLDEN_IMAGES, export_network
    from compress.quantize_commands import low_bit_network

    train_part, _ = holdout(load_fashion_mnist("train", data_dir))
    calibration = calibration_images(train_part, CALIBRATION_IMAGES, card["seed"])
    net = low_bit_network(model, card, calibration)
    bits = [int(card["weight_bits"])] * len(model.layers())
    extra = {"architecture": model.arch.to_json(), "weight_bits": bits}
    export_network(net, path, np.ascontiguousarray(calibration[:GOLDEN_IMAGES]), extra=extra, design=design, onnx=onnx)
    return {
        "path": str(path),
        "onnx": str(Path(path) / "model.onnx") if onnx else None,
        "model": name,
        "weight_bits": bits,
        "activation_bits": [layer.activation_bits for layer in net.layers],
        "layers": [{"name": layer.name, "weight_shape": list(layer.weight_q.shape)} for layer in net.layers],
        "size_kb": model_size_kb(model, bits),
    }
