"""How close ``cnnacc hls-estimate FILE.cpp`` comes to real csynth reports.

The calibration set (tests/data/hls_reports/): for each public kernel, the numbers of its real
Vitis HLS report (repository, commit and path in ``origin``) and a kernel of our own with the
same structure. Prints case, real latency, estimate and error for each, then the median and
the worst |error| of the top latency (the report's max; the min too when it differs).

    python benchmarks/hls_fidelity.py [--cases DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.hls_source import SourceError, estimate_source  # noqa: E402

CASES = ROOT / "tests" / "data" / "hls_reports"


def load_cases(folder: Path = CASES) -> list[dict]:
    """Every case's facts, sorted by name."""
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def run_case(case: dict, folder: Path = CASES) -> dict:
    """Real and estimated latency of one case, with the relative errors (estimate / real - 1)."""
    directives = folder / case["directives"] if case.get("directives") else None
    real = case["latency_cycles"]
    row = {"case": case["case"], "real_min": real["min"], "real_max": real["max"]}
    try:
        estimate = estimate_source(
            folder / case["kernel"],
            case["top"],
            defines=case.get("defines", []),
            directives=directives,
            clock_ns=case.get("clock_ns"),
            part=case.get("part"),
            pipeline_loops=0 if case.get("tool", "").startswith("Vivado HLS") else None,  # no automatic pipelining
        )
    except SourceError as error:
        return row | {"error": str(error)}
    row |= {"estimate_min": estimate["latency_cycles_min"], "estimate_max": estimate["latency_cycles_max"]}
    row["error_max"] = row["estimate_max"] / real["max"] - 1
    row["error_min"] = row["estimate_min"] / real["min"] - 1 if real["min"] else 0.0
    row["error"] = max(abs(row["error_max"]), abs(row["error_min"]))
    return row


def summary(rows: list[dict]) -> dict:
    errors = [row["error"] for row in rows if "error" in row and isinstance(row["error"], float)]
    failed = [row["case"] for row in rows if not isinstance(row.get("error"), float)]
    return {
        "cases": len(rows),
        "failed": failed,
        "median_abs_error": statistics.median(errors) if errors else None,
        "worst_abs_error": max(errors, default=None),
        "within_5pct": sum(error <= 0.05 for error in errors),
        "within_10pct": sum(error <= 0.10 for error in errors),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="folder of <case>.json + kernel files")
    parser.add_argument("--json", action="store_true", help="print the rows and the summary as JSON")
    args = parser.parse_args(argv)
    rows = [run_case(case, args.cases) for case in load_cases(args.cases)]
    result = summary(rows)
    if args.json:
        print(json.dumps({"rows": rows, "summary": result}, indent=2))
        return 0
    print(f"{'case':<34} {'real (min/max)':>20} {'estimate (min/max)':>20} {'error':>8}")
    for row in rows:
        real = f"{row['real_min']}/{row['real_max']}"
        if not isinstance(row.get("error"), float):
            print(f"{row['case']:<34} {real:>20} {'refused':>20}   {row['error']}")
            continue
        estimate = f"{row['estimate_min']}/{row['estimate_max']}"
        print(f"{row['case']:<34} {real:>20} {estimate:>20} {100 * row['error']:>7.1f}%")
    print(
        f"{result['cases']} cases, {len(result['failed'])} refused; median |error| "
        f"{100 * (result['median_abs_error'] or 0):.1f} %, worst {100 * (result['worst_abs_error'] or 0):.1f} %; "
        f"within 5 %: {result['within_5pct']}, within 10 %: {result['within_10pct']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
