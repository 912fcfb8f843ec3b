"""SCALE-Sim itself against this project's SCALE-Sim-compatible DES: cycles and wall time.

Installs SCALE-Sim (pip package ``scalesim`` 3.0.0, which needs numpy < 2.4) into its own
virtual environment, runs it and the DES on the same topologies and configs in one run, and
prints, per config, SCALE-Sim's and our "Total Cycles" per layer, the difference, and the
median wall times and their ratio. ``--write-table`` stores SCALE-Sim's COMPUTE_REPORT rows
as tests/data/scalesim/scalesim_results.csv, which tests/crosscheck/test_scalesim.py checks
without installing SCALE-Sim. Timing never decides pass or fail here.

    .venv/bin/python benchmarks/scalesim_compare.py [--venv DIR] [--quick] [--write-table]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.interop.scalesim import read_config, read_topology, simulate_scalesim  # noqa: E402

DATA = ROOT / "tests" / "data" / "scalesim"
TABLE = DATA / "scalesim_results.csv"
TEMPLATE = DATA / "scale_os_32x32.cfg"
SCALESIM_REQUIREMENTS = ["numpy<2.4", "scalesim==3.0.0"]
# (topology file, form, arrays); every array runs with os, ws and is. MyConvNet at 28 x 28:
# conv layers are given with their padded ifmap (SCALE-Sim has no padding).
RUNS = [
    ("myconvnet.csv", "conv", [(32, 32), (8, 8), (4, 16), (12, 5)]),
    ("gemm_mnk.csv", "gemm", [(8, 8), (16, 4), (3, 7)]),
]
QUICK_RUNS = [("myconvnet.csv", "conv", [(32, 32)]), ("gemm_mnk.csv", "gemm", [(8, 8)])]
DATAFLOWS = ("os", "ws", "is")
TABLE_COLUMNS = [
    "topology",
    "array_rows",
    "array_cols",
    "dataflow",
    "layer",
    "total_cycles_incl_prefetch",
    "total_cycles",
    "stall_cycles",
    "overall_util_percent",
    "mapping_efficiency_percent",
    "compute_util_percent",
]

RUNNER = """
import json, sys, time
from scalesim.scale_sim import scalesim
config, topology, layout, gemm, out = sys.argv[1:6]
start = time.perf_counter()
sim = scalesim(save_disk_space=True, verbose=False, config=config, topology=topology, layout=layout,
               input_type_gemm=gemm == "gemm")
sim.run_scale(top_path=out)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def ensure_scalesim(venv: Path) -> Path:
    """Python of a virtual environment holding SCALE-Sim; create and install it if needed."""
    python = venv / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import scalesim"], capture_output=True).returncode == 0:
        return python
    print(f"installing {' '.join(SCALESIM_REQUIREMENTS)} into {venv} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", *SCALESIM_REQUIREMENTS], check=True)
    return python


def write_config(folder: Path, rows: int, cols: int, dataflow: str) -> Path:
    """A SCALE-Sim v3 config from the committed template with another array and dataflow."""
    text = TEMPLATE.read_text()
    text = re.sub(r"(?m)^run_name = .*$", f"run_name = cnnacc_{dataflow}_{rows}x{cols}", text)
    text = re.sub(r"(?m)^ArrayHeight:.*$", f"ArrayHeight:    {rows}", text)
    text = re.sub(r"(?m)^ArrayWidth:.*$", f"ArrayWidth:     {cols}", text)
    text = re.sub(r"(?m)^Dataflow :.*$", f"Dataflow : {dataflow}", text)
    path = folder / f"{dataflow}_{rows}x{cols}.cfg"
    path.write_text(text)
    return path


def write_layout(folder: Path, topology: Path) -> Path:
    """SCALE-Sim v3 always opens a layout file; with custom layouts off its values are unused."""
    names = [line.split(",")[0] for line in topology.read_text().splitlines()[1:] if line.strip()]
    row = ", 1, 1, 1, 1, 1, 1,     0, 1, 2,     0, 1, 2,     0, 1, 2, 3,     0, 1, 2, 3,"
    path = folder / f"layout_{topology.stem}.csv"
    path.write_text(
        "Layer name, intraline and interline factors and orders (unused)\n" + "".join(f"{n}{row}\n" for n in names)
    )
    return path


