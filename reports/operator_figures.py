"""The figures of Part 2: the block diagram of the two units and the Gantt chart of their
processes (busy, stalled and idle spans of a simulated call)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.results import Trace


def _box(ax, x, y, text, width=1.5, height=0.6, color="#dbe9f6"):
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.05", fc=color, ec="#333"))
    ax.text(x + width / 2, y + height / 2, text, ha="center", va="center", fontsize=8)


def _arrow(ax, start, end, label=""):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "#333"})
    if label:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.08, label, ha="center", fontsize=7)


def block_diagram(matmul: MatmulDesign, im2col: Im2colDesign) -> Figure:
    """The DATAFLOW processes of both kernels and the streams between them."""
    fig = Figure(figsize=(9, 4.2))
    top, bottom = fig.subplots(2, 1)
    for ax in (top, bottom):
        ax.set_xlim(-0.3, 11.2)
        ax.set_axis_off()
    top.set_ylim(-0.2, 2.2)
    top.set_title(f"matmul_kernel: {matmul.tile_v} x {matmul.tile_w} PE array holding a B tile", fontsize=9)
    _box(top, 0, 1.4, "A (m_axi)", 1.3, color="#eee")
    _box(top, 0, 0.2, "B (m_axi)", 1.3, color="#eee")
    _box(top, 2, 1.4, "load_a\nReadRows")
    _box(top, 2, 0.2, "load_b\nReadRows (ring)")
    _box(top, 4.4, 0.8, f"compute\nComputeBeats, 2 B banks\n{matmul.tile_v * matmul.tile_w} MACs/cycle", 1.8, 0.8)
    _box(top, 7, 0.8, f"requantize\n{matmul.requant_lanes} lanes/cycle", 1.6, 0.8)
    _box(top, 9.4, 0.8, "store,\nwrite_output\n(one burst)", 1.5, 0.8)
    _arrow(top, (1.35, 1.7), (1.95, 1.7), f"{matmul.axi_width_bits} b")
    _arrow(top, (1.35, 0.5), (1.95, 0.5), f"{matmul.axi_width_bits} b")
    _arrow(top, (3.55, 1.7), (4.35, 1.3), "A rows")
    _arrow(top, (3.55, 0.5), (4.35, 1.0), "B rows")
    _arrow(top, (6.25, 1.2), (6.95, 1.2), "acc rows")
    _arrow(top, (8.65, 1.2), (9.35, 1.2), "out rows")
    bottom.set_ylim(-0.2, 1.4)
    bottom.set_title(f"im2col_kernel: {im2col.max_k} shifted image copies, one word per cycle", fontsize=9)
    _box(bottom, 0, 0.3, "in (m_axi)", 1.3, color="#eee")
    _box(bottom, 2, 0.3, "read_input\nReadInput")
    _box(bottom, 4.6, 0.2, "window\nFillRows, Overlap,\nEmitRows", 2.0, 0.8)
    _box(bottom, 7.6, 0.3, "write_output\nWriteOutput", 1.7)
    _box(bottom, 9.9, 0.3, "out (m_axi)", 1.2, color="#eee")
    _arrow(bottom, (1.35, 0.6), (1.95, 0.6), f"{im2col.axi_width_bits} b")
    _arrow(bottom, (3.55, 0.6), (4.55, 0.6), "words")
    _arrow(bottom, (6.65, 0.6), (7.55, 0.6), "words")
    _arrow(bottom, (9.35, 0.6), (9.85, 0.6), f"{im2col.axi_width_bits} b")
    return fig


def gantt(traces: dict[str, tuple[Trace, tuple[str, ...], int]]) -> Figure:
    """Busy (and stalled) spans of every process in one call, from the SimPy trace."""
    fig = Figure(figsize=(9, 4.6))
    axes = fig.subplots(len(traces), 1)
    for ax, (title, (trace, stages, latency)) in zip(axes, traces.items()):
        for row, stage in enumerate(stages):
            busy = [(start, end - start) for name, start, end in trace.spans if name == stage]
            stalled = [(start, end - start) for name, start, end in trace.stalls if name == stage]
            ax.broken_barh(busy, (row - 0.35, 0.7), color="tab:blue")
            ax.broken_barh(stalled, (row - 0.35, 0.7), color="tab:red")
        last = max(end for _, _, end in trace.spans)
        ax.broken_barh([(last, latency - last)], (len(stages) - 1.35, 0.7), color="0.8")  # write responses
        ax.set_yticks(range(len(stages)), stages, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, latency)
        ax.set_title(
            f"{title}: {latency:,} cycles (blue: busy, red: stalled, grey: waiting for the write responses)", fontsize=9
        )
    axes[-1].set_xlabel("cycle")
    fig.tight_layout()
    return fig


__all__ = ["block_diagram", "gantt"]
