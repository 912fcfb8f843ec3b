"""QONNX's quantizers (the form Brevitas exports and FINN reads) rewritten as ONNX's
QuantizeLinear / DequantizeLinear, before ``onnx_normalize`` reads the graph.

QONNX ``Quant(x, scale, zeropt, bitwidth)`` (attributes ``signed``, ``narrow``,
``rounding_mode``) gives ``(clip(round(x / scale + zeropt), lo, hi) - zeropt) * scale`` with
[lo, hi] = [-2^(b-1) (+1 if narrow), 2^(b-1) - 1] when signed, else [0, 2^b - 1 (-1 if narrow)]
(QONNX operator documentation, ``docs/qonnx-custom-ops/quant_op.md``):

- on a constant (weights, a bias) the codes are computed here, with the node's own rounding,
  and kept as a ``DequantizeLinear`` of them: b-bit signed codes are offset by 2^(b-1) into
  [0, 2^b - 1] (zero point + 2^(b-1)), so 4-bit weights stay 4-bit codes; a bias of up to 32
  bits stays int32;
- on an activation it becomes ``QuantizeLinear`` then ``DequantizeLinear`` (signed codes offset
  by 2^(b-1) likewise), and its bit width is kept: the layer whose output it quantizes
  requantizes into [0, 2^b - 1] (its ``activation_bits``); the rounding mode (ROUND or FLOOR)
  of the layers' activations sets the network's (nearest or floor; the input's quantizer, of
  the image's own codes, rounds nothing);
- ``BipolarQuant(x, scale)`` of a constant (+scale or -scale) is 2-bit codes {0, 2} at zero
  point 1; ``Trunc`` (an average pool's truncation) and bit widths above 8 on activations are
  refused in one line;
- Brevitas's QCDQ export (``QuantizeLinear -> Clip -> DequantizeLinear``, and ``Clip`` of
  constant int8 weights before their ``DequantizeLinear``): the Clip's range is the codes' bit
  width, signed codes offset by 2^(b-1) likewise; its activations round as QuantizeLinear does,
  to nearest.
"""

from __future__ import annotations

import numpy as np

from simulator.interop.onnx_normalize import OnnxError, fail, graph_constants, node_attributes

ROUNDINGS = {"ROUND": np.round, "FLOOR": np.floor, "CEIL": np.ceil, "ROUND_TO_ZERO": np.trunc}
ACTIVATION_ROUNDINGS = {"ROUND": "nearest", "FLOOR": "floor"}


def is_qonnx(model) -> bool:
    """Whether the graph has a QONNX quantizer node, or QCDQ's Clip of codes."""
    return any(node.op_type in ("Quant", "BipolarQuant", "Trunc", "Clip") for node in model.graph.node)


def _clip_bits(low: int, high: int) -> tuple[int, int]:
    """(bits, offset into [0, 2^bits - 1]) of codes clipped to [low, high]."""
    if low >= 0:
        return max(1, int(high).bit_length()), 0
    bits = max(int(high).bit_length(), int(-low - 1).bit_length()) + 1
    return bits, 2 ** (bits - 1)


def _bounds(bits: int, signed: bool, narrow: bool) -> tuple[int, int]:
    if signed:
        return -(2 ** (bits - 1)) + int(narrow), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1 - int(narrow)


