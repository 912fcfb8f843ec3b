"""The ``cnnacc`` command line: thin commands over the library, one module per command group.

Every command parses its options, calls library functions and prints. Errors raised for
bad input (ValueError, TypeError, FileNotFoundError and the dataset errors) become one
line on stderr and exit status 2; there is never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import os
import sys

from cnnacc import (
    dataflow,
    hls_estimate,
    infer,
    interchange,
    model,
    prune,
    quantize,
    report,
    simulate,
    sweep,
    vitis_project,
)

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse with single-line errors that point at --help."""

    def error(self, message: str):  # noqa: D102 (argparse API)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="cnnacc",
        description="Design FPGA accelerators for quantized CNNs before synthesis: train and compress "
        "MyConvNet, run the HLS kernels in software emulation, simulate their timing, write the report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    for group in (
        model,
        quantize,
        infer,
        dataflow,
        prune,
        interchange,
        simulate,
        hls_estimate,
        vitis_project,
        sweep,
        report,
    ):
        group.register(commands)
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
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
