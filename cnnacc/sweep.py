"""``cnnacc sweep SPEC``: a design-space sweep of the matmul kernel on Dask (simulator.explore.sweep)."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from cnnacc.args import add_scheduler_options, bounded

positive_int = bounded(int, 1)


def cmd_sweep(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from reports.sweep import figure_png, sweep_figure
    from simulator import atomic
    from simulator.explore.sweep import pareto, read_spec, run_sweep

    spec = read_spec(args.spec)  # a bad SPEC stops here: nothing is written
    with tqdm(total=spec.size, desc="sweep", unit="design", disable=args.json or args.quiet) as bar:
        result = run_sweep(spec, scheduler=args.scheduler, workers=args.workers, chunk=args.chunk, progress=bar.update)
    front = pareto(result.rows)
    out = Path(args.out)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(result.rows[0]))
    writer.writeheader()
    writer.writerows(result.rows)
    atomic.write_text(out, buffer.getvalue())
    figure = out.with_suffix(".png")
    title = f"matmul {'x'.join(map(str, spec.shape))}, {spec.model} model, {len(result.rows):,} designs"
    atomic.write_bytes(figure, figure_png(sweep_figure(result.rows, front, title)))
    summary = {
        "spec": str(args.spec),
        "designs": len(result.rows),
        "buildable": sum(1 for r in result.rows if r["buildable"]),
        "tasks": result.tasks,
        "workers": result.workers,
        "scheduler": args.scheduler,
        "seconds": round(result.seconds, 3),
        "designs_per_second": round(result.designs_per_second, 1),
        "table": str(out),
        "figure": str(figure),
        "model": spec.model,
        "estimate": "cycles and resources are estimates of the HLS C++ (static schedule or SimPy model)",
        "pareto": front,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"{summary['designs']:,} designs ({summary['buildable']:,} buildable) in {summary['tasks']} tasks on "
        f"{summary['workers']} worker(s), {summary['seconds']:.1f} s ({summary['designs_per_second']:,.0f} designs/s); "
        f"{len(front)} on the Pareto front; wrote {out} and {figure}"
    )


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="sweep the matmul design space (a SPEC file) on Dask: table, Pareto figure",
        description="Evaluate every design of SPEC (JSON or TOML: shape, model analytic|des, sampling grid|random, "
        "depths reference|source (pipeline depths of the reference build, or of each design's C++: ~2 s a build), "
        "base fields, swept fields as lists or {min, max, step}; see simulator/explore/sweep.py) and write OUT (CSV: "
        "design "
        "fields, buildable, latency_cycles, interval_cycles, dsp, bram_18k, lut, fits) and OUT.png (cycles against "
        "DSPs, Pareto front). Every number is an estimate of the HLS C++. The table is the same on every scheduler.",
    )
    parser.add_argument("spec", metavar="SPEC", help="the sweep specification (.json or .toml)")
    parser.add_argument("--out", default="sweep.csv", help="the table to write (default sweep.csv; figure beside)")
    add_scheduler_options(parser, work="the chunks of designs", default="local")
    parser.add_argument("--chunk", type=positive_int, default=500, help="designs per task (default 500)")
    parser.add_argument("--json", action="store_true", help="print the summary and the Pareto front as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=cmd_sweep)
