"""The ``cnnacc simulate`` and ``cnnacc hls-estimate`` commands (thin: parse, call, print).

``register(subparsers)`` adds them to the main parser of cnnacc/main.py. Every design field
becomes an option named after it (``--tile-u``), with its unit and default in --help; the
design object validates the values, so a bad value is a ValueError with the allowed range,
which the main command line prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from simulator.designs import Im2colDesign, MatmulDesign
from simulator.numerics import quantize_multiplier

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
    "pe_rows": ("PE array rows; the C++ builds tile_v", "PEs"),
    "pe_cols": ("PE array columns; the C++ builds tile_w", "PEs"),
    "pe_interconnect": ("operands fanned out (broadcast) or passed PE to PE (systolic)", "choice"),
    "dataflow": ("operand that stays in the PEs during a fold", "choice"),
    "fold_overlap": ("overlap consecutive folds (false: SCALE-Sim's model)", "true/false"),
    "mac_latency_cycles": ("pipeline depth of one PE", "cycles"),
    "requant_lanes": ("accumulators requantized per cycle", "lanes"),
    "requant_latency_cycles": ("pipeline depth of the requantizer", "cycles"),
    "max_w": ("widest output row of the store buffer (MATMUL_MAX_W)", "bytes"),
    "a_buffer_bytes": ("bytes of A read whole into the on-chip ring (MATMUL_A_BUFFER; 0: on demand)", "bytes"),
    "b_buffer_bytes": ("bytes of B read whole into the on-chip ring (MATMUL_B_BUFFER; 0: on demand)", "bytes"),
    "buffering": ("streams between processes hold one tile or two", "choice"),
    "rounding": ("requantization rounding (ROUNDING_NEAREST)", "choice"),
    "part": ("target FPGA", "choice"),
    "max_src_m": ("tallest input of the image buffer (IM2COL_MAX_SRC_M)", "rows"),
    "max_src_n": ("widest input of the image buffer (IM2COL_MAX_SRC_N)", "bytes"),
    "max_k": ("largest kernel size, image copies (IM2COL_MAX_K)", "elements"),
}
MODELS = ("des", "analytic")
VALUES = ("numba", "sw_emu")
KERNELS = ("matmul", "im2col")


def parse_bool(text: str) -> bool:
    """'true'/'false' (also 1/0, yes/no) for boolean design options."""
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not a boolean; expected true or false")


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
            convert = parse_bool if kind is bool else kind
            shown = str(default).lower() if kind is bool else default
            group.add_argument(
                option,
                type=convert,
                metavar=unit.upper().replace("/", "|") if kind is bool else None,
                help=f"{what} ({unit}, {lo}..{hi}; default {shown})",
            )


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
    from simulator.units.matmul import analytic_matmul, simulate_matmul

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
        from simulator import sw_emu

        result.extra["sw_emu_equal"] = bool(np.array_equal(run_cpp(sw_emu), out))
    _print_result(result, args.json)
    if args.values == "sw_emu" and not args.json:
        verdict = "equal to" if result.extra["sw_emu_equal"] else "DIFFERENT from"
        print(f"  values: the C++ of this design (g++, sw_emu) is {verdict} the Numba kernel")


def cmd_simulate_im2col(args: argparse.Namespace) -> None:
    from simulator.units.im2col import analytic_im2col, simulate_im2col

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
    from simulator.scalesim import read_config, read_topology, simulate_scalesim

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


SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".c", ".hpp", ".h")


def _source_estimate(args: argparse.Namespace) -> None:
    """hls-estimate FILE.cpp --top NAME: the nest read from the C++ (simulator.hls_source)."""
    if args.top is None:
        raise ValueError(f"hls-estimate: {args.nest} is C++; give its top function with --top NAME")
    options = {
        "defines": args.defines,
        "includes": args.includes,
        "directives": args.directives,
        "clock_ns": args.clock_ns,
        "part": args.source_part,
        "pipeline_loops": args.pipeline_loops,
        "tool": args.tool,
        "flow": args.flow,
    }
    _print_source_estimate(args, args.nest, args.top, options, {})


def _project_estimate(args: argparse.Namespace) -> None:
    """hls-estimate DIR: the project's top read from its design file with its settings
    (simulator.hls_project); the flags given on the command line win over the project's, and
    --directives replaces the project's directives."""
    import tempfile

    from simulator.hls_project import read_project
    from simulator.hls_source import SourceError

    project = read_project(args.nest)
    top = args.top or project.top
    if top is None:
        raise ValueError(f"hls-estimate: {project.config} names no top function; give it with --top NAME")
    source = project.design_file(top)
    folders = [str(path.parent) for path in project.files]
    options = {
        "defines": project.flags("D") + args.defines,  # the last definition of a macro wins
        "includes": list(dict.fromkeys(args.includes + project.flags("I") + folders)),
        "directives": args.directives,
        "clock_ns": args.clock_ns if args.clock_ns is not None else project.clock_ns,
        "part": args.source_part or project.part,
        "pipeline_loops": args.pipeline_loops if args.pipeline_loops is not None else project.pipeline_loops,
        "tool": args.tool or project.tool,
        "flow": args.flow or (project.flow if project.flow in ("vivado", "vitis") else None),
    }
    facts = {"project": str(project.config), "tool": options["tool"]}
    if args.directives is not None or not project.directive_lines:
        options["directives"] = args.directives or project.directives
        _print_source_estimate(args, source, top, options, facts)
        return
    # the project's directives file and set_directive lines, read as one file whose lines
    # name their origin in errors
    lines = project.directives.read_text(errors="replace").splitlines() if project.directives else []
    origins = {number: f"{project.directives}:{number}" for number in range(1, len(lines) + 1)}
    for text, where in project.directive_lines:
        lines.append(text)
        origins[len(lines)] = where
    with tempfile.TemporaryDirectory(prefix="cnnacc-directives-") as folder:
        combined = Path(folder) / "directives.tcl"
        combined.write_text("\n".join(lines) + "\n")
        options["directives"] = str(combined)
        try:
            _print_source_estimate(args, source, top, options, facts)
        except SourceError as error:
            match = re.match(rf"{re.escape(str(combined))}:(\d+):", str(error))
            if match is None:
                raise
            raise SourceError(origins[int(match[1])] + str(error)[match.end() - 1 :]) from None


