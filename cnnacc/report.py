"""``cnnacc report`` (the main job, or a re-render from its results.json) and ``cnnacc archive``
(the submission archive of spec Part 3)."""

from __future__ import annotations

import argparse
import sys

from cnnacc.args import add_data_dir

PAPERS = ("A4", "Letter")


def cmd_report(args: argparse.Namespace) -> None:
    from reports.build import build_report, render_from
    from reports.pdf import HOW_TO_GET_PDF

    if args.from_results is not None:
        paths = render_from(args.from_results, args.out, paper=args.paper)
    else:
        paths = build_report(
            out_dir=args.out or "reports/out", retrain=args.retrain, data_dir=args.data_dir, paper=args.paper
        )
    for path in paths:
        print(path)
    if not any(path.suffix == ".pdf" for path in paths):
        print(HOW_TO_GET_PDF, file=sys.stderr)


def cmd_archive(args: argparse.Namespace) -> None:
    from reports.archive import write_archive

    path, manifest = write_archive(args.path, report_dir=args.report_dir)
    print(f"{path}: {len(manifest['files'])} files, {path.stat().st_size:,} bytes; manifest verified")


def register(subparsers) -> None:
    report = subparsers.add_parser(
        "report",
        help="write reports/out/report.{md,html,pdf}, figures and results.json",
        description="Measure everything (training or loading the baseline, the quantization study, the pruning "
        "results, C++ builds, simulations), save the measurements in results.json, then render report.md, "
        "report.html and report.pdf (printed by headless Chromium when installed). --from re-renders from a "
        "results.json without measuring anything.",
    )
    report.add_argument("--out", default=None, help="output folder (default: reports/out, or the folder of --from)")
    report.add_argument(
        "--from",
        dest="from_results",
        metavar="RESULTS.json",
        help="re-render from the measurements saved in this results.json (seconds, no measuring)",
    )
    report.add_argument("--paper", choices=PAPERS, default="A4", help="paper size of report.pdf (default A4)")
    report.add_argument("--retrain", action="store_true", help="retrain the baseline instead of loading it")
    add_data_dir(report)
    report.set_defaults(func=cmd_report)

    archive = subparsers.add_parser(
        "archive",
        help="write the submission archive: source, report and exported models, with a SHA-256 manifest",
        description="Write PATH (.tgz): the source as tracked by git, the report (md, html, pdf, figures, "
        "results.json) and the exported models it uses, plus MANIFEST.json with the SHA-256 of every file. "
        "Nothing from .venv, caches or build folders. Run cnnacc report first.",
    )
    archive.add_argument("path", metavar="PATH", help="the archive to write, e.g. submission.tgz")
    archive.add_argument("--report-dir", default="reports/out", help="the report folder (default: reports/out)")
    archive.set_defaults(func=cmd_archive)
