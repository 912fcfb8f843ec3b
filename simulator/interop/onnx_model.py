"""ONNX in and out: an integer network as a quantized ONNX graph, and back.

``to_onnx(net)`` writes the network with ONNX's quantized operators, with our exact
integers, scales and zero points (Jacob et al. 2018: the affine scheme both implement):

- a convolution is ``QLinearConv`` (3 x 3, stride 1, padding 1: the padding is the input
  zero point, as our im2col pads), its int32 bias at scale S_in S_w;
- an FC layer is a ``QLinearConv`` of 1 x 1 kernels on the flattened input reshaped to
  (N, F, 1, 1), which keeps its int32 bias (``QLinearMatMul`` has none), then a Reshape;
- ReLU is ``Max(y, Z_out)``: a clamp at the output zero point, on the codes, exact;
- 2 x 2 max-pooling is ``MaxPool`` on the codes; the flatten before the first FC layer is
  ``Flatten`` (torch's (c, h, w) order, as our weight columns).

The graph takes uint8 input codes (N, C, H, W) and gives uint8 output codes; with
``intermediate=True`` every layer's codes are outputs too. ONNX Runtime requantizes through
float (round(acc S_in S_w / S_out) + Z_out, rounding half to even), we through M0 and n
(the numerical contract): codes may differ by one where the two roundings part. The exact
M0 and n of every layer ride along in the model's metadata (``cnnacc.<layer>.M0``), so
``from_onnx`` gives back the very same network; a model from another quantizer is read
from its float32 scales. Per-channel weights are QLinearConv's per-output-channel w_scale
(and a w_zero_point of one value per channel, all equal: the accelerator has one per layer).

``from_onnx(model)`` reads a quantized ONNX model of these operators -- QLinearConv (any
k x k, stride 1, "same" padding), QLinearMatMul, Max with a constant (ReLU),
Relu on codes, MaxPool 2 x 2, Flatten, Reshape -- into an IntegerNetwork, after
``onnx_normalize.normalize`` has rewritten the graphs other tools write in that form (ONNX
Runtime's QDQ and QOperator models, QGemm, signed codes). Anything else is refused with an
``OnnxError`` naming the node and what is unsupported.
"""

from __future__ import annotations

import json

import numpy as np

from simulator.contract import numerics
from simulator.interop.onnx_normalize import OnnxError, fail, graph_constants, node_attributes, normalize
from simulator.interop.qonnx_quant import is_qonnx, quant_to_qdq
from simulator.network.network import IntegerLayer, IntegerNetwork

OPSET = 13
META_PREFIX = "cnnacc."


def _onnx():
    try:
        import onnx
    except ImportError as error:  # pragma: no cover - onnx is a dependency
        raise OnnxError(f"the onnx package is needed ({error})") from None
    return onnx