def _print_source_estimate(args: argparse.Namespace, source, top: str, options: dict, facts: dict) -> None:
    import sys

    from simulator.hls_source import read_source_verdicts, source_report
    from simulator.schedule import estimate_nest

    found = read_source_verdicts(source, top, args=dict(args.arg), **options)
    nest, smallest, warnings = found.nest, found.smallest, found.warnings
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.emit_nest:
        print(json.dumps(nest, indent=2))
        return
    data = source_report(nest, smallest, warnings, found.bursts, found.conflicts, options.get("tool"))
    if args.json:
        print(json.dumps(data | facts | {"source": str(source), "top": top}, indent=2))
        return
    for line in [burst.log_line() for burst in found.bursts] + [c.log_line() for c in found.conflicts]:
        print(line)  # as the tool's log would print them
    print(estimate_nest(nest).format_table())
    if smallest is not None:
        low = data["latency_cycles_min"]
        print(f"latency with the smallest trip counts and shortest branches: {low} cycles (estimate)")


def _tool(text: str) -> str:
    """--tool: vivado_hls:YEAR.N or vitis_hls:YEAR.N."""
    if re.fullmatch(r"(vivado_hls|vitis_hls):\d{4}\.\d", text) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a tool; expected vivado_hls:YEAR.N or vitis_hls:YEAR.N (e.g. vitis_hls:2023.2)"
        )
    return text


