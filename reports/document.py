"""A report document: sections of Markdown, figures and the numbers behind them.

A section is built from result objects by a pure function; this module only collects
sections and writes them: report.md, report.html (figures linked by relative path, so the
folder is viewable offline) and results.json (every number, machine-readable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import markdown
import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from reports.pdf import write_pdf  # noqa: E402
from simulator import atomic  # noqa: E402
from simulator.contract.numerics import check_choice  # noqa: E402

HTML_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; }
code { background: #f3f3f3; padding: 0 0.2rem; }
nav.toc { border: 1px solid #ddd; padding: 0.5rem 1rem; margin: 1rem 0; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  img, table, pre, blockquote { break-inside: avoid; }
  p:has(> img), h2, h3 { break-after: avoid; }
  h2 { break-before: page; }
  nav.toc + h2 { break-before: auto; }
}
"""
PAPERS = {"A4": "A4", "Letter": "letter"}


def page_style(paper: str) -> str:
    """Print layout: the paper size, margins and "Page N of M" at the bottom of every page."""
    check_choice("report: paper", paper, tuple(PAPERS))
    return (
        f"@page {{ size: {PAPERS[paper]}; margin: 16mm 14mm 18mm 14mm; "
        '@bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }'
    )


@dataclass
class Section:
    """One report section: its key in results.json, title, Markdown body, figures and numbers."""

    key: str
    title: str
    body: str
    results: dict = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A GitHub-style Markdown table; floats are printed as given (format them first)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def figure_markdown(name: str, caption: str) -> str:
    return f"![{caption}](figures/{name}.png)\n\n*{caption}*"


def write_report(
    sections: list[Section],
    out_dir: str | Path,
    title: str,
    constants: dict | None = None,
    measurements: dict | None = None,
    paper: str = "A4",
) -> list[Path]:
    """Write figures, report.md, report.html and results.json into ``out_dir``, then report.pdf
    printed from the HTML by headless Chromium when it is installed (``reports.pdf``).

    ``constants`` (the spec's and the contract's fixed numbers quoted by the text) are stored
    in results.json under "constants", so that every number of the report is traceable there.
    """
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for section in sections:
        for name, fig in section.figures.items():
            path = out / "figures" / f"{name}.png"
            tmp = path.with_suffix(".tmp.png")
            fig.savefig(tmp, dpi=110, bbox_inches="tight")
            tmp.replace(path)
    text = f"# {title}\n\n" + "\n\n".join(f"## {s.title}\n\n{s.body.strip()}\n" for s in sections)
    style = HTML_STYLE + page_style(paper)
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc"], extension_configs={"toc": {"toc_depth": "2-3"}}
    )
    html_body = converter.convert(text)
    toc = f'<nav class="toc"><strong>Contents</strong>{converter.toc}</nav>'  # type: ignore[attr-defined]
    first_h2 = html_body.find("<h2")
    html_body = html_body[:first_h2] + toc + "\n" + html_body[first_h2:] if first_h2 >= 0 else toc + html_body
    html = (
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{style}</style></head><body>\n{html_body}\n</body></html>\n"
    )
    results = {s.key: s.results for s in sections} | {"constants": constants or {}}
    if measurements is not None:  # what ``cnnacc report --from`` re-renders from
        results["measurements"] = measurements
    paths = [out / "report.md", out / "report.html", out / "results.json"]
    atomic.write_text(paths[0], text)
    atomic.write_bytes(paths[1], html.encode("utf-8"))
    atomic.write_json(paths[2], results)
    pdf = write_pdf(paths[1], out / "report.pdf")
    return paths + ([pdf] if pdf is not None else [])
