"""``cnnacc prune``, ``cnnacc search`` and ``cnnacc export``: parsers and library entry points.

The entry points (:func:`prune_model`, :func:`search_and_ship`, :func:`export_model`,
:func:`evaluate_shipped`) do the work and return plain dicts; the ``cmd_*`` functions only
parse, call and print.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import torch

from compress.checkpoint import SHIPPED_DIR, load_checkpoint, save_checkpoint
from simulator import atomic
from compress.cli import add_data_dir, non_negative_int, positive_int
from compress.data import load_fashion_mnist
from compress.model import Architecture, MyConvNet
from compress.prune import (
    CRITERIA,
    SCOPES,
    TARGETS,
    PruneSpec,
    apply_masks,
    compact,
    fine_tune_masked,
    select_masks,
    sensitivity,
    width_names,
)
from compress.search import SearchConfig, SearchResult, State, evaluate, run_search, split_data
from compress.size import FLOAT_BITS, layer_sizes, model_size_kb, naive_size_kb
from compress.train import TrainConfig, accuracy, to_float

CURVES_NAME = "search_curves.json"
EQUIVALENCE_TOLERANCE = 1e-5  # float32 sums in a different order after compaction


# ------------------------------------------------------------------------------ prune


def masked_equals_compacted(masked: MyConvNet, small: MyConvNet, images: np.ndarray) -> float:
    """Max |logit difference| between the masked model and its compaction on ``images``."""
    with torch.no_grad():
        x = to_float(images)
        return float((masked.eval()(x) - small.eval()(x)).abs().max())


def prune_model(spec: PruneSpec, *, model_name: str = "baseline", epochs: int = 1, seed: int = 0,
                output: str | None = None, data_dir=None, progress: bool = True) -> dict:  # fmt: skip
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
        "model": model_name, "spec": dataclasses.asdict(spec),
        "kept": {name: int(m.sum()) for name, m in zip(width_names(model.arch), masks)},
        "architecture": small.arch.to_json(), "accuracy_before_fine_tuning": before,
        "accuracy": accuracy(small, test_split), "test_images": len(test_split), "epochs": epochs,
        "size_kb": model_size_kb(small), "naive_size_kb": naive_size_kb(model),
        "max_abs_difference_masked_vs_compacted": difference,
    }  # fmt: skip
    if output:
        save_checkpoint(small, output, {k: v for k, v in result.items() if k != "architecture"})
        result["output"] = output
    return result


def prune_sensitivity(*, model_name: str = "baseline", target: str = "filter", criterion: str = "l1",
                      fractions=(0.25, 0.5, 0.75, 0.9), data_dir=None) -> dict:  # fmt: skip
    """Test accuracy when each width alone loses each fraction of its channels (no fine-tuning)."""
    for i, f in enumerate(fractions):
        if not 0.0 <= f < 1.0:
            raise ValueError(f"prune --sensitivity: fractions[{i}]={f!r} is out of range; expected [0, 1)")
    test_split = load_fashion_mnist("test", data_dir)
    model, _ = load_checkpoint(model_name)
    curves = sensitivity(model, test_split, fractions=tuple(fractions), target=target, criterion=criterion)
    return {"model": model_name, "target": target, "criterion": criterion, "fractions": list(fractions),
            "accuracy": accuracy(model, test_split), "curves": curves}  # fmt: skip


# ------------------------------------------------------------------------------ search


def state_summary(state: State, baseline: MyConvNet) -> dict:
    """What the --json output and the card say about a chosen state."""
    return {
        "conv_channels": list(state.model.arch.conv_channels), "fc_hidden": list(state.model.arch.fc_hidden),
        "weight_bits": list(state.bits), "size_kb": state.size_kb,
        "naive_size_kb": model_size_kb(baseline, list(state.bits)),
        "size_breakdown": [s.to_json() for s in layer_sizes(state.model, list(state.bits))],
        "kept_channels": {f"{name}": k.tolist() for name, k in zip(width_names(baseline.arch), state.kept)},
        "val_accuracy": state.record["val_accuracy"], "test_accuracy": state.record["test_accuracy"],
        "action": state.action,
    }  # fmt: skip


def card_for(name: str, result: SearchResult, baseline: MyConvNet, baseline_card: dict, test_images: int) -> dict:
    state = result.chosen[name]
    summary = state_summary(state, baseline)
    config = result.config
    return {
        "kind": "pruning" if name.startswith("pruned") else "combined", "target": result.targets[name],
        "accuracy": summary["test_accuracy"], "test_images": test_images, **summary,
        "weight_range": config.weight_range, "activation_bits": None if FLOAT_BITS in state.bits else 8,
        "baseline": {"name": config.baseline, "architecture": baseline.arch.to_json(),
                     "accuracy": baseline_card.get("accuracy")},
        "split": {"seed": config.seed, "validation_images": config.validation_images,
                  "calibration_images": config.calibration_images},
        "search": config.to_json(), "search_seconds": round(result.seconds, 1), "curves": CURVES_NAME,
    }  # fmt: skip


def search_and_ship(config: SearchConfig, *, output_dir: str | os.PathLike = SHIPPED_DIR, data_dir=None,
                    progress: bool = True) -> list[dict]:  # fmt: skip
    """Run the search from the named baseline and save every chosen model with its card,
    plus the measured curves (``search_curves.json``); returns one record per target."""
    train_split, test_split = load_fashion_mnist("train", data_dir), load_fashion_mnist("test", data_dir)
    baseline, baseline_card = load_checkpoint(config.baseline)
    data = split_data(train_split, test_split, config)
    result = run_search(baseline, data, config, progress=progress)
    output_dir = Path(output_dir)
    records = []
    for name, target in result.targets.items():
        state = result.chosen[name]
        if state is None:
            records.append({"name": name, "target": target, "found": False})
            continue
        card = card_for(name, result, baseline, baseline_card, len(test_split))
        save_checkpoint(state.model, output_dir / name, card)
        records.append({"name": name, "found": True, **{k: card[k] for k in (
            "kind", "target", "accuracy", "val_accuracy", "size_kb", "naive_size_kb", "conv_channels", "fc_hidden",
            "weight_bits", "kept_channels")}})  # fmt: skip
    atomic.write_json(output_dir / CURVES_NAME, {
        "config": config.to_json(), "seconds": round(result.seconds, 1), "threads": config.threads,
        "baseline": {"name": config.baseline, "architecture": baseline.arch.to_json(),
                     "accuracy": baseline_card.get("accuracy")},
        "sensitivity": result.sensitivity, "curves": result.curves(), "chosen": records,
    })  # fmt: skip
    return records


# ------------------------------------------------------------------------- shipped models


def card_bits(model: MyConvNet, card: dict) -> tuple[int, ...]:
    return tuple(card.get("weight_bits") or [FLOAT_BITS] * len(model.layers()))


def card_calibration(card: dict, train_split) -> np.ndarray:
    """The calibration images the search used for this model (same seeded split)."""
    split = card["split"]
    config = SearchConfig(seed=split["seed"], validation_images=split["validation_images"],
                          ranking_images=min(2000, split["validation_images"]),
                          calibration_images=split["calibration_images"])  # fmt: skip
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
        "name": name, "card": card, "accuracy": accuracy_, "test_images": len(test_split),
        "size_kb": model_size_kb(model, list(bits)),
        "naive_size_kb": naive_size_kb(Architecture.from_json(baseline_arch), list(bits)),
        "size_breakdown": [s.to_json() for s in layer_sizes(model, list(bits))],
    }  # fmt: skip


def export_model(path: str | os.PathLike, *, model_name: str, bits: list[int] | None = None, data_dir=None) -> dict:
    """Export a checkpoint with save_weights at its card's bit widths (or ``bits``)."""
    model, card = load_checkpoint(model_name)
    stored = card.get("weight_bits")
    if bits is None:
        bits = [8 if b == FLOAT_BITS else b for b in (stored or [8] * len(model.layers()))]
    calibration = card_calibration(card, load_fashion_mnist("train", data_dir)) if "split" in card else None
    net = model.save_weights(path, weight_bits=list(bits), weight_range=card.get("weight_range", "full"),
                             calibration=calibration, data_dir=data_dir)  # fmt: skip
    return {
        "path": str(path), "model": model_name, "weight_bits": list(bits),
        "layers": [{"name": layer.name, "weight_shape": list(layer.weight_q.shape), "M0": layer.M0, "n": layer.n}
                   for layer in net.layers],
        "size_kb": model_size_kb(model, list(bits)),
    }  # fmt: skip