def to_onnx(net: IntegerNetwork, *, intermediate: bool = False):
    """The network as an ONNX ModelProto (module docstring); ``onnx.checker`` passes."""
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []

    def const(name: str, value, dtype) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    _, h, w = net.input_shape
    current = "input"
    outputs = []
    shapes: list[list[str | int | None]] = []
    flattened = False
    for layer in net.layers:
        p = layer.name
        x_scale = const(f"{p}.x_scale", layer.input_scale, np.float32)
        x_zp = const(f"{p}.x_zero_point", layer.input_zero_point, np.uint8)
        w_scale = const(f"{p}.w_scale", layer.weight_scale, np.float32)
        w_zp = const(f"{p}.w_zero_point", np.full(np.shape(layer.weight_scale), layer.weight_zero_point), np.uint8)
        y_scale = const(f"{p}.y_scale", layer.output_scale, np.float32)
        y_zp = const(f"{p}.y_zero_point", layer.output_zero_point, np.uint8)
        bias = const(f"{p}.bias", layer.bias_q, np.int32)
        if layer.kind == "conv":
            k = layer.weight_q.shape[-1]
            weights = const(f"{p}.weight", layer.weight_q, np.uint8)
            nodes.append(
                helper.make_node(
                    "QLinearConv",
                    [current, x_scale, x_zp, weights, w_scale, w_zp, y_scale, y_zp, bias],
                    [f"{p}.acc"],
                    name=p,
                    kernel_shape=[k, k],
                    pads=[k // 2] * 4,
                    strides=[1, 1],
                )
            )
        else:
            if not flattened:
                nodes.append(helper.make_node("Flatten", [current], [f"{p}.flat"], name=f"{p}.flatten", axis=1))
                current, flattened = f"{p}.flat", True
            shape4 = const(f"{p}.shape4", [0, -1, 1, 1], np.int64)
            shape2 = const(f"{p}.shape2", [0, -1], np.int64)
            weights = const(f"{p}.weight", layer.weight_q.reshape(layer.out_features, -1, 1, 1), np.uint8)
            nodes.append(helper.make_node("Reshape", [current, shape4], [f"{p}.in4"], name=f"{p}.to_4d"))
            nodes.append(
                helper.make_node(
                    "QLinearConv",
                    [f"{p}.in4", x_scale, x_zp, weights, w_scale, w_zp, y_scale, y_zp, bias],
                    [f"{p}.acc4"],
                    name=p,
                    kernel_shape=[1, 1],
                )
            )
            nodes.append(helper.make_node("Reshape", [f"{p}.acc4", shape2], [f"{p}.acc"], name=f"{p}.to_2d"))
        current = f"{p}.acc"
        if layer.relu:
            nodes.append(helper.make_node("Max", [current, y_zp], [f"{p}.relu"], name=f"{p}.relu"))
            current = f"{p}.relu"
        if layer.pool:
            nodes.append(
                helper.make_node(
                    "MaxPool", [current], [f"{p}.pool"], name=f"{p}.pool", kernel_shape=[2, 2], strides=[2, 2]
                )  # fmt: skip
            )
            current = f"{p}.pool"
            h, w = h // 2, w // 2
        outputs.append(current)
        shapes.append(["N", layer.out_features, h, w] if layer.kind == "conv" else ["N", layer.out_features])
    final = outputs[-1]
    nodes.append(helper.make_node("Identity", [final], ["output"], name="output"))
    graph_outputs = [helper.make_tensor_value_info("output", TensorProto.UINT8, shapes[-1])]
    if intermediate:
        graph_outputs += [
            helper.make_tensor_value_info(name, TensorProto.UINT8, shape) for name, shape in zip(outputs, shapes)
        ]
    graph = helper.make_graph(
        nodes,
        "cnnacc_integer_network",
        [helper.make_tensor_value_info("input", TensorProto.UINT8, ["N", *net.input_shape])],
        graph_outputs,
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="cnnacc")
    meta = {"rounding": net.rounding, "classes": ",".join(net.classes)}
    for layer in net.layers:
        scales = [layer.input_scale, np.asarray(layer.weight_scale).tolist(), layer.output_scale]
        meta |= {
            f"{layer.name}.M0": json.dumps(np.asarray(layer.M0).tolist()),
            f"{layer.name}.n": json.dumps(np.asarray(layer.n).tolist()),
            f"{layer.name}.weight_bits": str(layer.weight_bits),
            f"{layer.name}.activation_bits": str(layer.activation_bits),
            f"{layer.name}.scales": json.dumps(scales),
        }
    helper.set_model_props(model, {META_PREFIX + key: value for key, value in meta.items()})
    onnx.checker.check_model(model)
    return model


def layer_output_names(net: IntegerNetwork) -> list[str]:
    """The graph outputs of ``to_onnx(net, intermediate=True)`` after "output", per layer."""
    return [f"{layer.name}.{'pool' if layer.pool else 'relu' if layer.relu else 'acc'}" for layer in net.layers]


# ------------------------------------------------------------------------------ import


def from_onnx(model) -> IntegerNetwork:
    """An IntegerNetwork from a quantized ONNX model (module docstring)."""
    onnx = _onnx()

    try:
        onnx.checker.check_model(model)
    except Exception as error:  # the checker raises its own ValidationError types
        raise OnnxError(f"the model does not pass onnx.checker: {str(error).splitlines()[0]}") from None
    bits, rounding = {}, None
    if is_qonnx(model):  # QONNX's quantizers (Brevitas): as QuantizeLinear / DequantizeLinear first
        model, bits, rounding = quant_to_qdq(model)
    model, _ = normalize(model, bits, rounding)
    graph = model.graph
    values = graph_constants(graph)
    meta = {p.key[len(META_PREFIX) :]: p.value for p in model.metadata_props if p.key.startswith(META_PREFIX)}
    inputs = [i for i in graph.input if i.name not in values]
    if len(inputs) != 1:
        raise OnnxError(f"the graph has {len(inputs)} data inputs; expected one image tensor")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim]
    if len(dims) != 4 or not all(dims[1:]):
        raise OnnxError(f"input {inputs[0].name!r} has shape {dims}; expected (N, C, H, W) with C, H, W known")

    def scalar(node, name: str, kind) -> float | int:
        if name not in values:
            fail(node, f"{name!r} is not a constant")
        array = values[name]
        if array.size != 1:
            fail(node, f"{name!r} has {array.size} values; one is supported here")
        return kind(array.reshape(()))

    def per_channel(node, scale: str, zero_point: str, matrix: np.ndarray):
        """A weight scale of one value or one per output channel, and the weights at one zero
        point for all channels with their bits (``common_zero_point``)."""
        channels = matrix.shape[0]
        for name in (scale, zero_point):
            if name not in values:
                fail(node, f"{name!r} is not a constant")
            if values[name].size not in (1, channels):
                fail(node, f"{name!r} has {values[name].size} values; expected 1 or {channels} (one per channel)")
        scales = values[scale].astype(np.float64).reshape(-1)
        matrix, point, bits = common_zero_point(matrix, values[zero_point])
        return (scales if values[scale].size > 1 else float(scales[0])), point, matrix, bits

    layers: list[dict] = []
    for node in graph.node:
        op = node.op_type
        attrs = node_attributes(node)
        if op in ("Constant", "Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze"):
            if op == "Flatten" and attrs.get("axis", 1) != 1:
                fail(node, f"axis {attrs['axis']}; only axis 1 (the batch stays) is supported")
            continue
        if op in ("QLinearConv", "QLinearMatMul"):
            ins = list(node.input)
            if op == "QLinearConv":
                x, xs, xz, wname, ws, wz, ys, yz = ins[:8]
                bias = values.get(ins[8]) if len(ins) > 8 and ins[8] else None
                weights = values.get(wname)
                if weights is None:
                    fail(node, "the weights are not a constant")
                k = weights.shape[-1]
                if weights.shape[-2] != k or attrs.get("group", 1) != 1:
                    fail(node, f"kernel {tuple(weights.shape[-2:])}, group {attrs.get('group', 1)}; "
                                "square kernels without groups are supported")  # fmt: skip
                if any(s != 1 for s in attrs.get("strides", [1, 1])) or any(
                    d != 1 for d in attrs.get("dilations", [1, 1])
                ):
                    strides, dilations = attrs.get("strides"), attrs.get("dilations")
                    fail(node, f"strides {strides}, dilations {dilations}; only 1 is supported")
                pads = attrs.get("pads", [0, 0, 0, 0])
                kind = "conv" if k > 1 else "fc"
                if kind == "conv" and (k != 3 or list(pads) != [1, 1, 1, 1]):
                    fail(node, f"kernel {k} x {k} with pads {list(pads)}; the accelerator runs 3 x 3 with padding 1")
                matrix = weights.reshape(weights.shape[0], -1) if kind == "fc" else weights
            else:
                x, xs, xz, wname, ws, wz, ys, yz = ins[:8]
                weights = values.get(wname)
                if weights is None or weights.ndim != 2:
                    fail(node, "the weights are not a constant matrix")
                matrix, bias, kind = weights.T, None, "fc"
            if matrix.dtype != np.uint8:
                fail(node, f"weights of type {matrix.dtype}; uint8 (asymmetric) is supported")
            out_features = matrix.shape[0]
            weight_scale, weight_zero_point, matrix, weight_bits = per_channel(node, ws, wz, matrix)
            layers.append(
                {
                    "node": node,
                    "name": node.name or f"layer{len(layers) + 1}",
                    "kind": kind,
                    "weight_q": np.ascontiguousarray(matrix),
                    "bias_q": np.zeros(out_features, np.int64) if bias is None else bias.astype(np.int64),
                    "input_scale": scalar(node, xs, float),
                    "input_zero_point": scalar(node, xz, int),
                    "weight_scale": weight_scale,
                    "weight_zero_point": weight_zero_point,
                    "output_scale": scalar(node, ys, float),
                    "output_zero_point": scalar(node, yz, int),
                    "relu": False,
                    "pool": False,
                    "weight_bits": weight_bits,
                }
            )
            continue
        if not layers:
            fail(node, "comes before the first quantized layer")
        last = layers[-1]
        if op == "Max":
            other = [name for name in node.input if name in values]
            if len(other) != 1 or scalar(node, other[0], int) != last["output_zero_point"]:
                fail(node, "a Max that is not a clamp at the output zero point (ReLU)")
            last["relu"] = True
        elif op == "Relu":
            if last["output_zero_point"] != 0:
                fail(node, "Relu on codes with a non-zero zero point")
            last["relu"] = True
        elif op == "MaxPool":
            if list(attrs.get("kernel_shape", [])) != [2, 2] or list(attrs.get("strides", [1, 1])) != [2, 2]:
                fail(node, f"kernel {attrs.get('kernel_shape')} strides {attrs.get('strides')}; 2 x 2 is supported")
            last["pool"] = True
        else:
            fail(node, "this operator is not supported")
    if not layers:
        raise OnnxError("the graph has no QLinearConv or QLinearMatMul node")
    integer_layers: list[IntegerLayer] = []
    for i, entry in enumerate(layers):
        node = entry.pop("node")
        name = entry["name"]
        if i > 0 and (
            entry["input_zero_point"] != layers[i - 1]["output_zero_point"]
            or not np.isclose(entry["input_scale"], layers[i - 1]["output_scale"], rtol=1e-6)
        ):
            fail(node, "its input scale and zero point differ from the previous layer's output")
        if f"{name}.M0" in meta:  # our own export: the exact numbers
            M0, n = (_number_or_array(json.loads(meta[f"{name}.{key}"]), np.int64) for key in ("M0", "n"))  # noqa: N806
            text = meta[f"{name}.scales"]  # JSON, or a tuple's repr (exports before per-channel weights)
            in_s, w_s, out_s = json.loads("[" + text[1:-1] + "]" if text.startswith("(") else text)
            entry |= {"input_scale": in_s, "weight_scale": _number_or_array(w_s, np.float64), "output_scale": out_s}
        else:
            M0, n = numerics.quantize_multipliers(  # noqa: N806
                entry["input_scale"] * np.asarray(entry["weight_scale"]) / entry["output_scale"]
            )
        entry["weight_bits"] = int(meta.get(f"{name}.weight_bits", entry["weight_bits"]))
        activation_bits = int(meta.get(f"{name}.activation_bits", 8))
        if not name.isidentifier():  # another tool's node name ("/0/Conv"): a C name, as ours are
            entry["name"] = f"{entry['kind']}{sum(layer.kind == entry['kind'] for layer in integer_layers) + 1}"
        integer_layers.append(IntegerLayer(**entry, activation_bits=activation_bits, M0=M0, n=n))
    # the first input scale: the pixels at 8 bits are 1/255
    classes = tuple(c for c in meta.get("classes", "").split(",") if c)
    return IntegerNetwork(
        layers=tuple(integer_layers),
        input_shape=tuple(dims[1:]),
        classes=classes,
        rounding=meta.get("rounding", "nearest"),  # another tool's: ONNX rounds to nearest
    )


