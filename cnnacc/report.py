"""``cnnacc report``: the main job (reports/out/), or a re-render from its results.json."""

from __future__ import annotations

import argparse

from cnnacc.args import add_data_dir


def cmd_report(args: argparse.Namespace) -> None:
    from reports.build import build_report, render_from

    if args.from_results is not None:
        paths = render_from(args.from_results, args.out)
    else:
        paths = build_report(out_dir=args.out or "reports/out", retrain=args.retrain, data_dir=args.data_dir)
    for path in paths:
        print(path)


def register(subparsers) -> None:
    report = subparsers.add_parser(
        "report",
        help="write reports/out/report.{md,html}, figures and results.json",
        description="Measure everything (training or loading the baseline, the quantization study, the pruning "
        "results, C++ builds, simulations), save the measurements in results.json, then render the report. "
        "--from re-renders from a results.json without measuring anything.",
    )
    report.add_argument("--out", default=None, help="output folder (default: reports/out, or the folder of --from)")
    report.add_argument(
        "--from",
        dest="from_results",
        metavar="RESULTS.json",
        help="re-render from the measurements saved in this results.json (seconds, no measuring)",
    )
    report.add_argument("--retrain", action="store_true", help="retrain the baseline instead of loading it")
    add_data_dir(report)
    report.set_defaults(func=cmd_report)
