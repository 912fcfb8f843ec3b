"""``cnnacc hls-estimate PROJECT_DIR`` on every project of a checkout of Xilinx's
Vitis-HLS-Introductory-Examples (or any tree of HLS projects).

A project is a folder holding ``hls_config.cfg`` or ``run_hls.tcl``. Each runs in a child
process under a timeout (one child for all, replaced after a timeout): the estimate (latency
max, cycles) or the one-line refusal, and the seconds the estimate took in that process (the
imports excluded). The summary counts the estimates, the refusals by cause, the tracebacks (a
traceback is a bug: user input must give one line) and the slowest projects.

    python benchmarks/hls_examples.py --root CHECKOUT [--timeout 20] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import queue
import re
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

PROJECT_FILES = ("hls_config.cfg", "run_hls.tcl")
ROOT = Path(__file__).resolve().parent.parent


def projects(root: Path) -> list[Path]:
    """Every folder under ``root`` holding a project file, in path order."""
    return sorted({path.parent for name in PROJECT_FILES for path in root.rglob(name)})


def run_one(project: Path) -> dict:
    """``cnnacc hls-estimate PROJECT --json`` in this process: rc, seconds, output."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from cnnacc.main import main
    from simulator.hls import hls_project, hls_source  # noqa: F401 (imported before the clock starts)

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            rc = main(["hls-estimate", str(project), "--json"])
    except SystemExit as exit_:
        rc = exit_.code if isinstance(exit_.code, int) else 2
    except Exception:  # a bug of ours: recorded, not hidden
        rc, err = 1, io.StringIO(traceback.format_exc())
    return {"rc": rc, "seconds": time.perf_counter() - start, "stdout": out.getvalue(), "stderr": err.getvalue()}


class Worker:
    """A child process running one project at a time (``--worker``: paths in, JSON lines out),
    replaced when a project overruns its timeout."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()
        self.fresh = True  # a new child imports the reader first: its first project gets 30 s more

    def start(self) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
        )
        self.lines, self.fresh = queue.Queue(), True
        threading.Thread(target=self._read, args=(self.process, self.lines), daemon=True).start()

    @staticmethod
    def _read(process: subprocess.Popen, lines: queue.Queue) -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put(None)  # the process ended

    def run(self, project: Path, timeout: float) -> dict | None:
        """The child's result for ``project``; None on a timeout (the child is replaced)."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(f"{project}\n")
        self.process.stdin.flush()
        try:
            line = self.lines.get(timeout=timeout + 30 * self.fresh)
        except queue.Empty:
            self.stop()
            return None
        self.fresh = False
        return json.loads(line) if line else {"rc": 1, "seconds": 0.0, "stdout": "", "stderr": "worker died"}

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def measure(worker: Worker, project: Path, root: Path, timeout: float) -> dict:
    """One project's row: estimate or refusal, seconds."""
    row: dict = {"project": str(project.relative_to(root))}
    result = worker.run(project, timeout)
    if result is None:
        return row | {"status": "timeout", "seconds": timeout, "cause": f"no answer in {timeout:g} s"}
    row["seconds"] = round(result["seconds"], 3)
    if result["rc"] == 0:
        data = json.loads(result["stdout"])
        return row | {"status": "estimated", "latency_max": data["latency_cycles_max"], "top": data["top"]}
    errors = [line for line in result["stderr"].splitlines() if not line.startswith("warning:")]
    if result["rc"] != 2 or "Traceback" in result["stderr"] or len(errors) != 1:
        return row | {"status": "traceback", "cause": result["stderr"].strip()[-400:]}
    message = errors[0].removeprefix("cnnacc hls-estimate: error: ").replace(str(root) + "/", "")
    return row | {"status": "refused", "cause": message}


def cause_of(message: str) -> str:
    """A refusal's cause without its place and names (for grouping)."""
    text = re.sub(r"^\S+:\d+:\s*", "", message)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    return re.sub(r"\d+", "N", text)[:110]


def summary(rows: list[dict]) -> dict:
    """Counts by status, refusals grouped by cause with one example each, the slowest."""
    counts = Counter(row["status"] for row in rows)
    causes: dict[str, dict] = {}
    for row in rows:
        if row["status"] == "refused":
            group = causes.setdefault(cause_of(row["cause"]), {"count": 0, "example": row["cause"]})
            group["count"] += 1
    timed = sorted((row for row in rows if "seconds" in row), key=lambda row: -row["seconds"])
    return {
        "projects": len(rows),
        "estimated": counts["estimated"],
        "refused": counts["refused"],
        "timeouts": counts["timeout"],
        "tracebacks": counts["traceback"],
        "estimated_percent": round(100 * counts["estimated"] / max(1, len(rows)), 1),
        # estimates whose latency is '?' as csynth prints it: a loop of run-time bound, no tripcount
        "latency_unknown": sum(row["status"] == "estimated" and row["latency_max"] is None for row in rows),
        "refusals": dict(sorted(causes.items(), key=lambda item: -item[1]["count"])),
        "slowest": [{"project": row["project"], "seconds": row["seconds"]} for row in timed[:5]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, help="the checkout holding the project folders")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per project (default 20)")
    parser.add_argument("--json", action="store_true", help="print the rows and the summary as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.worker:
        for line in sys.stdin:
            print(json.dumps(run_one(Path(line.strip()))), flush=True)
        return 0
    if args.root is None or not args.root.is_dir():
        parser.error("--root DIR: give the folder holding the project folders")
    root = args.root.resolve()
    rows = []
    worker = Worker()
    for project in projects(root):
        rows.append(measure(worker, project, root, args.timeout))
        if not args.json:
            row = rows[-1]
            result = row.get("latency_max", row.get("cause", ""))
            result = "?" if result is None else result
            print(f"{row['project']:<75} {row['status']:<10} {row.get('seconds', 0):>6.2f} s  {result}", flush=True)
    worker.stop()
    report = summary(rows)
    if args.json:
        print(json.dumps({"rows": rows, "summary": report}, indent=2))
        return 0
    print(
        f"\n{report['estimated']} of {report['projects']} estimated ({report['estimated_percent']} %; "
        f"{report['latency_unknown']} of them with latency '?' as csynth prints a loop of unknown trips), "
        f"{report['refused']} refused, {report['timeouts']} timeouts, {report['tracebacks']} tracebacks"
    )
    for cause, group in report["refusals"].items():
        print(f"  {group['count']:>3} x {cause}\n        e.g. {group['example']}")
    print("slowest: " + ", ".join(f"{row['project']} {row['seconds']:.2f} s" for row in report["slowest"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
