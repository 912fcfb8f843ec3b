"""``cnnacc quantize``: post-training quantization, one scheme or the whole study."""

from __future__ import annotations

import argparse
import json

from cnnacc.args import add_data_dir, add_scheduler_options, bounded

positive_int = bounded(int, 1)
learning_rate = bounded(float, 1e-6, 1.0)
non_negative_int = bounded(int, 0)


def cmd_quantize(args: argparse.Namespace) -> None:
    from compress.quantize_commands import quantize_aware, quantize_one, quantize_study
    from compress.study import STUDY_BITS

    if args.qat is not None:
        card = quantize_aware(
            args.model,
            bits=args.bits[0] if args.bits else (4 if args.qat is not None else 8),
            activations=4 if args.activations is None else args.activations,
            edge_bits=args.edge_bits,
            granularity=args.granularity,
            epochs=args.qat,
            learning_rate=args.learning_rate,
            seed=args.seed,
            output=args.output,
            data_dir=args.data_dir,
            progress=not args.json,
        )
        print(
            json.dumps(card, indent=2)
            if args.json
            else f"{args.output}: integer network test {100 * card['accuracy']:.2f} % "
            f"(validation {100 * card['val_accuracy']:.2f} %)"
        )
        return
    if args.study:
        study_bits = tuple(args.bits) if args.bits else STUDY_BITS
        records = quantize_study(
            args.model,
            bits=study_bits,
            seed=args.seed,
            data_dir=args.data_dir,
            progress=not args.json,
            scheduler=args.scheduler,
            workers=args.workers,
        )
        if args.json:
            print(json.dumps([r.to_json() for r in records], indent=2))
        else:
            for r in records:
                activations = "float" if r.activations is None else f"{r.activations}-bit"
                print(f"{r.label:36s} W{r.bits:<2d} A {activations:7s} {100 * r.accuracy:6.2f} %")
        return
    result = quantize_one(
        args.model,
        scheme=args.scheme,
        granularity=args.granularity,
        range_name=args.range,
        percentile=args.percentile,
        bits=args.bits[0] if args.bits else 8,
        activations=args.activations,
        seed=args.seed,
        data_dir=args.data_dir,
    )
    print(json.dumps(result, indent=2) if args.json else f"accuracy {100 * result['accuracy']:.2f} %")


def register(subparsers) -> None:
    quantize = subparsers.add_parser(
        "quantize",
        help="post-training quantization: one scheme, or the whole study (--study)",
        description="Quantize the weights (and optionally activations) of a checkpoint and measure the "
        "accuracy on the full test set. --study runs every scheme at every bit width.",
    )
    quantize.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    quantize.add_argument("--study", action="store_true", help="run every scheme x bit width (W-only and W+A)")
    quantize.add_argument("--scheme", default="asymmetric", help="symmetric | asymmetric (default asymmetric)")
    quantize.add_argument("--granularity", default="layer", help="global | layer | channel (default layer)")
    quantize.add_argument("--range", default="full", help="full | percentile | mse | kl (default full)")
    quantize.add_argument("--percentile", type=float, default=99.99, help="percentile in (50, 100] (default 99.99)")
    quantize.add_argument(
        "--bits",
        type=int,
        nargs="+",
        default=None,
        help="weight bit width(s) in 2..16 (default 8, with --qat 4; with --study: the widths to study, default "
        "2 3 4 5 6 8 12 16)",
    )
    quantize.add_argument(
        "--activations", type=int, default=None, help="activation bit width in 2..16 (default: float activations)"
    )
    quantize.add_argument(
        "--qat",
        type=positive_int,
        default=None,
        metavar="EPOCHS",
        help="quantization-aware fine-tuning for EPOCHS epochs: weights at --bits (MSE clip; --granularity layer: "
        "asymmetric per layer, channel: symmetric per output channel, each with its own multiplier), hidden "
        "activations at --activations (default 4) with learned PACT bounds, input and logits at --edge-bits; "
        "saves the checkpoint --output with its integer network's card",
    )
    quantize.add_argument("--edge-bits", type=int, default=8, help="with --qat: input pixels and logits (default 8)")
    quantize.add_argument(
        "--learning-rate", type=learning_rate, default=1e-3, help="with --qat: Adam's learning rate (default 1e-3)"
    )
    quantize.add_argument("--output", default="w4a4", help="with --qat: checkpoint name or path (default w4a4)")
    add_scheduler_options(quantize, work="the configurations of --study")
    quantize.add_argument("--seed", type=non_negative_int, default=0, help="calibration subset seed (default 0)")
    quantize.add_argument("--json", action="store_true", help="print records / the result as JSON")
    add_data_dir(quantize)
    quantize.set_defaults(func=cmd_quantize)
