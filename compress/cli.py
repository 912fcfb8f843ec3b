"""The ``cnnacc`` command line: thin commands over the library.

Every command parses its options, calls library functions and prints. Errors raised for
bad input (ValueError, TypeError, FileNotFoundError and the dataset errors) become one
line on stderr and exit status 2; there is never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse with single-line errors that point at --help."""

    def error(self, message: str):  # noqa: D102 (argparse API)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is out of range; expected an integer >= 1")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is out of range; expected an integer >= 0")
    return value


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder with the Fashion-MNIST IDX .gz files "
        "(default: $CNNACC_DATA_DIR, else /usr/share/datasets/fashion-mnist)",
    )


# ------------------------------------------------------------------------------ commands


def cmd_train(args: argparse.Namespace) -> None:
    from compress.baseline import train_baseline

    card = train_baseline(
        output=args.output, epochs=args.epochs, seed=args.seed, data_dir=args.data_dir, progress=not args.quiet
    )
    print(json.dumps(card, indent=2) if args.json else f"accuracy {card['accuracy']:.4f}, saved {args.output}")


def cmd_evaluate(args: argparse.Namespace) -> None:
    from compress.baseline import evaluate_checkpoint

    result = evaluate_checkpoint(args.model, data_dir=args.data_dir)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.model}: accuracy {result['accuracy']:.4f} on {result['images']} test images")


def cmd_quantize(args: argparse.Namespace) -> None:
    from compress.quantize_commands import quantize_one, quantize_study

    if args.study:
        records = quantize_study(args.model, bits=tuple(args.bits), seed=args.seed, data_dir=args.data_dir)
        if args.json:
            print(json.dumps([r.to_json() for r in records], indent=2))
        else:
            for r in records:
                activations = "float" if r.activations is None else f"{r.activations}-bit"
                print(f"{r.label:36s} W{r.bits:<2d} A {activations:7s} {100 * r.accuracy:6.2f} %")
        return
    result = quantize_one(
        args.model, scheme=args.scheme, granularity=args.granularity, range_name=args.range,
        percentile=args.percentile, bits=args.bits[0], activations=args.activations, seed=args.seed,
        data_dir=args.data_dir,
    )  # fmt: skip
    print(json.dumps(result, indent=2) if args.json else f"accuracy {100 * result['accuracy']:.2f} %")


def cmd_infer(args: argparse.Namespace) -> None:
    from compress.infer import infer_export

    result = infer_export(args.export, engine=args.engine, limit=args.limit, data_dir=args.data_dir,
                          progress=not args.json)  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['images']} images, {args.engine}: accuracy {100 * result['accuracy']:.2f} %, agreement with the "
          f"torch model {100 * result['agreement']:.2f} %, {result['seconds']:.2f} s")
    for layer in result["layers"]:
        print(f"  {layer['layer']:6s} im2col {layer['im2col_cycles']:8d}  matmul {layer['matmul_cycles']:8d} cycles")
    print(f"  latency {result['latency_cycles_per_image']} cycles ({result['latency_us_per_image']:.1f} us) per image")


def cmd_report(args: argparse.Namespace) -> None:
    from reports.build import build_report

    paths = build_report(out_dir=args.out, retrain=args.retrain, data_dir=args.data_dir)
    for path in paths:
        print(path)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="cnnacc",
        description="Design FPGA accelerators for quantized CNNs before synthesis: train and compress "
        "MyConvNet, run the HLS kernels in software emulation, simulate their timing, write the report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)

    train = commands.add_parser("train", help="train MyConvNet (reproduces the shipped baseline checkpoint)")
    train.add_argument("--epochs", type=non_negative_int, default=15, help="training epochs (default 15)")
    train.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default 0)")
    train.add_argument(
        "--output", default="baseline", help="checkpoint name (shipped folder) or path stem (default: baseline)"
    )
    train.add_argument("--json", action="store_true", help="print the checkpoint card as JSON")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    add_data_dir(train)
    train.set_defaults(func=cmd_train)

    evaluate = commands.add_parser("evaluate", help="accuracy of a checkpoint on the full 10k test set")
    evaluate.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    evaluate.add_argument("--json", action="store_true", help="print {accuracy, images, per_class, ...} as JSON")
    add_data_dir(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)

    quantize = commands.add_parser(
        "quantize",
        help="post-training quantization: one scheme, or the whole study (--study)",
        description="Quantize the weights (and optionally activations) of a checkpoint and measure the "
        "accuracy on the full test set. --study runs every scheme at every bit width.",
    )
    quantize.add_argument("--model", default="baseline", help="checkpoint name or path stem (default: baseline)")
    quantize.add_argument("--study", action="store_true", help="run every scheme x bit width (W-only and W+A)")
    quantize.add_argument("--scheme", default="asymmetric", help="symmetric | asymmetric (default asymmetric)")
    quantize.add_argument("--granularity", default="layer", help="global | layer | channel (default layer)")
    quantize.add_argument("--range", default="full", help="full | percentile | mse (default full)")
    quantize.add_argument("--percentile", type=float, default=99.99, help="percentile in (50, 100] (default 99.99)")
    quantize.add_argument(
        "--bits", type=int, nargs="+", default=[8],
        help="weight bit width(s) in 2..16 (default 8; with --study: the widths to study, default 2 3 4 5 6 8 12 16)",
    )  # fmt: skip
    quantize.add_argument(
        "--activations", type=int, default=None, help="activation bit width in 2..16 (default: float activations)"
    )
    quantize.add_argument("--seed", type=non_negative_int, default=0, help="calibration subset seed (default 0)")
    quantize.add_argument("--json", action="store_true", help="print records / the result as JSON")
    add_data_dir(quantize)
    quantize.set_defaults(func=cmd_quantize)

    infer = commands.add_parser(
        "infer",
        help="run an exported integer network on the simulated accelerator",
        description="Integer-only inference of an export (cnnacc export / MyConvNet.save_weights) on the "
        "Fashion-MNIST test set: accuracy, agreement with the PyTorch model of the same export, wall time, "
        "and the simulated per-layer cycles (im2col + matmul per conv, matmul per FC).",
    )
    infer.add_argument("export", help="export folder (manifest.json + weights.npz)")
    infer.add_argument("--engine", default="numba", help="numba (fast) | sw_emu (the HLS C++, slow); default numba")
    infer.add_argument("--limit", type=positive_int, default=None, help="first N test images (default: all 10,000)")
    infer.add_argument("--json", action="store_true", help="print the result as JSON")
    add_data_dir(infer)
    infer.set_defaults(func=cmd_infer)

    from compress.prune_commands import register as register_pruning
    from simulator.commands import register as register_simulator

    register_pruning(commands)
    register_simulator(commands)

    report = commands.add_parser("report", help="write reports/out/report.{md,html}, figures and results.json")
    report.add_argument("--out", default="reports/out", help="output folder (default: reports/out)")
    report.add_argument("--retrain", action="store_true", help="retrain the baseline instead of loading it")
    add_data_dir(report)
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    from compress.data import DatasetError

    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ValueError, TypeError, FileNotFoundError, DatasetError) as error:
        print(f"cnnacc {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cnnacc: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
