"""The ``cnnacc simulate`` commands (thin: parse, call, print).

``register(subparsers)`` adds them to the main parser of cnnacc/main.py. Every design field
becomes an option named after it (``--tile-u``), with its unit and default in --help; the
design object validates the values, so a bad value is a ValueError with the allowed range,
which the main command line prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

import numpy as np

from cnnacc.args import bounded
from simulator.contract.numerics import V_MAX, quantize_multiplier
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.units.tiling import DIM_MAX

# field: (what it is, unit)
FIELD_HELP: dict[str, tuple[str, str]] = {
    "clock_mhz": ("kernel clock", "MHz"),
    "axi_width_bits": ("AXI data width, a power of two", "bits"),
    "burst_beats": ("beats of a full AXI burst", "beats"),
    "mem_latency_cycles": (
        "memory latency: read request to first beat, last write beat to response",
        "cycles",
    ),
    "max_outstanding": ("AXI requests in flight per channel", "requests"),
    "axi_ports": ("one m_axi adapter shared by A, B and out, or one per matrix", "choice"),
    "tile_u": ("tile rows of A and out (TILE_U)", "elements"),
    "tile_v": ("tile depth, columns of A and rows of B (TILE_V)", "elements"),
    "tile_w": ("tile columns of B and out (TILE_W)", "elements"),
    "requant_lanes": ("accumulators requantized per cycle", "lanes"),
    "max_w": ("widest output row of the store buffer (MAX_W)", "bytes"),
    "a_buffer_bytes": ("bytes of A read whole into the on-chip ring (A_BUFFER_BYTES; 0: on demand)", "bytes"),
    "b_buffer_bytes": ("bytes of B read whole into the on-chip ring (B_BUFFER_BYTES; 0: on demand)", "bytes"),
    "buffering": ("streams between processes hold one tile or two", "choice"),
    "rounding": ("requantization rounding (ROUNDING_NEAREST)", "choice"),
    "part": ("target FPGA", "choice"),
    "max_src_m": ("tallest input of the image buffer (MAX_SRC_M)", "rows"),
    "max_src_n": ("widest input of the image buffer (MAX_SRC_N)", "bytes"),
    "max_k": ("largest kernel size, image copies (MAX_K)", "elements"),
}
MODELS = ("des", "analytic")
VALUES = ("numba", "sw_emu")
KERNELS = ("matmul", "im2col")


def add_design_options(parser: argparse.ArgumentParser, *design_classes: type) -> None:
    """One option per design field, with its unit and default in the help text (a field
    shared by several classes gets one option)."""
    added: set[str] = set()
    for design_class in design_classes:
        _add_fields(parser, design_class, added)


def _add_fields(parser: argparse.ArgumentParser, design_class: Any, added: set[str]) -> None:
    defaults = design_class()
    group = parser.add_argument_group(f"{design_class.__name__} options")
    for field in dataclasses.fields(design_class):
        if field.name in added:
            continue
        added.add(field.name)
        what, unit = FIELD_HELP[field.name]
        default = getattr(defaults, field.name)
        option = "--" + field.name.replace("_", "-")
        if field.name in design_class.CHOICES:
            choices = design_class.CHOICES[field.name]
            group.add_argument(option, choices=choices, help=f"{what} ({unit}; default {default})")
        else:
            kind, lo, hi = design_class.FIELDS[field.name]
            group.add_argument(option, type=kind, help=f"{what} ({unit}, {lo}..{hi}; default {default})")


def design_from_args(design_class: type, args: argparse.Namespace):
    """The design with every option the user gave; the others keep their defaults."""
    given = {
        field.name: getattr(args, field.name)
        for field in dataclasses.fields(design_class)
        if getattr(args, field.name, None) is not None
    }
    return design_class(**given)


def _print_result(result, as_json: bool) -> None:
    data = result.to_json()
    if as_json:
        print(json.dumps(data, indent=2))
        return
    print(f"{data['unit']} ({data['model']}), design {data['design_fingerprint']}")
    print(f"  latency   {data['latency_cycles']} cycles = {data['latency_us']:.3f} us")
    print(f"  interval  {data['interval_cycles']} cycles (back-to-back calls)")
    print(f"  memory bound {data['memory_bound_cycles']} cycles", end="")
    if "compute_bound_cycles" in data:
        print(f", compute bound {data['compute_bound_cycles']} cycles")
        print(
            f"  throughput {data['throughput_gmacs']:.2f} GMAC/s, {data['outputs_per_cycle']:.3f} "
            "outputs/cycle, "
            f"PE utilization {100 * data['pe_utilization']:.1f} %"
        )
    else:
        print()
        print(f"  throughput {data['throughput_gbytes_per_s']:.2f} GB/s, {data['outputs_per_cycle']:.3f} outputs/cycle")
    print(f"  {'stage':<12} {'busy':>8} {'stall':>8} {'idle':>8}")
    for name, cycles in data["stages"].items():
        print(f"  {name:<12} {cycles['busy_cycles']:>8} {cycles['stall_cycles']:>8} {cycles['idle_cycles']:>8}")
    resources = data["resources"]
    percent = resources["utilization_percent"]
    print(
        "  resources on "
        + resources["part"]
        + ": "
        + ", ".join(
            f"{kind.upper()} {resources[kind]} ({percent[kind]:.2f} %)"
            for kind in ("dsp", "bram_18k", "uram", "lut", "ff")
        )
        + ("" if resources["fits"] else "  -- DOES NOT FIT")
    )


# ------------------------------------------------------------------------------ commands


def cmd_simulate_matmul(args: argparse.Namespace) -> None:
    from simulator.timing.units.matmul import analytic_matmul, simulate_matmul

    design = design_from_args(MatmulDesign, args)
    if args.model == "analytic":
        _print_result(analytic_matmul(design, args.u, args.v, args.w), args.json)
        return
    for name in ("u", "v", "w"):
        if getattr(args, name) < 1:
            raise ValueError(f"simulate matmul: --{name}={getattr(args, name)} is out of range; expected >= 1")
    rng = np.random.default_rng(args.seed)
    a_q = rng.integers(0, 256, (args.u, args.v), dtype=np.uint8)
    b_q = rng.integers(0, 256, (args.v, args.w), dtype=np.uint8)
    M0, n = quantize_multiplier(args.multiplier)  # noqa: N806
    values = dict(zero_a=args.zero_a, zero_b=args.zero_b, zero_out=args.zero_out, M0=M0, n=n)
    out, result = simulate_matmul(design, a_q, b_q, **values)
    _print_with_values(args, result, out, lambda sw_emu: sw_emu.qmatmul(a_q, b_q, **values, design=design))


def _print_with_values(args: argparse.Namespace, result, out: np.ndarray, run_cpp) -> None:
    """Print ``result``; with --values sw_emu, first run the C++ of the design (``run_cpp(sw_emu)``)
    and record whether it gives the Numba kernel's bytes."""
    if args.values == "sw_emu":
        from simulator.emulation import sw_emu

        result.extra["sw_emu_equal"] = bool(np.array_equal(run_cpp(sw_emu), out))
    _print_result(result, args.json)
    if args.values == "sw_emu" and not args.json:
        verdict = "equal to" if result.extra["sw_emu_equal"] else "DIFFERENT from"
        print(f"  values: the C++ of this design (g++, sw_emu) is {verdict} the Numba kernel")


