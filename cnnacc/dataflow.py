"""``cnnacc dataflow``: the whole network as one DATAFLOW accelerator, generated from an export."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cnnacc.args import bounded

RESOURCE_NAMES = {"dsp": "DSP", "bram_18k": "BRAM_18K", "uram": "URAM", "lut": "LUT", "ff": "FF"}


def budgets_from_args(args: argparse.Namespace) -> dict[str, float]:
    """The resource budgets given on the command line (the others keep their defaults)."""
    given = {"dsp": args.dsp_budget, "bram_18k": args.bram_budget, "uram": args.uram_budget, "lut": args.lut_budget}
    return {kind: float(value) for kind, value in given.items() if value is not None}


def summary_lines(result: dict) -> list[str]:
    """A dataflow estimate (``DataflowEstimate.to_json``) as text: per layer, then the totals."""
    lines = [f"{'layer':6s} {'PE x SIMD x columns':>20s} {'cycles':>7s} {'DSP':>6s} {'LUT':>8s}"]
    for layer in result["layers"]:
        fold = layer["fold"]
        shape = f"{fold['pe']} x {fold['simd']} x {fold['columns']}"
        lines.append(
            f"{layer['name']:6s} {shape:>20s} {layer['cycles']:7,d} {layer['resources']['dsp']:6,d} "
            f"{layer['resources']['lut']:8,d}"
        )
    resources = result["resources"]
    used = ", ".join(
        f"{RESOURCE_NAMES[kind]} {resources[kind]:,} ({resources['utilization_percent'][kind]:.1f} %)"
        for kind in RESOURCE_NAMES
    )
    static = result["static"]
    lines += [
        f"latency {result['latency_cycles']:,} cycles ({result['latency_us']:.2f} us), interval "
        f"{result['interval_cycles']:,} cycles, {result['images_per_second']:,.0f} images/s at "
        f"{result['design']['clock_mhz']:g} MHz (SimPy over the streams; the C++'s static schedule: latency "
        f"{static['latency_cycles']:,}, interval {static['interval_cycles']:,})",
        f"resources on {resources['part']}: {used}",
        "streams: " + ", ".join(f"{s['name']} {s['depth']} words" for s in result["streams"]),
    ]
    if result["shallow_streams"]:
        lines.append(f"too shallow (the pipeline stalls on them): {', '.join(result['shallow_streams'])}")
    return lines


def cmd_dataflow(args: argparse.Namespace) -> None:
    from simulator.network.dataflow_fold import generate
    from simulator.network.export import load_network

    net = load_network(args.export)
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise ValueError(f"--out {args.out} is a file; expected a folder (created if needed)")
    try:
        found = generate(
            net,
            args.out,
            part=args.part,
            clock_mhz=args.clock_mhz,
            budgets=budgets_from_args(args),
            target_interval=args.target_interval,
        )
    except OSError as error:
        raise ValueError(f"cannot write the project to {args.out}: {error.strerror or error}") from None
    result = found.to_json() | {"out": str(args.out)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print("\n".join(summary_lines(result)))
    print(f"wrote {args.out}: network.cpp (the DATAFLOW top), network.hpp (ROMs), network_tb.cpp, hls_config.cfg")


def add_budget_options(parser: argparse.ArgumentParser) -> None:
    count = bounded(int, 0)
    for kind, what in (
        ("dsp", "DSP48E2 slices"),
        ("bram", "18 Kbit block RAMs"),
        ("uram", "UltraRAMs"),
        ("lut", "LUTs"),
    ):
        parser.add_argument(f"--{kind}-budget", type=count, default=None, metavar="N", help=f"at most N {what}")
    parser.add_argument(
        "--target-interval",
        type=bounded(int, 1),
        default=None,
        metavar="CYCLES",
        help="the cheapest folding whose slowest unit takes at most CYCLES an image "
        "(default: the smallest interval within the budgets)",
    )
    parser.add_argument("--part", default="xcvu9p", help="target part: xcvu9p (default) or xc7z020")
    parser.add_argument(
        "--clock-mhz", type=bounded(float, 10, 1000), default=250.0, help="kernel clock in MHz (default 250)"
    )


def register(subparsers) -> None:
    dataflow = subparsers.add_parser(
        "dataflow",
        help="generate the network as one DATAFLOW accelerator (per-layer units, weights on chip)",
        description="Generate the HLS C++ of an export as one DATAFLOW accelerator: per layer a unit of "
        "hls_src/dataflow/ (a line-buffer 3x3 convolution with the 2x2 max-pool fused, or a dense layer), "
        "folded PE x SIMD x columns, joined by streams of feature-map rows, weights and requantization "
        "constants in on-chip ROMs. The folding search balances the pipeline: the smallest interval "
        "(cycles an image of the slowest unit) within the budgets (default: half the part's DSPs, 60 % of "
        "its LUTs and FFs, all its block RAM and UltraRAM). Writes a Vitis HLS project (network.cpp, "
        "network.hpp, network_tb.cpp, hls_config.cfg) and folding.json: the folding, each stream's depth "
        "(sized by simulation), the latency and interval from the C++'s static schedule and from SimPy, "
        "and the resources. Weights of up to 8 bits, activations of 2 to 8 bits.",
    )
    dataflow.add_argument("export", help="export folder (manifest.json + weights.npz)")
    dataflow.add_argument("--out", required=True, help="folder for the generated project (created if needed)")
    add_budget_options(dataflow)
    dataflow.add_argument("--json", action="store_true", help="print the estimate as JSON")
    dataflow.set_defaults(func=cmd_dataflow)
