"""``cnnacc train`` and ``cnnacc evaluate``: the FP32 MyConvNet baseline."""

from __future__ import annotations

import argparse
import json

from cnnacc.args import add_data_dir, bounded

positive_int = bounded(int, 1)
non_negative_int = bounded(int, 0)


def cmd_train(args: argparse.Namespace) -> None:
    from compress.baseline import train_baseline

    card = train_baseline(
        output=args.output,
        epochs=args.epochs,
        seed=args.seed,
        data_dir=args.data_dir,
        progress=not args.quiet,
        arch=args.arch,
        dataset=args.dataset,
    )
    print(json.dumps(card, indent=2) if args.json else f"accuracy {card['accuracy']:.4f}, saved {args.output}")


def cmd_evaluate(args: argparse.Namespace) -> None:
    from compress.baseline import evaluate_checkpoint

    result = evaluate_checkpoint(args.model, data_dir=args.data_dir)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.model}: accuracy {result['accuracy']:.4f} on {result['images']} test images")


def register(subparsers) -> None:
    train = subparsers.add_parser("train", help="train MyConvNet (reproduces the shipped baseline checkpoint)")
    train.add_argument("--epochs", type=non_negative_int, default=15, help="training epochs (default 15)")
    train.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")
    train.add_argument(
        "--output", default="baseline", help="checkpoint name (shipped folder) or path stem (default: baseline)"
    )
    train.add_argument(
        "--arch",
        default=None,
        help="the network as text: cN,p per conv block (3x3 conv of N channels, ReLU, 2x2 max-pool), then fN "
        "per fully connected layer, the last one the classes (default MyConvNet: c16,p,c32,p,f256,f10)",
    )
    train.add_argument(
        "--dataset",
        default="fashion-mnist",
        choices=("fashion-mnist", "cifar10"),
        help="fashion-mnist (IDX files) or cifar10 (its python batches in --data-dir); default fashion-mnist",
    )
    train.add_argument("--json", action="store_true", help="print the checkpoint card as JSON")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(train)
    train.set_defaults(func=cmd_train)

    evaluate = subparsers.add_parser("evaluate", help="accuracy of a checkpoint on the full 10k test set")
    evaluate.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    evaluate.add_argument("--json", action="store_true", help="print {accuracy, images, per_class, ...} as JSON")
    add_data_dir(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)