def common_zero_point(matrix: np.ndarray, zero_points: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Weights with one zero point per output channel re-centred on one zero point Z for the
    layer (the accelerator subtracts one): w - z_c = (w - z_c + Z) - Z, the same real numbers.
    When every channel's codes still fit [0, 255], Z is the fitting value nearest the channels'
    median zero point and the weights stay uint8 (8 bits); otherwise (ONNX Runtime's asymmetric
    per-channel uint8 weights span 257 values or more once centred) they become uint16 codes of
    the bits they need, which the Numba engine runs and the accelerator's 8-bit check refuses.
    Returns (weights, Z, bits); one zero point is returned as it is, at 8 bits."""
    points = np.asarray(zero_points, np.int64).reshape(-1)
    if np.unique(points).size == 1:
        return matrix, int(points[0]), 8
    centred = matrix.reshape(matrix.shape[0], -1).astype(np.int64) - points[:, None]
    low, high = int(-centred.min()), int(255 - centred.max())
    if low <= high:
        common = int(np.clip(np.median(points), low, high))
        return (centred + common).astype(np.uint8).reshape(matrix.shape), common, 8
    bits = int(centred.max() + low).bit_length()
    return (centred + low).astype(np.uint16).reshape(matrix.shape), low, bits


def _number_or_array(value, dtype):
    """A JSON number as it is, a JSON list as an array (one value per channel)."""
    return np.array(value, dtype) if isinstance(value, list) else value


def load_onnx(path) -> IntegerNetwork:
    """``from_onnx`` of a file; a truncated or malformed file is one ``OnnxError``."""
    onnx = _onnx()
    try:
        model = onnx.load(str(path))
    except Exception as error:  # protobuf's DecodeError and friends
        raise OnnxError(f"{path}: not a readable ONNX model ({type(error).__name__})") from None
    try:
        return from_onnx(model)
    except OnnxError as error:
        raise OnnxError(f"{path}: {error}") from None


__all__ = ["OnnxError", "from_onnx", "layer_output_names", "load_onnx", "to_onnx"]