# ------------------------------------------------------------------------------ commands


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"{value} is out of range; expected a fraction in [0, 1)")
    return value


def accuracy_target(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.1 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"{value} is out of range; expected an accuracy in [0.1, 1), e.g. 0.85")
    return value


def cmd_prune(args: argparse.Namespace) -> None:
    if args.sensitivity:
        fractions = tuple(args.fraction or (0.25, 0.5, 0.75, 0.9))
        result = prune_sensitivity(model_name=args.model, target=args.target, criterion=args.criterion,
                                   fractions=fractions, data_dir=args.data_dir)  # fmt: skip
        if args.json:
            print(json.dumps(result, indent=2))
            return
        print(f"{args.target}-wise {args.criterion}, test accuracy (%) by fraction pruned " + " ".join(
            f"{f:5.2f}" for f in result["fractions"]))  # fmt: skip
        for name, curve in result["curves"].items():
            print(f"  {name:6s}" + " ".join(f"{100 * a:5.1f}" for a in curve))
        return
    if (args.fraction is None) == (args.threshold is None):
        raise ValueError("prune: give exactly one of --fraction and --threshold")
    spec = PruneSpec(target=args.target, criterion=args.criterion, scope=args.scope, multiple=args.multiple,
                     fractions=tuple(args.fraction) if args.fraction else None, threshold=args.threshold)  # fmt: skip
    result = prune_model(spec, model_name=args.model, epochs=args.epochs, seed=args.seed, output=args.output,
                         data_dir=args.data_dir, progress=not args.quiet)  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2))
        return
    kept = ", ".join(f"{k} {v}" for k, v in result["kept"].items())
    print(f"kept {kept}; accuracy {100 * result['accuracy']:.2f} % (before fine-tuning "
          f"{100 * result['accuracy_before_fine_tuning']:.2f} %); size {result['size_kb']:.2f} KB "
          f"(naive {result['naive_size_kb']:.2f} KB)" + (f"; saved {args.output}" if args.output else ""))  # fmt: skip


