"""``cnnacc infer``: an exported integer network on the simulated accelerator."""

from __future__ import annotations

import argparse
import json

from cnnacc.args import add_data_dir, bounded
from cnnacc.simulate import add_design_options, design_from_args
from simulator.hardware.designs import MatmulDesign

positive_int = bounded(int, 1)
non_negative_int = bounded(int, 0)


def cmd_infer(args: argparse.Namespace) -> None:
    from compress.infer import infer_export

    result = infer_export(
        args.export,
        engine=args.engine,
        limit=args.limit,
        data_dir=args.data_dir,
        progress=not args.json,
        batch=args.batch,
        design=design_from_args(MatmulDesign, args),
        dataset=args.dataset,
        architecture=args.architecture,
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    if args.architecture == "dataflow":
        from cnnacc.dataflow import summary_lines

        print(
            f"{result['images']} images, {args.engine}: accuracy {100 * result['accuracy']:.2f} %, agreement with "
            f"the torch model {100 * result['agreement']:.2f} %, {result['seconds']:.2f} s"
        )
        print("the network as one DATAFLOW accelerator (cnnacc dataflow; estimates):")
        print("\n".join(f"  {line}" for line in summary_lines(result["dataflow"])))
        return
    print(
        f"{result['images']} images, {args.engine}: accuracy {100 * result['accuracy']:.2f} %, agreement with the "
        f"torch model {100 * result['agreement']:.2f} %, {result['seconds']:.2f} s"
    )
    batch = result["batch"]
    print(f"simulated (SimPy model of the HLS C++; estimates), batches of {batch} image{'s' * (batch > 1)}:")
    for layer in result["layers"]:
        print(
            f"  {layer['layer']:6s} {layer['orientation']:9s} im2col {layer['im2col_cycles']:8,d}  "
            f"matmul {layer['matmul_cycles']:8,d}  bound {layer['bound_cycles']:8,d} cycles  "
            f"{layer['bytes_moved']:10,d} bytes"
        )
    print(
        f"  latency {result['latency_cycles_per_image']:,} cycles ({result['latency_us_per_image']:.1f} us) per batch; "
        f"{result['cycles_per_image']:,.0f} cycles per image (bound {result['bound_cycles_per_image']:,.0f}); "
        f"{result['throughput_images_per_s_simulated']:,.0f} images/s at {result['clock_mhz']:g} MHz"
    )


def register(subparsers) -> None:
    infer = subparsers.add_parser(
        "infer",
        help="run an exported integer network on the simulated accelerator",
        description="Integer-only inference of an export (cnnacc export / MyConvNet.save_weights) on the "
        "Fashion-MNIST test set: accuracy, agreement with the PyTorch model of the same export, wall time, "
        "and the simulated per-layer cycles (im2col + matmul per conv, matmul per FC) with each layer's mapping, "
        "bound and bytes moved: estimates from the SimPy model of the HLS C++ on the reference design.",
    )
    infer.add_argument("export", help="export folder (manifest.json + weights.npz)")
    infer.add_argument("--engine", default="numba", help="numba (fast) | sw_emu (the HLS C++, slow); default numba")
    infer.add_argument("--limit", type=positive_int, default=None, help="first N test images (default: all 10,000)")
    infer.add_argument(
        "--batch",
        type=bounded(int, 1, 4096),
        default=1,
        help="images per accelerator batch for the timing, in [1, 4096]: FC layers read each weight tile once "
        "per batch (latency per batch and throughput reported separately); default 1",
    )
    infer.add_argument(
        "--architecture",
        default="layers",
        choices=("layers", "dataflow"),
        help="layers: one matmul kernel call per layer (and im2col), activations through DRAM (default); "
        "dataflow: the whole network as one DATAFLOW accelerator (cnnacc dataflow), sub-byte activations "
        "included; --engine sw_emu then runs its generated C++",
    )
    infer.add_argument("--json", action="store_true", help="print the result as JSON")
    add_design_options(infer, MatmulDesign)
    infer.add_argument(
        "--dataset",
        default="fashion-mnist",
        choices=("fashion-mnist", "cifar10"),
        help="the test images: fashion-mnist, or cifar10 from its python batches in --data-dir (default fashion-mnist)",
    )
    add_data_dir(infer)
    infer.set_defaults(func=cmd_infer)
