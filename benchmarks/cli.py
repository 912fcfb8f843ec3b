"""How long the command line takes as a whole process: ``cnnacc --help`` and a small
simulation, each run ``--repeat`` times in a fresh Python process (imports included, Numba's
compiled kernels taken from its cache after the first run); prints the medians.

    python benchmarks/cli.py [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "cnnacc --help": ["--help"],
    "cnnacc simulate matmul --json": ["simulate", "matmul", "--json"],
}


def seconds(arguments: list[str]) -> float:
    """Wall-clock seconds of one ``python -m cnnacc ARGUMENTS`` process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cnnacc", *arguments], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="processes per command (default 5)")
    parser.add_argument("--json", action="store_true", help="print the medians as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat {args.repeat} is out of range; expected 1 or more")
    for arguments in COMMANDS.values():  # warm Numba's cache and the file system first
        seconds(arguments)
    medians = {
        name: statistics.median(seconds(arguments) for _ in range(args.repeat)) for name, arguments in COMMANDS.items()
    }
    if args.json:
        print(json.dumps({name: round(value, 3) for name, value in medians.items()}, indent=2))
    else:
        for name, value in medians.items():
            print(f"{name:<36} median {value:.2f} s over {args.repeat} processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