def cmd_search(args: argparse.Namespace) -> None:
    config = SearchConfig(baseline=args.baseline, targets=tuple(args.target), prune_target=args.prune_target,
                          seed=args.seed, multiple=args.multiple, threads=args.threads, margin=args.margin,
                          step_images=args.step_images, final_epochs=args.final_epochs)  # fmt: skip
    records = search_and_ship(config, output_dir=args.output_dir, data_dir=args.data_dir, progress=not args.quiet)
    if args.json:
        print(json.dumps(records, indent=2))
        return
    for r in records:
        if not r["found"]:
            print(f"{r['name']}: no state of the walk reached {100 * r['target']:.0f} % on validation")
            continue
        print(f"{r['name']}: test {100 * r['accuracy']:.2f} % (val {100 * r['val_accuracy']:.2f} %), "
              f"{r['size_kb']:.2f} KB (naive {r['naive_size_kb']:.2f} KB), conv {r['conv_channels']} "
              f"fc {r['fc_hidden']}, weight bits {r['weight_bits']}")  # fmt: skip


def cmd_export(args: argparse.Namespace) -> None:
    result = export_model(args.path, model_name=args.model, bits=args.bits, data_dir=args.data_dir)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"exported {args.model} (weight bits {result['weight_bits']}, {result['size_kb']:.2f} KB) to {args.path}")


