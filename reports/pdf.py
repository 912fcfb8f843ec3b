"""report.pdf, printed from report.html by headless Chromium (no other heavy dependency).

The HTML carries the print layout (``reports.document.page_style``): paper size, page numbers
in the bottom margin, figures and tables kept whole, one section per page. Chromium keeps the
table of contents' links. Without Chromium the caller says how to get the PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PRINT_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               "--virtual-time-budget=10000", "--no-first-run", "--disable-background-networking"]  # fmt: skip
HOW_TO_GET_PDF = (
    "report.pdf not written: headless Chromium is missing (apt-get install chromium), then run "
    "cnnacc report --from reports/out/results.json"
)


def chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def write_pdf(html: Path, pdf: Path, timeout: float = 300) -> Path | None:
    """Print ``html`` to ``pdf`` (atomically); None when Chromium is missing.

    Raises
    ------
    RuntimeError
        If Chromium runs but writes no PDF (its stderr is in the message).
    """
    browser = chromium()
    if browser is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        tmp = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp")
        command = [
            browser,
            *PRINT_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp}",
            html.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
            if not tmp.is_file() or tmp.stat().st_size == 0:
                raise RuntimeError(
                    f"report.pdf: Chromium wrote no PDF (exit {result.returncode}): {result.stderr[-500:]}"
                )
            os.replace(tmp, pdf)
        finally:
            tmp.unlink(missing_ok=True)
    return pdf


__all__ = ["HOW_TO_GET_PDF", "chromium", "write_pdf"]