def _binding(text: str) -> tuple[str, int]:
    """NAME=VALUE of --arg, VALUE an integer."""
    name, sep, value = text.partition("=")
    try:
        if not sep or not name.isidentifier():
            raise ValueError
        return name, int(value, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--arg {text!r}: expected NAME=INTEGER, e.g. u=64") from None


def cmd_hls_estimate(args: argparse.Namespace) -> None:
    from simulator.kernel_schedule import kernel_schedule
    from simulator.schedule import estimate_nest, load_nest

    if (args.nest is None) == (args.kernel is None):
        raise ValueError("hls-estimate: give either NEST.json, FILE.cpp --top NAME, DIR or --kernel matmul|im2col")
    if args.nest is not None and Path(args.nest).is_dir():
        _project_estimate(args)
        return
    if args.nest is not None and args.nest.lower().endswith(SOURCE_SUFFIXES):
        _source_estimate(args)
        return
    if args.kernel == "matmul":
        report = kernel_schedule(design_from_args(MatmulDesign, args), (args.u, args.v, args.w))
    elif args.kernel == "im2col":
        km = args.k if args.km is None else args.km
        kn = args.k if args.kn is None else args.kn
        shape = (args.src_c, args.src_m, args.src_n, km, kn)
        report = kernel_schedule(design_from_args(Im2colDesign, args), shape)
    else:
        report = estimate_nest(load_nest(args.nest))
    print(json.dumps(report.to_json(), indent=2) if args.json else report.format_table())


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
    """Add ``simulate {matmul,im2col,scalesim}`` and ``hls-estimate`` to a subparsers object."""
    simulate = subparsers.add_parser("simulate", help="cycle-approximate timing, resources and bit-exact outputs")
    units = simulate.add_subparsers(dest="unit", required=True, metavar="UNIT", parser_class=type(simulate))

    matmul = units.add_parser("matmul", help="quantized matmul (u x v) @ (v x w) on a MatmulDesign")
    matmul.add_argument("--u", type=int, default=64, help="rows of A and out (default 64)")
    matmul.add_argument("--v", type=int, default=32, help="columns of A, rows of B (default 32)")
    matmul.add_argument("--w", type=int, default=64, help="columns of B and out (default 64)")
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
    im2col.add_argument("--src-c", type=int, default=3, help="input channels (default 3)")
    im2col.add_argument("--src-m", type=int, default=32, help="input rows (default 32)")
    im2col.add_argument("--src-n", type=int, default=32, help="input columns (default 32)")
    im2col.add_argument("--k", type=int, default=3, help="kernel size, rows and columns (default 3)")
    im2col.add_argument("--km", type=int, help="kernel rows (default: --k)")
    im2col.add_argument("--kn", type=int, help="kernel columns (default: --k)")
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

    hls = subparsers.add_parser(
        "hls-estimate",
        help="static schedule (loop latencies by the Vitis HLS rules) of an hls_src kernel as "
        "written, or of a loop nest",
        description="Per-loop static schedule: trip counts, II, iteration latency and latency of "
        "every labelled loop of hls_src/matmul/matmul.cpp or hls_src/im2col/im2col.cpp for a "
        "design and a shape (--kernel), of a NEST.json loop nest, or of any HLS C++ function "
        "(FILE.cpp --top NAME: loops, pragmas and operations read with libclang), or of the top of "
        "an HLS project folder (DIR with hls_config.cfg or run_hls.tcl: its design file, top, "
        "flags, part, clock and directives; options given here win). An estimate by the HLS "
        "scheduling rules, not a csynth report.",
    )
    hls.add_argument(
        "nest",
        metavar="NEST.json|FILE.cpp|DIR",
        nargs="?",
        help="a loop-nest description (see simulator/schedule.py), HLS C++ read with libclang "
        "(see simulator/hls_source/; needs --top), or an HLS project folder (see "
        "simulator/hls_project.py)",
    )
    source = hls.add_argument_group("C++ source (with FILE.cpp or DIR)")
    source.add_argument("--top", help="the top function to estimate")
    source.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]", help="a macro")
    source.add_argument("-I", dest="includes", action="append", default=[], metavar="DIR", help="an include folder")
    source.add_argument("--directives", metavar="FILE.tcl", help="Tcl directives (set_directive_*) applied too")
    source.add_argument(
        "--arg",
        type=_binding,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a scalar parameter of the top to a value (a run-time shape such as u=64), so loop bounds "
        "computed from it are known; repeat for each",
    )
    source.add_argument(
        "--tool",
        type=_tool,
        metavar="vivado_hls:YEAR.N|vitis_hls:YEAR.N",
        help="the HLS tool whose defaults apply (default: the project's csynth report, else the current Vitis HLS)",
    )
    source.add_argument(
        "--flow",
        choices=("vivado", "vitis"),
        help="vivado: the Vivado IP flow (no m_axi port widening); vitis: the Vitis kernel flow (m_axi "
        "accesses widened up to 512 bits) (default: the directives' open_solution -flow_target, else vivado)",
    )
    source.add_argument("--emit-nest", action="store_true", help="print the extracted NEST.json for hand edits")
    source.add_argument(
        "--clock-ns",
        type=float,
        help="target clock period in ns for FILE.cpp (default: the directives file's create_clock, else 10)",
    )
    source.add_argument(
        "--source-part",
        metavar="PART",
        help="AMD part of FILE.cpp's target, for operator latencies (xc7*: 7 series; default: the directives "
        "file's set_part, else UltraScale+)",
    )
    source.add_argument(
        "--pipeline-loops",
        type=int,
        metavar="N",
        help="automatic pipelining threshold (config_compile -pipeline_loops; default 64, 0 turns it off as in "
        "Vivado HLS)",
    )
    hls.add_argument("--kernel", choices=KERNELS, help="an hls_src kernel instead of a NEST.json")
    shape = hls.add_argument_group("shape (with --kernel)")
    shape.add_argument("--u", type=int, default=64, help="matmul: rows of A (default 64)")
    shape.add_argument("--v", type=int, default=32, help="matmul: columns of A (default 32)")
    shape.add_argument("--w", type=int, default=64, help="matmul: columns of B (default 64)")
    shape.add_argument("--src-c", type=int, default=3, help="im2col: channels (default 3)")
    shape.add_argument("--src-m", type=int, default=32, help="im2col: rows (default 32)")
    shape.add_argument("--src-n", type=int, default=32, help="im2col: columns (default 32)")
    shape.add_argument("--k", type=int, default=3, help="im2col: kernel size (default 3)")
    shape.add_argument("--km", type=int, help="im2col: kernel rows (default: --k)")
    shape.add_argument("--kn", type=int, help="im2col: kernel columns (default: --k)")
    add_design_options(hls, MatmulDesign, Im2colDesign)
    hls.add_argument(
        "--json",
        action="store_true",
        help="print latency_cycles, interval_cycles and nodes as JSON",
    )
    hls.set_defaults(func=cmd_hls_estimate)


__all__ = ["add_design_options", "design_from_args", "register"]
