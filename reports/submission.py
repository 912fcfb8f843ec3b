"""Report section: the submission of spec Part 3 (the PDF and the archive, and how to rebuild them)."""

from __future__ import annotations

from reports.archive import ARCHIVE_NAME, REPORT_FILES, TOP
from reports.document import Section


def submission_section(titles: list[str], paper: str = "A4") -> Section:
    """What the PDF and the archive hold and how to rebuild them; ``titles`` are the report's
    other sections, in order."""
    listed = "; ".join(titles)
    files = ", ".join(REPORT_FILES)
    body = f"""
**Part 3 (submission).** The handout asks for a PDF on Gradescope and an archive, `{ARCHIVE_NAME}`, in
the team's S3 folder.

*The PDF* is this report, `reports/out/report.pdf`, printed from `report.html` by headless Chromium on
{paper} paper with numbered pages and a linked table of contents. Its sections: {listed}; and this one.
Every number it prints is in `reports/out/results.json`, together with the measurements it was rendered from.

*The archive* `{ARCHIVE_NAME}` unpacks to one folder, `{TOP}/`, holding `source/` (every file git tracks:
the Python packages, the HLS C++ kernels with their testbenches and Makefile, the tests, the benchmarks and
the shipped models with their cards), `report/` ({files}, the figures, and every model folder the report
exported, such as `export_baseline_w8a8/` with its weights, manifest, C header and ONNX model) and
`MANIFEST.json`, the SHA-256 of every other file. Nothing from `.venv`, caches or build folders goes in. The
archive is written to a temporary file and moved into place, then read back and every file checked against
its hash; `reports.archive.verify_archive` repeats the check on any copy.

*How to rebuild them*, from a checkout (`make` sets up the environment first):

```
make report     # measure everything; writes reports/out/ with report.pdf
make archive    # the archive from the tracked source and reports/out/, verified
cnnacc report --from reports/out/results.json   # re-render text and figures only, in seconds
```

and upload them as the handout says (the PDF to Gradescope, the archive to S3):

```
aws s3 cp {ARCHIVE_NAME} s3://mlxlo-2024-ut-austin/work/mlxlo-2024-team<TEAM_NUMBER>/
```
"""
    results = {"archive": ARCHIVE_NAME, "top_folder": TOP, "report_files": list(REPORT_FILES), "sha_bits": 256}
    return Section("submission", "Part 3: submission", body, results)
