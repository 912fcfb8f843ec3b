"""The figure of a design-space sweep (``cnnacc sweep``): cycles against DSPs, the Pareto front."""

from __future__ import annotations

import io

from matplotlib.figure import Figure


def sweep_figure(rows: list[dict], front: list[dict], title: str) -> Figure:
    """Latency (cycles, estimate) against DSPs of every buildable design that fits, the front drawn."""
    fig = Figure(figsize=(6.5, 4.2))
    ax = fig.subplots()
    usable = [r for r in rows if r["buildable"] and r["fits"]]
    ax.scatter([r["dsp"] for r in usable], [r["latency_cycles"] for r in usable], s=6, alpha=0.4, label="designs")
    ax.step([r["dsp"] for r in front], [r["latency_cycles"] for r in front], where="post", color="tab:red",
            marker="o", markersize=4, label=f"Pareto front ({len(front)})")  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("DSPs (estimate)")
    ax.set_ylabel("latency (cycles, estimate)")
    ax.set_title(title, fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def figure_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return buffer.getvalue()


__all__ = ["figure_png", "sweep_figure"]