def cmd_simulate_im2col(args: argparse.Namespace) -> None:
    from simulator.timing.units.im2col import analytic_im2col, simulate_im2col

    design = design_from_args(Im2colDesign, args)
    km = args.k if args.km is None else args.km
    kn = args.k if args.kn is None else args.kn
    if args.model == "analytic":
        _print_result(analytic_im2col(design, args.src_c, args.src_m, args.src_n, km, kn), args.json)
        return
    for name in ("src_c", "src_m", "src_n"):
        if getattr(args, name) < 1:
            raise ValueError(
                f"simulate im2col: --{name.replace('_', '-')}={getattr(args, name)} is out of range; expected >= 1"
            )
    x_q = np.random.default_rng(args.seed).integers(0, 256, (args.src_c, args.src_m, args.src_n), dtype=np.uint8)
    out, result = simulate_im2col(design, x_q, km, kn, pad_value=args.pad_value)
    _print_with_values(
        args, result, out, lambda sw_emu: sw_emu.im2col(x_q, km, kn, pad_value=args.pad_value, design=design)
    )


def cmd_simulate_scalesim(args: argparse.Namespace) -> None:
    from simulator.interop.scalesim import read_config, read_topology, simulate_scalesim

    config = read_config(args.config)
    layers = read_topology(args.topology, gemm=args.gemm)
    results = simulate_scalesim(layers, config)
    data: dict[str, Any] = {
        "run_name": config.run_name,
        "array_rows": config.array_rows,
        "array_cols": config.array_cols,
        "dataflow": config.dataflow,
        "layers": [result.to_json() for result in results],
        "total_cycles": sum(result.total_cycles for result in results),
    }
    if args.json:
        print(json.dumps(data, indent=2))
        return
    print(
        f"SCALE-Sim-compatible run {config.run_name}: {config.array_rows} x {config.array_cols} "
        "array, "
        f"dataflow {config.dataflow}"
    )
    print(f"  {'layer':<16} {'total cycles':>12} {'stalls':>6} {'overall %':>9} {'mapping %':>9} {'compute %':>9}")
    for r in results:
        print(
            f"  {r.layer:<16} {r.total_cycles:>12} {r.stall_cycles:>6} "
            f"{r.overall_util_percent:>9.2f} "
            f"{r.mapping_efficiency_percent:>9.2f} {r.compute_util_percent:>9.2f}"
        )
    print(f"  {'total':<16} {data['total_cycles']:>12}")


