"""How often ``hls-estimate``'s burst verdicts agree with real Vitis HLS logs.

tests/data/hls_bursts/: each case is a public project's logged burst lines (214-115 inferred,
214-2xx failures, from its log or burst.xml), kept as facts beside a kernel of our own with the
same accesses. Prints each logged site with our verdict, then how many agree.

    python benchmarks/hls_bursts.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.hls.hls_corpus import burst_agreement  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    rows = burst_agreement()
    compared = [row for row in rows if row["ours"] is not None]
    agreed = sum(row["agree"] for row in rows)
    if args.json:
        print(json.dumps({"rows": rows, "agreed": agreed, "compared": len(compared), "sites": len(rows)}, indent=2))
        return 0
    word = {True: "burst", False: "no burst", None: "-"}
    for row in rows:
        mark = "ok" if row["agree"] else "  "
        print(f"{mark} {row['case']:<16} {row['port']:<10} {row['direction']:<5} {str(row['loop']):<14} "
              f"log: {word[row['logged']]:<8} ours: {word[row['ours']]:<8} {row['reason'] or ''}")  # fmt: skip
    print(f"{agreed} of {len(rows)} logged sites agree ({len(compared)} given a verdict at the logged loop)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
