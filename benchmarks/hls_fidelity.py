"""How close ``cnnacc hls-estimate FILE.cpp`` comes to real csynth reports.

The corpus (tests/data/hls_reports/): for each public kernel, the numbers of its real Vivado HLS
or Vitis HLS report (repository, commit and path in ``origin``) and a kernel of our own with the
same structure. Its repositories are split once, before tuning (``split.json``): the rules are
tuned on the calibration split and only measured on the validation split. Prints case, split,
real latency, estimate and error for each, then per split the median and worst |error| of the
top latency and how many cases are within 5 % and 10 % (the report's max and min when they
differ), and the validation figure once more without the cases whose reports were read while a
rule was derived (``split.json`` "consulted"). Each case runs as a user would: its clock, part
and tool (``--tool`` from the report's header).

    python benchmarks/hls_fidelity.py [--cases DIR] [--split calibration|validation] [--json]
    python benchmarks/hls_fidelity.py --loops CASE [CASE ...]   # loop by loop: trips / II / iteration / latency
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.hls.hls_corpus import CASES, load_cases, loop_rows, run_case, summary  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="folder of <case>.json + kernel files and split.json")
    parser.add_argument("--split", choices=("calibration", "validation"), help="only this split's cases")
    parser.add_argument("--json", action="store_true", help="print the rows and the summaries as JSON")
    parser.add_argument(
        "--loops", nargs="+", metavar="CASE", help="print these cases' loops, the report's beside the estimate's"
    )
    args = parser.parse_args(argv)
    if args.loops:
        return print_loops(args.cases, args.loops)
    cases = [case for case in load_cases(args.cases) if args.split in (None, case["split"])]
    rows = [run_case(case, args.cases) for case in cases]
    splits = {name: summary([row for row in rows if row["split"] == name]) for name in ("calibration", "validation")}
    # the validation cases no report of which was read while a rule was derived (split.json "consulted")
    untouched = [row for row in rows if row["split"] == "validation" and not row["consulted"]]
    splits["validation, never consulted"] = summary(untouched)
    if args.json:
        print(json.dumps({"rows": rows, "summary": splits}, indent=2))
        return 0
    print(f"{'case':<36} {'split':<11} {'real (min/max)':>20} {'estimate (min/max)':>20} {'error':>8}")
    for row in rows:
        real = f"{row['real_min']}/{row['real_max']}"
        if not isinstance(row.get("error"), float):
            print(f"{row['case']:<36} {row['split']:<11} {real:>20} {'refused':>20}   {row['error']}")
            continue
        estimate = f"{row['estimate_min']}/{row['estimate_max']}"
        print(f"{row['case']:<36} {row['split']:<11} {real:>20} {estimate:>20} {100 * row['error']:>7.1f}%")
    for name, result in splits.items():
        if not result["cases"]:
            continue
        print(
            f"{name}: {result['cases']} cases from {result['repositories']} repositories, "
            f"{len(result['failed'])} refused; median |error| {100 * (result['median_abs_error'] or 0):.1f} %, "
            f"worst {100 * (result['worst_abs_error'] or 0):.1f} %; within 5 %: {result['within_5pct']}, "
            f"within 10 %: {result['within_10pct']} ({100 * result['within_10pct'] / result['cases']:.0f} %)"
        )
    return 0


def print_loops(folder: Path, names: list[str]) -> int:
    """Each named case's loops: trips / II / iteration latency / latency, real and estimated."""
    cases = {case["case"]: case for case in load_cases(folder)}
    unknown = sorted(set(names) - set(cases))
    if unknown:
        print(f"hls_fidelity: no case named {', '.join(unknown)}; see {folder}", file=sys.stderr)
        return 2
    for name in names:
        print(f"{name} ({cases[name]['tool']}, {cases[name]['split']})")
        for row in loop_rows(cases[name], folder):
            real = " / ".join("-" if v is None else str(v) for v in row["real"].values())
            estimate = (
                "none"
                if row["estimate"] is None
                else " / ".join("-" if v is None else str(v) for v in row["estimate"].values())
            )
            print(f"  {'  ' * row['depth']}{row['loop']:<30} real {real:<28} estimate {estimate}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