def quant_to_qdq(model):
    """(the model with QONNX quantizers and QCDQ clips as QuantizeLinear / DequantizeLinear, the
    bit width of each codes tensor narrower than 8 bits or wider (a bias), the network's
    rounding or None)."""
    from onnx import helper, numpy_helper

    graph = model.graph
    values = graph_constants(graph)
    nodes, added, bits, roundings = [], {}, {}, set()

    def constant(node, name: str) -> np.ndarray:
        if name not in values:
            fail(node, f"{name!r} is not a constant")
        return values[name]

    producers = {name: node for node in graph.node for name in node.output}
    clipped: dict[str, tuple[str, int, int]] = {}  # a Clip's output -> (its codes, bits, offset)
    for node in graph.node:  # QCDQ (Brevitas's export_onnx_qcdq): QuantizeLinear -> Clip -> DequantizeLinear
        source = producers.get(node.input[0]) if node.op_type == "Clip" and node.input else None
        if node.op_type == "Clip" and (node.input[0] in values or source is not None and
                                       source.op_type == "QuantizeLinear"):  # fmt: skip
            low, high = (int(np.asarray(constant(node, name)).reshape(-1)[0]) for name in node.input[1:3])
            clipped[node.output[0]] = (node.input[0], *_clip_bits(low, high))
            if node.input[0] in values:
                values[node.output[0]] = np.clip(values[node.input[0]], low, high)
    quantized = {codes: (bits, offset) for codes, bits, offset in clipped.values()}
    for node in graph.node:
        if node.output and node.output[0] in clipped:
            continue  # its bit width rides on the codes
        if node.op_type in ("QuantizeLinear", "DequantizeLinear") and len(node.input) == 3:
            codes = node.output[0] if node.op_type == "QuantizeLinear" else node.input[0]
            source = clipped.get(codes, (codes,))[0] if node.op_type == "DequantizeLinear" else codes
            bits_offset = clipped[codes][1:] if codes in clipped else quantized.get(source)
            if bits_offset is not None:
                width, offset = bits_offset
                zero = constant(node, node.input[2]).astype(np.int64) + offset
                if width > 8 or np.any(zero < 0) or np.any(zero > 255):
                    fail(node, f"codes clipped to {width} bits at zero point {zero.reshape(-1)[0]} once offset; "
                               "8-bit codes at a zero point of 0 to 255 are supported")  # fmt: skip
                inputs = [node.input[0], node.input[1], f"{node.output[0]}.zero"]
                if node.op_type == "DequantizeLinear":
                    inputs[0] = source
                    if source in values:  # constant codes, clipped: stored offset, as uint8
                        inputs[0] = f"{node.output[0]}.codes"
                        added[inputs[0]] = (values[codes].astype(np.int64) + offset).astype(np.uint8)
                    bits[node.output[0] if source in values else source] = width
                added[inputs[2]] = zero.astype(np.uint8)
                attributes = node_attributes(node)
                nodes.append(helper.make_node(node.op_type, inputs, list(node.output), name=node.name, **attributes))
                continue
        if node.op_type == "Trunc":
            fail(node, "Trunc (an average pool's truncation) is not supported: the accelerator pools by maximum")
        if node.op_type not in ("Quant", "BipolarQuant"):
            nodes.append(node)
            continue
        attributes = node_attributes(node)
        out = node.output[0]
        if node.op_type == "BipolarQuant":
            if node.input[0] not in values:
                fail(node, "BipolarQuant of an activation is not supported (the accelerator's codes are unsigned)")
            codes = np.where(values[node.input[0]] >= 0, 2, 0).astype(np.uint8)
            scale = np.asarray(constant(node, node.input[1]), np.float32).reshape(-1)
            added |= {f"{out}.codes": codes, f"{out}.scale": scale if scale.size > 1 else scale.reshape(()),
                      f"{out}.zero": np.full(scale.shape if scale.size > 1 else (), 1, np.uint8)}  # fmt: skip
            nodes.append(helper.make_node("DequantizeLinear", [f"{out}.codes", f"{out}.scale", f"{out}.zero"],
                                          [out], name=node.name, axis=0))  # fmt: skip
            bits[out] = 2
            continue
        source, scale_name, zero_name, bits_name = node.input[:4]
        width = float(np.asarray(constant(node, bits_name)).reshape(-1)[0])
        signed, narrow = bool(attributes.get("signed", 1)), bool(attributes.get("narrow", 0))
        mode = attributes.get("rounding_mode", b"ROUND")
        mode = mode.decode() if isinstance(mode, bytes) else str(mode)
        scale = np.asarray(constant(node, scale_name), np.float64)
        zero = np.asarray(constant(node, zero_name), np.float64)
        if width != int(width) or not 1 <= width <= 32:
            fail(node, f"bit width {width:g}; whole bit widths of 1 to 8 (32 for a bias) are supported")
        if mode not in ROUNDINGS:
            fail(node, f"rounding mode {mode}; one of {sorted(ROUNDINGS)} is supported")
        if np.any(zero != np.round(zero)):
            fail(node, "a zero point that is not an integer")
        width = int(width)
        offset = 2 ** (width - 1) if signed and width <= 8 else 0
        if source in values:  # weights or a bias: their codes, now
            low, high = _bounds(width, signed, narrow)
            codes = np.clip(ROUNDINGS[mode](values[source] / scale + zero), low, high) + offset
            if width > 8 and not signed or width > 32:
                fail(node, f"an unsigned constant of {width} bits; weights take 8 bits or fewer")
            dtype = np.uint8 if width <= 8 else np.int32
            flat_scale, flat_zero = scale.reshape(-1), (zero + offset).reshape(-1)
            added |= {
                f"{out}.codes": codes.astype(dtype),
                f"{out}.scale": (flat_scale if flat_scale.size > 1 else flat_scale.reshape(())).astype(np.float32),
                f"{out}.zero": (flat_zero if flat_zero.size > 1 else flat_zero.reshape(())).astype(dtype),
            }
            if flat_zero.size > 1 and flat_scale.size == 1:
                added[f"{out}.scale"] = np.full(flat_zero.shape, float(flat_scale[0]), np.float32)
            nodes.append(helper.make_node("DequantizeLinear", [f"{out}.codes", f"{out}.scale", f"{out}.zero"],
                                          [out], name=node.name, axis=0))  # fmt: skip
            bits[out] = width
            continue
        if width > 8:
            fail(node, f"an activation of {width} bits; the accelerator's activations take 8 bits or fewer")
        if scale.size != 1 or zero.size != 1:
            fail(node, "per-channel activation scales; the accelerator requantizes each layer's output per tensor")
        if mode not in ACTIVATION_ROUNDINGS:
            fail(node, f"rounding mode {mode} on an activation; ROUND or FLOOR (the requantizer's modes)")
        if source not in {value.name for value in graph.input}:  # the image's codes need no rounding
            roundings.add(ACTIVATION_ROUNDINGS[mode])
        point = int(zero.reshape(-1)[0]) + offset
        if not 0 <= point <= 255:
            fail(node, f"zero point {point} once offset; 0 to 255 is supported")
        added |= {f"{out}.scale": scale.reshape(()).astype(np.float32), f"{out}.zero": np.array(point, np.uint8)}
        quantized = f"{out}.q"
        nodes.append(helper.make_node("QuantizeLinear", [source, f"{out}.scale", f"{out}.zero"], [quantized],
                                      name=f"{node.name or out}.quantize"))  # fmt: skip
        nodes.append(helper.make_node("DequantizeLinear", [quantized, f"{out}.scale", f"{out}.zero"], [out],
                                      name=f"{node.name or out}.dequantize"))  # fmt: skip
        bits[quantized] = width
    if len(roundings) > 1:
        raise OnnxError(f"the activations round in several modes {sorted(roundings)}; the accelerator takes one")
    initializers = [*graph.initializer, *(numpy_helper.from_array(array, name) for name, array in added.items())]
    rewritten = helper.make_graph(nodes, graph.name, list(graph.input), list(graph.output), initializers)
    result = helper.make_model(rewritten, opset_imports=list(model.opset_import))
    result.ir_version = model.ir_version
    result.metadata_props.extend(model.metadata_props)
    return result, bits, next(iter(roundings), None)


__all__ = ["is_qonnx", "quant_to_qdq"]
