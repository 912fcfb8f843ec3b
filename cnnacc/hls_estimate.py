"""The ``cnnacc hls-estimate`` command (thin: parse, call, print): the static schedule of an
hls_src kernel (--kernel), of a NEST.json loop nest, of any HLS C++ function (FILE.cpp --top)
or of an HLS project folder (DIR), with the burst and conflict verdicts Vitis HLS would log.

``register(subparsers)`` adds it to the main parser of cnnacc/main.py; bad input is a
ValueError or SourceError, printed as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from cnnacc.simulate import KERNELS, add_design_options, design_from_args
from simulator.hardware.designs import Im2colDesign, MatmulDesign

SOURCE_SUFFIXES = (".cpp", ".cc", ".cxx", ".c", ".hpp", ".h")


def _source_estimate(args: argparse.Namespace) -> None:
    """hls-estimate FILE.cpp --top NAME: the nest read from the C++ (simulator.hls.hls_source)."""
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
    (simulator.hls.hls_project); the flags given on the command line win over the project's, and
    --directives replaces the project's directives."""
    import tempfile

    from simulator.hls.hls_project import read_project
    from simulator.hls.hls_source import SourceError

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
    facts = {"project": str(project.config)}  # the tool: the report's own field, as for FILE.cpp
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

    from simulator.hls.hls_source import read_source_verdicts, source_report
    from simulator.hls.schedule import estimate_nest

    options = options | {"charge_transactions": args.charge_transactions}
    found = read_source_verdicts(source, top, args=dict(args.arg), **options)
    nest, smallest, warnings = found.nest, found.smallest, found.warnings
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.emit_nest:
        print(json.dumps(nest, indent=2))
        return
    data = source_report(
        nest, smallest, warnings, found.bursts, found.conflicts, options.get("tool"), found.unknown_trips
    )
    if args.json:
        print(json.dumps(data | facts | {"source": str(source), "top": top}, indent=2))
        return
    for line in [burst.log_line() for burst in found.bursts] + [c.log_line() for c in found.conflicts]:
        print(line)  # as the tool's log would print them
    table = estimate_nest(nest).format_table()
    if found.unknown_trips:  # the top's line as csynth prints it: '?' above a loop of unknown trips
        low = data["latency_cycles_min"]
        table = table.rsplit("\n", 1)[0] + f"\ntop {top}: latency ? cycles (at least {low}), interval ? cycles"
        print(table)
        return
    print(table)
    low = data["latency_cycles_min"]
    if low < data["latency_cycles_max"]:
        why = "the smallest trip counts and shortest branches" if smallest is not None else "a call right after another"
        print(f"latency with {why}: {low} cycles (estimate)")


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
    from simulator.hls.nest_format import load_nest
    from simulator.hls.schedule import estimate_nest
    from simulator.timing.kernel_schedule import kernel_schedule

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


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``hls-estimate`` to a subparsers object."""
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
        help="a loop-nest description (see simulator/hls/nest_format.py), HLS C++ read with libclang "
        "(see simulator/hls/hls_source/; needs --top), or an HLS project folder (see "
        "simulator/hls/hls_project.py)",
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
    source.add_argument(
        "--charge-transactions",
        action="store_true",
        help="charge an m_axi access without a burst its own AXI transaction in the loop's II (round trip / "
        "outstanding requests), as the hardware runs it; csynth's schedule does not, so the default does not",
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


__all__ = ["register"]
