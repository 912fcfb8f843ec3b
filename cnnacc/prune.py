"""``cnnacc prune``, ``cnnacc search`` and ``cnnacc export``: structured pruning, the combined
pruning + quantization search, and save_weights (spec Part 1 Steps 2 and 3)."""

from __future__ import annotations

import argparse
import json

from cnnacc.args import add_data_dir, add_scheduler_options, bounded
from cnnacc.simulate import add_design_options, design_from_args
from compress.prune_spec import CRITERIA, SCOPES, TARGETS, PruneSpec
from compress.search_config import SHIPPED_DIR, SearchConfig
from simulator.hardware.designs import MatmulDesign

fraction = bounded(float, 0.0, 1.0, upper_open=True, what="a fraction")
accuracy_target = bounded(float, 0.1, 1.0, upper_open=True, what="an accuracy", hint=", e.g. 0.85")
positive_int = bounded(int, 1)
non_negative_int = bounded(int, 0)


def cmd_prune(args: argparse.Namespace) -> None:
    from compress.shipping import prune_model, prune_sensitivity  # torch: loaded by the commands that train

    if args.sensitivity:
        fractions = tuple(args.fraction or (0.25, 0.5, 0.75, 0.9))
        result = prune_sensitivity(
            model_name=args.model,
            target=args.target,
            criterion=args.criterion,
            fractions=fractions,
            data_dir=args.data_dir,
        )
        if args.json:
            print(json.dumps(result, indent=2))
            return
        print(
            f"{args.target}-wise {args.criterion}, test accuracy (%) by fraction pruned "
            + " ".join(f"{f:5.2f}" for f in result["fractions"])
        )
        for name, curve in result["curves"].items():
            print(f"  {name:6s}" + " ".join(f"{100 * a:5.1f}" for a in curve))
        return
    if (args.fraction is None) == (args.threshold is None):
        raise ValueError("prune: give exactly one of --fraction and --threshold")
    spec = PruneSpec(
        target=args.target,
        criterion=args.criterion,
        scope=args.scope,
        multiple=args.multiple,
        fractions=tuple(args.fraction) if args.fraction else None,
        threshold=args.threshold,
    )
    result = prune_model(
        spec,
        model_name=args.model,
        epochs=args.epochs,
        seed=args.seed,
        output=args.output,
        data_dir=args.data_dir,
        progress=not args.quiet,
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    kept = ", ".join(f"{k} {v}" for k, v in result["kept"].items())
    print(
        f"kept {kept}; accuracy {100 * result['accuracy']:.2f} % (before fine-tuning "
        f"{100 * result['accuracy_before_fine_tuning']:.2f} %); size {result['size_kb']:.2f} KB "
        f"(naive {result['naive_size_kb']:.2f} KB)" + (f"; saved {args.output}" if args.output else "")
    )


def cmd_search(args: argparse.Namespace) -> None:
    from compress.shipping import search_and_ship  # torch: loaded by the commands that train

    config = SearchConfig(
        baseline=args.baseline,
        targets=tuple(args.target),
        prune_target=args.prune_target,
        seed=args.seed,
        multiple=args.multiple,
        threads=args.threads,
        margin=args.margin,
        step_images=args.step_images,
        final_epochs=args.final_epochs,
        trim=args.trim,
        trim_retries=args.trim_retries,
        learned_steps=args.learned_steps,
    )
    records = search_and_ship(
        config,
        output_dir=args.output_dir,
        data_dir=args.data_dir,
        progress=not args.quiet,
        scheduler=args.scheduler,
        workers=args.workers,
    )
    if args.json:
        print(json.dumps(records, indent=2))
        return
    for r in records:
        if not r["found"]:
            print(f"{r['name']}: no state of the walk reached {100 * r['target']:.0f} % on validation")
            continue
        print(
            f"{r['name']}: test {100 * r['accuracy']:.2f} % (val {100 * r['val_accuracy']:.2f} %), "
            f"{r['size_kb']:.2f} KB (naive {r['naive_size_kb']:.2f} KB), conv {r['conv_channels']} "
            f"fc {r['fc_hidden']}, weight bits {r['weight_bits']}"
        )


def cmd_trim(args: argparse.Namespace) -> None:
    from compress.shipping import trim_shipped  # torch: loaded by the commands that train

    result = trim_shipped(
        args.model,
        steps=args.steps,
        retries=args.retries,
        epochs=args.epochs,
        learned_steps=args.learned_steps,
        models_dir=args.models_dir,
        data_dir=args.data_dir,
        scheduler=args.scheduler,
        workers=args.workers,
        progress=not args.quiet,
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    start = result["trims"][-1]["start"]
    verdict = "trimmed" if result["kept_step"] else "no step qualified; unchanged"
    print(
        f"{result['name']}: {verdict}: {start['size_kb']:.3f} KB (val {100 * start['val_accuracy']:.2f} %) -> "
        f"{result['size_kb']:.3f} KB (val {100 * result['val_accuracy']:.2f} %, test "
        f"{100 * result['accuracy']:.2f} %), conv {result['conv_channels']} fc {result['fc_hidden']}, "
        f"weight bits {result['weight_bits']}"
    )


def cmd_budget_study(args: argparse.Namespace) -> None:
    from compress.budget_study import ship_budget_study  # torch: loaded by the commands that train

    study = ship_budget_study(
        models_dir=args.models_dir,
        epochs=args.epochs,
        data_dir=args.data_dir,
        progress=not args.quiet,
        scheduler=args.scheduler,
        workers=args.workers,
    )
    if args.json:
        print(json.dumps(study, indent=2))
        return
    for p in study["points"]:
        print(
            f"{p['label']:28s} widths {'/'.join(str(k) for k in p['kept'].values()):12s} "
            f"{p['size_kb']:8.2f} KB  val {100 * p['val_accuracy']:.2f} %  test {100 * p['test_accuracy']:.2f} %"
        )


def cmd_export(args: argparse.Namespace) -> None:
    from compress.shipping import export_model  # torch: loaded by the commands that train

    design = design_from_args(MatmulDesign, args)
    result = export_model(
        args.path, model_name=args.model, bits=args.bits, data_dir=args.data_dir, design=design, onnx=args.onnx
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"exported {args.model} (weight bits {result['weight_bits']}, {result['size_kb']:.2f} KB) to {args.path}")


def add_learned_steps(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--learned-steps",
        action="store_true",
        help="fine-tuning learns each layer's weight step size (LSQ) instead of re-observing it",
    )


def register(subparsers) -> None:
    """Add the ``prune``, ``search`` and ``export`` commands to the cnnacc parser."""
    prune = subparsers.add_parser(
        "prune",
        help="structured pruning of a checkpoint: masks, fine-tuning with masks enforced, compaction",
        description="Prune whole filters/channels (conv) and neurons (FC) by fraction or threshold, fine-tune with "
        "the masks enforced, compact to a smaller dense MyConvNet and report its size. --sensitivity instead "
        "sweeps each width alone (no fine-tuning).",
    )
    prune.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    prune.add_argument(
        "--target",
        default="filter",
        choices=TARGETS,
        help="score a channel by its filter or by the next layer's inputs (default filter)",
    )
    prune.add_argument("--criterion", default="l1", choices=CRITERIA, help="norm of the scored weights (default l1)")
    prune.add_argument(
        "--scope",
        default="layer",
        choices=SCOPES,
        help="rank channels within each layer or across the network (default layer)",
    )
    prune.add_argument(
        "--fraction",
        type=fraction,
        nargs="+",
        metavar="F",
        help="fraction in [0, 1) of channels to drop: one for all widths or one per width "
        "(conv1 conv2 ... fc1 ...); with --sensitivity the fractions to sweep "
        "(default 0.25 0.5 0.75 0.9)",
    )
    prune.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="drop channels scoring below T x their layer's mean score (layer scope) or below T "
        "(global scope, mean |w| units); instead of --fraction",
    )
    prune.add_argument(
        "--multiple",
        type=positive_int,
        default=1,
        help="round kept channel counts up to a multiple of this, e.g. the PE array width (default 1)",
    )
    prune.add_argument(
        "--epochs", type=non_negative_int, default=1, help="fine-tuning epochs with the masks enforced (default 1)"
    )
    prune.add_argument("--seed", type=non_negative_int, default=0, help="fine-tuning seed (default 0)")
    prune.add_argument(
        "--output",
        metavar="NAME",
        help="save the compacted model as this checkpoint name or path stem (default: not saved)",
    )
    prune.add_argument("--sensitivity", action="store_true", help="sweep each width alone instead of pruning")
    prune.add_argument("--json", action="store_true", help="print the result as JSON")
    prune.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(prune)
    prune.set_defaults(func=cmd_prune)

    search = subparsers.add_parser(
        "search",
        help="search pruning fractions and weight bits for the smallest model per accuracy target",
        description="Greedy, deterministic walks over per-layer pruning (25 % steps, filter- or channel-wise) and "
        "per-layer weight bits (8 6 5 4 3 2, activations 8-bit) with fine-tuning, decided on the baseline's "
        "5,000-image validation hold-out (never trained on): all widths with both rules, the conv layers "
        "filter-wise only and channel-wise only (spec Task 1), and pruning + quantization per target; ships "
        "the smallest model of each and the measured curves. About 2.5 hours on 2 cores (--scheduler local).",
    )
    search.add_argument(
        "--target",
        type=accuracy_target,
        nargs="+",
        default=[0.80, 0.85, 0.90],
        help="test-accuracy targets of pruning + quantization (default 0.80 0.85 0.90)",
    )
    search.add_argument(
        "--prune-target",
        type=accuracy_target,
        default=0.85,
        help="accuracy target of pruning only, FP32 (default 0.85)",
    )
    search.add_argument("--baseline", default="baseline", help="checkpoint to start from (default: baseline)")
    search.add_argument("--seed", type=non_negative_int, default=0, help="seed of splits and training (default 0)")
    search.add_argument(
        "--multiple",
        type=positive_int,
        default=1,
        help="keep channel counts multiples of this, e.g. the PE array width (default 1)",
    )
    search.add_argument(
        "--margin",
        type=float,
        default=SearchConfig.margin,
        help=f"validation accuracy must beat the target by this (default {SearchConfig.margin})",
    )
    search.add_argument(
        "--step-images",
        type=positive_int,
        default=SearchConfig.step_images,
        help=f"training images of the fine-tuning after each step (default {SearchConfig.step_images})",
    )
    search.add_argument(
        "--final-epochs",
        type=non_negative_int,
        default=SearchConfig.final_epochs,
        help=f"epochs of fine-tuning of the chosen models (default {SearchConfig.final_epochs})",
    )
    search.add_argument(
        "--trim",
        type=non_negative_int,
        default=SearchConfig.trim,
        help="after the bisection, up to this many finer steps on each chosen model (one channel or one bit "
        f"level, the walk's best, each fine-tuned as long; kept while it still qualifies; default {SearchConfig.trim})",
    )
    search.add_argument(
        "--trim-retries",
        type=non_negative_int,
        default=SearchConfig.trim_retries,
        help="when a trim step falls short, try up to this many next best steps before the trim ends "
        f"(each fine-tuned as long; default {SearchConfig.trim_retries})",
    )
    add_learned_steps(search)
    search.add_argument(
        "--threads",
        type=positive_int,
        default=SearchConfig.threads,
        help=f"torch threads (default {SearchConfig.threads}: fastest on 2 shared cores)",
    )
    add_scheduler_options(search, work="the walks and the chosen models' fine-tuning")
    search.add_argument(
        "--output-dir",
        default=str(SHIPPED_DIR),
        metavar="DIR",
        help="where the chosen models, their cards and search_curves.json go "
        "(default: the shipped-models folder compress/models)",
    )
    search.add_argument(
        "--json",
        action="store_true",
        help="print per target: accuracy, size_kb, naive_size_kb, channels kept, weight bits",
    )
    search.add_argument("--quiet", action="store_true", help="no progress bars")
    add_data_dir(search)
    search.set_defaults(func=cmd_search)

    trim = subparsers.add_parser(
        "trim",
        help="continue the trim of a model the search shipped, with longer fine-tuning",
        description="Continue where the search's trim of MODEL stopped: up to --steps single steps (one channel of "
        "a width or one bit level of a layer, the walk's best by its score; when one falls short, its --retries "
        "next best), each fine-tuned --epochs epochs and kept while it beats the card's target + margin on the "
        "validation hold-out. Everything else (split, seeds, observers) comes from the card, so the result is "
        "deterministic. The model is replaced only when a step qualified; its card and search_curves.json "
        "record the continuation either way, after every step kept (an interrupted run keeps them). A step "
        "fine-tuned takes about 5 minutes of one core at 20 epochs; --scheduler local fine-tunes a step and its "
        "next best on every core at once, which pays when steps often fall short.",
    )
    trim.add_argument("model", metavar="MODEL", help="a model of the search, e.g. search_90")
    trim.add_argument("--steps", type=positive_int, default=8, help="most steps to take (default 8)")
    trim.add_argument(
        "--retries", type=non_negative_int, default=3, help="next best steps tried when one falls short (default 3)"
    )
    trim.add_argument("--epochs", type=positive_int, default=20, help="epochs of fine-tuning per step (default 20)")
    add_learned_steps(trim)
    add_scheduler_options(trim, work="the fine-tuning of a step and its next best")
    trim.add_argument(
        "--models-dir",
        default=str(SHIPPED_DIR),
        metavar="DIR",
        help="folder of the model, its card and search_curves.json (default: compress/models)",
    )
    trim.add_argument("--json", action="store_true", help="print the new card's summary and every continuation")
    trim.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(trim)
    trim.set_defaults(func=cmd_trim)

    budget = subparsers.add_parser(
        "budget-study",
        help="prune by fraction and by threshold, and rebuild Task 2b's models, all at one training budget",
        description="Every model built from the baseline and fine-tuned for the same --epochs (quantization-aware "
        "at its weight bits), measured on the search's validation hold-out and the full test set: filter-wise and "
        "channel-wise pruning of every width by fraction (0.25 0.5 0.75 0.875) and by threshold (0.75 1 1.1 1.25 "
        "times the layer's mean L1 score), and the structures Task 2b compares (per technique and accuracy loss, "
        "the smallest point of the search's walk within it). Writes budget_study.json beside search_curves.json "
        "(compress/budget_study.py). About 10 minutes on 2 cores (--scheduler local).",
    )
    budget.add_argument("--epochs", type=positive_int, default=3, help="fine-tuning epochs of every model (default 3)")
    budget.add_argument(
        "--models-dir",
        default=str(SHIPPED_DIR),
        metavar="DIR",
        help="folder of the baseline and search_curves.json, where budget_study.json goes (default: compress/models)",
    )
    add_scheduler_options(budget, work="the models' fine-tuning")
    budget.add_argument("--json", action="store_true", help="print the study as JSON")
    budget.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(budget)
    budget.set_defaults(func=cmd_budget_study)

    export = subparsers.add_parser(
        "export",
        help="save_weights: integer weights and quantization parameters for the accelerator",
        description="Write PATH/{weights.npz, manifest.json, network.h, golden.npz} (format: "
        "simulator/network/export.py) for a checkpoint, at the weight bits of its card (8 for float checkpoints) "
        "unless --bits is given. Every "
        "layer is mapped for the matmul design given by the options below (default: the reference design) and its "
        "weights are stored as that mapping's tiled device image.",
    )
    export.add_argument("path", metavar="PATH", help="output folder (created if needed)")
    export.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    export.add_argument(
        "--bits",
        type=int,
        nargs="+",
        metavar="B",
        help="weight bits in 2..8, one for all layers or one per layer (default: the card's, else 8)",
    )
    export.add_argument(
        "--onnx",
        action="store_true",
        help="also write PATH/model.onnx: QLinearConv / MaxPool / Max (ReLU) with the export's exact scales and "
        "zero points, uint8 codes in and out (ONNX Runtime runs it)",
    )
    export.add_argument("--json", action="store_true", help="print the exported layers as JSON")
    add_design_options(export, MatmulDesign)
    add_data_dir(export)
    export.set_defaults(func=cmd_export)