def run_scalesim(
    python: Path, config: Path, topology: Path, layout: Path, form: str, out: Path
) -> tuple[list[dict], float]:
    """SCALE-Sim's COMPUTE_REPORT rows and its in-process wall time (imports excluded)."""
    completed = subprocess.run(
        [python, "-c", RUNNER, str(config), str(topology), str(layout), form, str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = json.loads(completed.stdout.strip().splitlines()[-1])["seconds"]
    report = next(out.rglob("COMPUTE_REPORT.csv"))
    rows = []
    for cells in csv.reader(report.read_text().splitlines()[1:]):
        values = [cell.strip() for cell in cells if cell.strip()]
        rows.append(
            {
                "total_cycles_incl_prefetch": int(values[1]),
                "total_cycles": int(values[2]),
                "stall_cycles": int(values[3]),
                "overall_util_percent": float(values[4]),
                "mapping_efficiency_percent": float(values[5]),
                "compute_util_percent": float(values[6]),
            }
        )
    return rows, seconds


def run_ours(config: Path, topology: Path, form: str, repeats: int) -> tuple[list, float]:
    """Our DES results and the median wall time of ``repeats`` runs (file reading included)."""
    times, results = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results = simulate_scalesim(read_topology(topology, gemm=form == "gemm"), read_config(config))
        times.append(time.perf_counter() - start)
    return results, statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cnnacc-scalesim-venv",
        help="virtual environment for SCALE-Sim (default: <tmp>/cnnacc-scalesim-venv)",
    )
    parser.add_argument("--quick", action="store_true", help="one array per topology only")
    parser.add_argument(
        "--repeats",
        type=int,
        default=7,
        help="runs of our DES per config for the median (default 7)",
    )
    parser.add_argument(
        "--write-table",
        action="store_true",
        help=f"write SCALE-Sim's rows to {TABLE.relative_to(ROOT)}",
    )
    args = parser.parse_args(argv)
    python = ensure_scalesim(args.venv)
    table, ratios, mismatches = [], [], 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for topology_name, form, arrays in QUICK_RUNS if args.quick else RUNS:
            topology = DATA / topology_name
            layout = write_layout(folder, topology)
            for rows, cols in arrays:
                for dataflow in DATAFLOWS:
                    config = write_config(folder, rows, cols, dataflow)
                    theirs, their_seconds = run_scalesim(python, config, topology, layout, form, folder / config.stem)
                    ours, our_seconds = run_ours(config, topology, form, args.repeats)
                    ratios.append(their_seconds / our_seconds)
                    print(
                        f"\n{topology_name} {rows}x{cols} {dataflow}: SCALE-Sim "
                        f"{their_seconds:.3f} s, "
                        f"DES {1e3 * our_seconds:.2f} ms (median of {args.repeats}), "
                        f"{ratios[-1]:.0f}x faster"
                    )
                    print(f"  {'layer':<14} {'SCALE-Sim':>10} {'DES':>10} {'diff':>6}")
                    for their, our in zip(theirs, ours, strict=True):
                        diff = our.total_cycles - their["total_cycles"]
                        mismatches += diff != 0
                        print(f"  {our.layer:<14} {their['total_cycles']:>10} {our.total_cycles:>10} {diff:>6}")
                        table.append(
                            {
                                "topology": topology_name,
                                "array_rows": rows,
                                "array_cols": cols,
                                "dataflow": dataflow,
                                "layer": our.layer,
                                **their,
                            }
                        )
    print(
        f"\n{len(table)} layer runs, {mismatches} with a cycle difference; speed ratio SCALE-Sim "
        "/ DES: "
        f"median {statistics.median(ratios):.0f}x, min {min(ratios):.0f}x, max {max(ratios):.0f}x"
    )
    if args.write_table:
        with TABLE.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS)
            writer.writeheader()
            writer.writerows(table)
        print(f"wrote {TABLE.relative_to(ROOT)} ({len(table)} rows, SCALE-Sim {SCALESIM_REQUIREMENTS[1]})")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
