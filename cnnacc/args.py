"""Argument helpers shared by the command groups: one bounded-number type and --data-dir."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def bounded(
    kind: type,
    lo: float | None = None,
    hi: float | None = None,
    *,
    upper_open: bool = False,
    what: str | None = None,
    hint: str = "",
) -> Callable[[str], float]:
    """An argparse ``type``: ``kind`` (int or float) in [lo, hi] (or [lo, hi) with ``upper_open``).

    The error names the value and the allowed range, e.g. "0 is out of range; expected an
    integer >= 1".
    """
    noun = what or ("an integer" if kind is int else "a number")

    def shown(bound: float | None) -> str:
        return str(int(bound)) if kind is int and bound is not None else f"{bound:g}"

    if hi is None:
        expected = f"{noun} >= {shown(lo)}"
    else:
        expected = f"{noun} in [{shown(lo)}, {shown(hi)}{')' if upper_open else ']'}{hint}"

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        too_high = hi is not None and (value >= hi if upper_open else value > hi)
        if (lo is not None and value < lo) or too_high:
            raise argparse.ArgumentTypeError(f"{value} is out of range; expected {expected}")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in "invalid int value" errors
    return convert


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder with the Fashion-MNIST IDX .gz files "
        "(default: $CNNACC_DATA_DIR, else /usr/share/datasets/fashion-mnist)",
    )


def add_scheduler_options(parser: argparse.ArgumentParser, *, work: str, default: str = "synchronous") -> None:
    """--scheduler and --workers of a command whose ``work`` runs as tasks on Dask
    (``simulator.explore.tasks``): the results are the same on every scheduler."""
    schedulers = {
        "synchronous": "synchronous (this process)",
        "local": "local (a Dask LocalCluster, one worker process per core)",
    }
    choices = [f"{text[:-1]}; the default)" if name == default else text for name, text in schedulers.items()]
    parser.add_argument(
        "--scheduler",
        default=default,
        help=f"where {work} run: {', '.join(choices)}, or tcp://HOST:PORT of a running Dask scheduler; "
        "the results are the same on every one",
    )
    parser.add_argument(
        "--workers", type=bounded(int, 1), default=None, help="with --scheduler local: workers (default: cores)"
    )


__all__ = ["add_data_dir", "add_scheduler_options", "bounded"]