def register(subparsers) -> None:
    """Add the ``prune``, ``search`` and ``export`` commands to the cnnacc parser."""
    prune = subparsers.add_parser(
        "prune", help="structured pruning of a checkpoint: masks, fine-tuning with masks enforced, compaction",
        description="Prune whole filters/channels (conv) and neurons (FC) by fraction or threshold, fine-tune with "
        "the masks enforced, compact to a smaller dense MyConvNet and report its size. --sensitivity instead "
        "sweeps each width alone (no fine-tuning).",
    )  # fmt: skip
    prune.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    prune.add_argument("--target", default="filter", choices=TARGETS,
                       help="score a channel by its filter or by the next layer's inputs (default filter)")
    prune.add_argument("--criterion", default="l1", choices=CRITERIA, help="norm of the scored weights (default l1)")
    prune.add_argument("--scope", default="layer", choices=SCOPES,
                       help="rank channels within each layer or across the network (default layer)")
    prune.add_argument("--fraction", type=fraction, nargs="+", metavar="F",
                       help="fraction in [0, 1) of channels to drop: one for all widths or one per width "
                       "(conv1 conv2 ... fc1 ...); with --sensitivity the fractions to sweep "
                       "(default 0.25 0.5 0.75 0.9)")
    prune.add_argument("--threshold", type=float, metavar="T",
                       help="drop channels scoring below T x their layer's mean score (layer scope) or below T "
                       "(global scope, mean |w| units); instead of --fraction")
    prune.add_argument("--multiple", type=positive_int, default=1,
                       help="round kept channel counts up to a multiple of this, e.g. the PE array width (default 1)")
    prune.add_argument("--epochs", type=non_negative_int, default=1,
                       help="fine-tuning epochs with the masks enforced (default 1)")
    prune.add_argument("--seed", type=non_negative_int, default=0, help="fine-tuning seed (default 0)")
    prune.add_argument("--output", metavar="NAME",
                       help="save the compacted model as this checkpoint name or path stem (default: not saved)")
    prune.add_argument("--sensitivity", action="store_true", help="sweep each width alone instead of pruning")
    prune.add_argument("--json", action="store_true", help="print the result as JSON")
    prune.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(prune)
    prune.set_defaults(func=cmd_prune)

    search = subparsers.add_parser(
        "search", help="search pruning fractions and weight bits for the smallest model per accuracy target",
        description="Greedy, deterministic walk over per-layer pruning (25 % steps, filter- or channel-wise) and "
        "per-layer weight bits (8 6 5 4 3 2, activations 8-bit) with fine-tuning, decided on a validation slice "
        "of the training set; ships the smallest model per target and the measured curves. "
        "About 10-15 minutes on 2 cores.",
    )  # fmt: skip
    search.add_argument("--target", type=accuracy_target, nargs="+", default=[0.80, 0.85, 0.90],
                        help="test-accuracy targets of pruning + quantization (default 0.80 0.85 0.90)")
    search.add_argument("--prune-target", type=accuracy_target, default=0.85,
                        help="accuracy target of pruning only, FP32 (default 0.85)")
    search.add_argument("--baseline", default="baseline", help="checkpoint to start from (default: baseline)")
    search.add_argument("--seed", type=non_negative_int, default=0, help="seed of splits and training (default 0)")
    search.add_argument("--multiple", type=positive_int, default=1,
                        help="keep channel counts multiples of this, e.g. the PE array width (default 1)")
    search.add_argument("--margin", type=float, default=SearchConfig.margin,
                        help=f"validation accuracy must beat the target by this (default {SearchConfig.margin})")
    search.add_argument("--step-images", type=positive_int, default=SearchConfig.step_images,
                        help=f"training images of the fine-tuning after each step (default {SearchConfig.step_images})")
    search.add_argument("--final-epochs", type=non_negative_int, default=SearchConfig.final_epochs,
                        help=f"epochs of fine-tuning of the chosen models (default {SearchConfig.final_epochs})")
    search.add_argument("--threads", type=positive_int, default=SearchConfig.threads,
                        help=f"torch threads (default {SearchConfig.threads}: fastest on 2 shared cores)")
    search.add_argument("--output-dir", default=str(SHIPPED_DIR), metavar="DIR",
                        help="where the chosen models, their cards and search_curves.json go "
                        "(default: the shipped-models folder compress/models)")
    search.add_argument("--json", action="store_true",
                        help="print per target: accuracy, size_kb, naive_size_kb, channels kept, weight bits")
    search.add_argument("--quiet", action="store_true", help="no progress bars")
    add_data_dir(search)
    search.set_defaults(func=cmd_search)

    export = subparsers.add_parser(
        "export", help="save_weights: integer weights and quantization parameters for the accelerator",
        description="Write PATH/{weights.npz, manifest.json, network.h, golden.npz} (format: simulator/export.py) "
        "for a checkpoint, at the weight bits of its card (8 for float checkpoints) unless --bits is given.",
    )  # fmt: skip
    export.add_argument("path", metavar="PATH", help="output folder (created if needed)")
    export.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    export.add_argument("--bits", type=int, nargs="+", metavar="B",
                        help="weight bits in 2..8, one for all layers or one per layer (default: the card's, else 8)")
    export.add_argument("--json", action="store_true", help="print the exported layers as JSON")
    add_data_dir(export)
    export.set_defaults(func=cmd_export)
