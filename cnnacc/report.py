"""``cnnacc report``: the main job (reports/out/)."""

from __future__ import annotations

import argparse

from cnnacc.args import add_data_dir, bounded

positive_int = bounded(int, 1)
non_negative_int = bounded(int, 0)


def cmd_report(args: argparse.Namespace) -> None:
    from reports.build import build_report

    paths = build_report(out_dir=args.out, retrain=args.retrain, data_dir=args.data_dir)
    for path in paths:
        print(path)


def register(subparsers) -> None:
    report = subparsers.add_parser("report", help="write reports/out/report.{md,html}, figures and results.json")
    report.add_argument("--out", default="reports/out", help="output folder (default: reports/out)")
    report.add_argument("--retrain", action="store_true", help="retrain the baseline instead of loading it")
    add_data_dir(report)
    report.set_defaults(func=cmd_report)