# ------------------------------------------------------------------------------ parsers


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        choices=MODELS,
        default="des",
        help="des: SimPy model with values; analytic: its closed-form twin, no values (default des)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random input values (default 0)")
    parser.add_argument(
        "--values",
        choices=VALUES,
        default="numba",
        help="numba: outputs by the Numba kernels; sw_emu: also build and run the C++ of this "
        "design with g++ and check it gives the same outputs (default numba)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``simulate {matmul,im2col,scalesim}`` to a subparsers object."""
    simulate = subparsers.add_parser("simulate", help="cycle-approximate timing, resources and bit-exact outputs")
    units = simulate.add_subparsers(dest="unit", required=True, metavar="UNIT", parser_class=type(simulate))

    matmul = units.add_parser("matmul", help="quantized matmul (u x v) @ (v x w) on a MatmulDesign")
    dim = bounded(int, 1, DIM_MAX)  # the library's own checks name finer limits
    matmul.add_argument("--u", type=dim, default=64, help="rows of A and out (default 64)")
    matmul.add_argument("--v", type=bounded(int, 1, V_MAX), default=32, help="columns of A, rows of B (default 32)")
    matmul.add_argument("--w", type=dim, default=64, help="columns of B and out (default 64)")
    matmul.add_argument("--zero-a", type=int, default=128, help="zero point of A, 0..255 (default 128)")
    matmul.add_argument("--zero-b", type=int, default=128, help="zero point of B, 0..255 (default 128)")
    matmul.add_argument("--zero-out", type=int, default=128, help="zero point of out, 0..255 (default 128)")
    matmul.add_argument(
        "--multiplier",
        type=float,
        default=2.0**-12,
        help="real requantization multiplier M = Sa Sb / Sout in [2^-32, 1) (default 2^-12)",
    )
    _add_common(matmul)
    add_design_options(matmul, MatmulDesign)
    matmul.set_defaults(func=cmd_simulate_matmul)

    im2col = units.add_parser("im2col", help="im2col of a (src_c, src_m, src_n) image on an Im2colDesign")
    im2col.add_argument("--src-c", type=dim, default=3, help="input channels (default 3)")
    im2col.add_argument("--src-m", type=dim, default=32, help="input rows (default 32)")
    im2col.add_argument("--src-n", type=dim, default=32, help="input columns (default 32)")
    im2col.add_argument("--k", type=dim, default=3, help="kernel size, rows and columns (default 3)")
    im2col.add_argument("--km", type=dim, help="kernel rows (default: --k)")
    im2col.add_argument("--kn", type=dim, help="kernel columns (default: --k)")
    im2col.add_argument("--pad-value", type=int, default=0, help="value of the padded border, 0..255 (default 0)")
    _add_common(im2col)
    add_design_options(im2col, Im2colDesign)
    im2col.set_defaults(func=cmd_simulate_im2col)

    scalesim = units.add_parser("scalesim", help="SCALE-Sim-compatible compute cycles of a topology")
    scalesim.add_argument("--topology", required=True, help="SCALE-Sim topology CSV (conv or GEMM MNK form)")
    scalesim.add_argument("--config", required=True, help="SCALE-Sim .cfg file")
    form = scalesim.add_mutually_exclusive_group()
    form.add_argument("--gemm", dest="gemm", action="store_true", default=None, help="the topology is in MNK form")
    form.add_argument("--conv", dest="gemm", action="store_false", help="the topology is in conv form")
    scalesim.add_argument("--json", action="store_true", help="print the per-layer results as JSON")
    scalesim.set_defaults(func=cmd_simulate_scalesim)


__all__ = ["KERNELS", "add_design_options", "design_from_args", "register"]
