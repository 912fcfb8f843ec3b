"""``cnnacc import``: a quantized ONNX model into the export format (``cnnacc export --onnx`` writes one)."""

from __future__ import annotations

import argparse
import json

from cnnacc.simulate import add_design_options, design_from_args


def cmd_import(args: argparse.Namespace) -> None:
    from compress.export import import_onnx
    from simulator.hardware.designs import MatmulDesign
    from simulator.network.export import field_json

    if args.rounding is not None:  # the network keeps the model's rounding: a different one is refused
        from simulator.interop.onnx_model import load_onnx

        model_rounding = load_onnx(args.model).rounding
        if args.rounding != model_rounding:
            raise ValueError(
                f"--rounding {args.rounding} differs from the model's rounding, {model_rounding}; the export "
                "keeps the model's (leave --rounding out)"
            )
    net = import_onnx(args.model, args.out, design=design_from_args(MatmulDesign, args))
    layers = [
        {
            "name": layer.name,
            "kind": layer.kind,
            "weight_shape": list(layer.weight_q.shape),
            "weight_bits": layer.weight_bits,
            "activation_bits": layer.activation_bits,
            "M0": field_json(layer.M0),
            "n": field_json(layer.n),
        }
        for layer in net.layers
    ]
    if args.json:
        print(json.dumps({"model": args.model, "out": args.out, "rounding": net.rounding, "layers": layers}, indent=2))
    else:
        names = ", ".join(f"{layer['name']} W{layer['weight_bits']}A{layer['activation_bits']}" for layer in layers)
        print(f"imported {args.model}: {len(layers)} layers ({names}), rounding {net.rounding}, to {args.out}")


def register(subparsers) -> None:
    from simulator.hardware.designs import MatmulDesign

    parser = subparsers.add_parser(
        "import",
        help="read a quantized ONNX model into an export folder (for cnnacc infer and the simulator)",
        description="Read MODEL.onnx -- our own export, or another quantizer's: ONNX Runtime's QOperator "
        "(QLinearConv, QLinearMatMul, QGemm) and QDQ (Conv / Gemm / MatMul between DequantizeLinear and "
        "QuantizeLinear) models, Brevitas's QONNX (Quant, BipolarQuant) and QCDQ exports; uint8 or int8 codes "
        "(int8 as uint8 offset by 128), codes of 8 bits or fewer, weights per tensor or per channel; 3 x 3 "
        "convolutions of stride 1 and padding 1, FC layers, ReLU, MaxPool 2 x 2, Flatten, "
        "Reshape; the input quantized as the image's codes (scale 1/255, zero point 0) -- and write OUT as "
        "cnnacc export does, every layer mapped for the matmul design given by the options below. An "
        "unsupported node or attribute is one line naming the node; nothing is written then.",
    )
    parser.add_argument("model", metavar="MODEL.onnx", help="the quantized ONNX model")
    parser.add_argument("out", metavar="OUT", help="output export folder (created if needed)")
    parser.add_argument("--json", action="store_true", help="print the imported layers as JSON")
    add_design_options(parser, MatmulDesign)
    parser.set_defaults(func=cmd_import)
