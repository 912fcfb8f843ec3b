"""The corpus of real csynth reports that measures ``hls-estimate`` (tests/data/hls_reports/).

Each case is a public kernel's real report, kept as facts (its numbers, repository, commit and
path) beside a kernel of our own with the same structure. ``split.json`` assigns every
repository to the calibration split (rules are tuned on it) or the validation split (rules
are only measured on it) by a rule fixed before tuning; ``load_cases`` applies it.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path

from simulator.hls.hls_source import SourceError, estimate_source
from simulator.hls.hls_tools import Tool

CASES = Path(__file__).resolve().parents[2] / "tests" / "data" / "hls_reports"
SPLIT = "split.json"


def split_of(repo: str, split: dict) -> str:
    """``calibration`` or ``validation`` for a repository, by ``split.json``'s rule."""
    if repo.lower() in {name.lower() for name in split["calibration_before"]}:
        return "calibration"
    digest = int(hashlib.sha256(repo.lower().encode()).hexdigest(), 16)
    return "validation" if digest % 100 < split["threshold"] else "calibration"


def load_cases(folder: Path = CASES) -> list[dict]:
    """Every case's facts, sorted by name, each with its ``split``."""
    split = json.loads((folder / SPLIT).read_text())
    consulted = split.get("consulted", {}).get("cases", {})
    cases = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json")) if path.name != SPLIT]
    return [
        case | {"split": split_of(case["origin"]["repo"], split), "consulted": case["case"] in consulted}
        for case in cases
    ]


def case_tool(case: dict) -> str | None:
    """The ``--tool`` of a case: the family and release its report names."""
    tool = Tool.from_report(case.get("tool", ""))
    return None if tool is None else str(tool)


def run_case(case: dict, folder: Path = CASES) -> dict:
    """Real and estimated latency of one case, with the relative errors (estimate / real - 1)."""
    real = case["latency_cycles"]
    row = {"case": case["case"], "repo": case["origin"]["repo"], "split": case.get("split", "calibration")}
    row["consulted"] = bool(case.get("consulted"))  # a validation report read while a rule was derived
    row |= {"real_min": real["min"], "real_max": real["max"]}
    try:
        estimate = _estimate(case, folder)
    except (SourceError, ValueError) as error:
        return row | {"error": str(error)}
    if estimate["latency_cycles_max"] is None:  # a loop of unknown trips: '?'
        return row | {"error": f"latency '?': unknown trip counts at {', '.join(estimate['unknown_trip_counts'])}"}
    row |= {"estimate_min": estimate["latency_cycles_min"], "estimate_max": estimate["latency_cycles_max"]}
    # relative errors; a report of 0 cycles counts each cycle of difference as 100 %
    row["error_max"] = (row["estimate_max"] - real["max"]) / max(1, real["max"])
    row["error_min"] = (row["estimate_min"] - real["min"]) / max(1, real["min"])
    row["error"] = max(abs(row["error_max"]), abs(row["error_min"]))
    return row


def _estimate(case: dict, folder: Path) -> dict:
    """``estimate_source`` of a case's kernel with its report's tool, clock, part and directives."""
    return estimate_source(
        folder / case["kernel"],
        case["top"],
        defines=case.get("defines", []),
        directives=folder / case["directives"] if case.get("directives") else None,
        clock_ns=case.get("clock_ns"),
        part=case.get("part"),
        tool=case_tool(case),
        flow=case.get("flow") or None,
    )


LOOP_FIELDS = ("trip_count", "ii", "iteration_latency", "latency")


def loop_rows(case: dict, folder: Path = CASES) -> list[dict]:
    """Each loop of a case's report beside the estimate's loop of the same name (None where the
    estimate has none, as when it flattened or unrolled the loop otherwise): trip count, II,
    iteration latency and latency. A report's loop latency of a loop that is not pipelined is
    trips x iteration; the estimate's adds the exit test's state, which the report gives to the
    parent."""
    nodes = {node["name"].strip(): node for node in _estimate(case, folder)["nodes"] if node["kind"] != "op"}
    rows = []
    for loop in case.get("loops", []):
        real = dict(zip(LOOP_FIELDS, (loop["trip_count"], loop["ii_achieved"], loop["iteration_latency"],
                                       loop["latency_max"])))  # fmt: skip
        node = nodes.get(loop["name"])
        estimate = None if node is None else dict(zip(LOOP_FIELDS, (
            node["trip_count"], node["pipeline_ii"], node["iteration_latency"], node["latency_cycles"])))  # fmt: skip
        rows.append({"loop": loop["name"], "depth": loop["depth"], "real": real, "estimate": estimate})
    return rows


def summary(rows: list[dict]) -> dict:
    """Median and worst |error|, how many within 5 % and 10 %, the refused cases."""
    errors = [row["error"] for row in rows if isinstance(row.get("error"), float)]
    return {
        "cases": len(rows),
        "repositories": len({row["repo"] for row in rows}),
        "failed": [row["case"] for row in rows if not isinstance(row.get("error"), float)],
        "median_abs_error": statistics.median(errors) if errors else None,
        "worst_abs_error": max(errors, default=None),
        "within_5pct": sum(error <= 0.05 for error in errors),
        "within_10pct": sum(error <= 0.10 for error in errors),
    }


BURSTS = CASES.parent / "hls_bursts"


def burst_agreement(folder: Path = BURSTS) -> list[dict]:
    """For each burst case (a public Vitis HLS log's burst lines kept as facts beside a kernel of
    our own), each logged site with our verdict for the same port, direction and loop: whether
    both say a burst is inferred (``agree``), or ``ours`` None when we give no verdict there."""
    from simulator.hls.hls_source import read_source_verdicts

    rows = []
    for path in sorted(folder.glob("*.json")):
        case = json.loads(path.read_text())
        found = read_source_verdicts(folder / case["kernel"], case["top"], tool=case_tool(case))
        ours = {(b.port, b.direction, b.loop): b for b in found.bursts}
        for site in case["sites"]:
            verdict = ours.get((site["port"], site["direction"], site["loop"]))
            rows.append({
                "case": case["case"], "port": site["port"], "direction": site["direction"], "loop": site["loop"],
                "logged": site["inferred"], "ours": None if verdict is None else verdict.inferred,
                "agree": verdict is not None and verdict.inferred == site["inferred"],
                "reason": None if verdict is None else verdict.reason,
            })  # fmt: skip
    return rows
