"""Graph normalization before mapping: the quantized ONNX graphs other tools write, rewritten as
the one form ``onnx_model.from_onnx`` reads (QLinearConv / QLinearMatMul on uint8 codes, ReLU
as ``Max`` at the output zero point, MaxPool, Flatten, Reshape).

What it reads (ONNX operator specifications; ONNX Runtime's quantization tool, ``quantize_static``
in its two formats):

- **QDQ** (ONNX Runtime's default, and what most toolchains emit): a float ``Conv``, ``Gemm``
  or ``MatMul`` whose input, weights and bias come out of ``DequantizeLinear`` and whose output
  goes into ``QuantizeLinear`` is the quantized layer those scales and zero points mean; a
  ``MaxPool``, ``Flatten``, ``Reshape``, ``Relu`` or ``Clip`` between a ``DequantizeLinear``
  and a ``QuantizeLinear`` of the same scale and zero point is that operation on the codes
  (``Relu`` and a ``Clip`` at 0 clamp at the zero point);
- **QOperator**: ``QLinearConv``, ``QLinearMatMul`` and ``QGemm`` (the ``com.microsoft``
  domain; an FC layer becomes a 1 x 1 ``QLinearConv``, which keeps its int32 bias);
- a ``QuantizeLinear`` on the float input is our input quantization, and must be the image's
  own codes: scale 1/255, zero point 0 (the pixels, as the export expects); a trailing
  ``DequantizeLinear`` gives float logits and is dropped (the codes' argmax is the same);
- signed codes (ONNX Runtime's default ``QInt8``) are our codes offset by 128: an int8 value
  v with zero point z is the uint8 value v + 128 with zero point z + 128, the same real number,
  so weights and activations map exactly (the requantizer's clamp [-128, 127] becomes [0, 255]);
- ``Shape`` / ``Gather`` / ``Unsqueeze`` / ``Concat`` / ``Cast`` chains that only compute a
  ``Reshape``'s target shape are dropped (the mapping reshapes by the layer kinds).

Anything else is refused in one line naming the node, its operator and why (``OnnxError``).
A bias must be the int32 values at scale S_in S_w (per channel), zero point 0, as the affine
scheme defines it (Jacob et al. 2018, section 2.4).
"""

from __future__ import annotations

from typing import NoReturn

import numpy as np

INPUT_SCALE = 1 / 255  # the image codes: pixels / 255, zero point 0
SHAPE_OPS = {"Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "Constant", "ConstantOfShape"}
CODE_OPS = {"MaxPool", "Flatten", "Reshape", "Relu", "Clip", "Identity", "Squeeze", "Unsqueeze"}
FLOAT_LAYERS = {"Conv", "Gemm", "MatMul"}


class OnnxError(ValueError):
    """An ONNX model that cannot be read: malformed, or an unsupported node or attribute."""


def fail(node, what: str) -> NoReturn:
    """Refuse ``node`` in one line: its name, its operator and ``what``."""
    raise OnnxError(f"node {node.name or node.op_type!r} ({node.op_type}): {what}")


class _Rewriter:
    """The normalized graph under construction (one pass over the source's nodes, in order)."""

    def __init__(self, model) -> None:

        graph = model.graph
        self.source_nodes = list(graph.node)
        self.values = graph_constants(graph)
        inputs = [value for value in graph.input if value.name not in self.values]
        self.input = inputs[0].name if len(inputs) == 1 else None
        self.nodes: list = []
        self.added: dict[str, np.ndarray] = {}  # new constants (uint8 versions of int8 ones)
        self.alias: dict[str, str] = {}  # a source tensor -> the tensor of the same codes here
        self.dequantized: dict[str, tuple[str, str, str]] = {}  # float tensor -> (codes, scale, zero point)
        self.pending: dict[str, list] = {}  # a float tensor -> the chain of float nodes computing it
        self.shape_only = _shape_only(graph, self.values)
        self.layer_outputs: list[str] = []  # per layer, the source tensor of its last codes
        self.bits: dict[str, int] = {}  # codes narrower than 8 bits (QONNX), by tensor
        self.meta: dict[str, str] = {}  # cnnacc.* metadata of the normalized model
        self.input_codes = False  # whether a QuantizeLinear of the float input was dropped

    # -------------------------------------------------------------------- constants

    def constant(self, node, name: str) -> np.ndarray:
        if name in self.added:
            return self.added[name]
        if name not in self.values:
            fail(node, f"{name!r} is not a constant")
        return self.values[name]

    def uint8(self, node, name: str) -> str:
        """The name of ``name``'s codes as uint8: itself, or a new constant offset by 128."""
        array = self.constant(node, name)
        if array.dtype == np.uint8:
            return name
        if array.dtype != np.int8:
            fail(node, f"{name!r} has type {array.dtype}; 8-bit codes (uint8 or int8) are supported")
        new = f"{name}_as_uint8"
        self.added[new] = (array.astype(np.int16) + 128).astype(np.uint8)
        return new

    def same_quantization(self, node, a: tuple[str, str], b: tuple[str, str]) -> bool:
        """Whether two (scale, zero point) pairs of constants hold the same values."""
        return all(np.array_equal(self.constant(node, x), self.constant(node, y)) for x, y in zip(a, b))

    # -------------------------------------------------------------------- nodes

    def emit(self, op: str, inputs: list[str], outputs: list[str], name: str, **attributes) -> None:
        from onnx import helper

        inputs = [self.alias.get(name_, name_) for name_ in inputs]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attributes))

    def run(self, model) -> None:
        for node in model.graph.node:
            if any(out in self.shape_only for out in node.output):
                continue
            handler = getattr(self, f"_{node.op_type}", None)
            if handler is not None and node.domain in ("", "ai.onnx", "com.microsoft"):
                handler(node)
            elif node.op_type in FLOAT_LAYERS | CODE_OPS and self._float_input(node):
                self._defer(node)
            elif self._computed_reshape(node):
                self.emit("Flatten", [node.input[0]], list(node.output), node.name, axis=1)
                self._follow(node.input[0], node.output[0])
            else:
                self.nodes.append(node)  # on codes already: from_onnx judges it
                if node.op_type in CODE_OPS | {"Max"} and node.input:
                    self._follow(node.input[0], node.output[0])

    def _follow(self, codes: str, result: str) -> None:
        """A layer's codes carried on by an operation on codes (a pool, a flatten): the layer's
        last codes are now ``result``."""
        if self.layer_outputs and self.layer_outputs[-1] == codes:
            self.layer_outputs[-1] = result

    def _float_input(self, node) -> bool:
        data = node.input[0] if node.input else ""
        return data in self.dequantized or data in self.pending or data == self.input

    def _defer(self, node) -> None:
        """An operation on dequantized codes is done on the codes at once (its result has their
        scale); a float layer, or an operation after one, waits for the QuantizeLinear that
        says what its output codes are."""
        data = node.input[0]
        if data == self.input:
            fail(node, "reads the float input; quantize it first (QuantizeLinear at scale 1/255, zero point 0)")
        if node.op_type in CODE_OPS and data in self.dequantized:
            codes, scale, zero = self.dequantized[data]
            out = f"{node.output[0]}_codes"
            self._on_codes(node, codes, self.uint8(node, zero), out)
            self._follow(codes, out)
            self.dequantized[node.output[0]] = (out, scale, zero)
            return
        chain = self.pending.pop(data, []) if data in self.pending else []
        if chain and node.op_type in FLOAT_LAYERS:
            fail(node, f"follows {chain[-1].op_type} without a QuantizeLinear between them")
        self.pending[node.output[0]] = [*chain, node]

    def _Constant(self, node) -> None:  # noqa: N802 - ONNX operator names
        self.nodes.append(node)

    def _DequantizeLinear(self, node) -> None:  # noqa: N802
        source, scale, zero = (list(node.input) + [""] * 3)[:3]
        if not zero:
            fail(node, "has no zero point; 8-bit codes need one")
        if source in self.values:
            return  # a constant (weights, bias): read where a layer uses it
        self.dequantized[node.output[0]] = (source, scale, zero)

    def _QuantizeLinear(self, node) -> None:  # noqa: N802
        source, scale, zero = (list(node.input) + [""] * 3)[:3]
        if not zero:
            fail(node, "has no zero point; 8-bit codes need one")
        points = self.constant(node, zero)
        offset = 128 if points.dtype == np.int8 else 0
        if source == self.input:
            real = float(np.asarray(self.constant(node, scale)).reshape(-1)[0])
            zero_point = int(np.asarray(points).reshape(-1)[0]) + offset
            if not np.isclose(real, INPUT_SCALE, rtol=1e-6) or zero_point != 0:
                fail(node, f"input scale {real:.6g}, zero point {zero_point}; the accelerator takes the image's "
                           f"codes, scale 1/255 ({INPUT_SCALE:.6g}) and zero point 0")  # fmt: skip
            self.alias[node.output[0]] = self.input
            self.input_codes = True
            return
        if source in self.dequantized:  # codes quantized again: the same codes, or a requantization
            codes, in_scale, in_zero = self.dequantized[source]
            if not self.same_quantization(node, (in_scale, in_zero), (scale, zero)):
                fail(node, "requantizes an operation's result; an operation on codes keeps their scale")
            self.alias[node.output[0]] = self.alias.get(codes, codes)
            self._follow(codes, node.output[0])
            return
        if source not in self.pending:
            fail(node, "quantizes a value that is neither the input nor the output of a supported layer")
        chain = self.pending.pop(source)
        head, codes_zero = chain[0], self.uint8(node, zero)
        codes = node.output[0] if len(chain) == 1 else f"{head.output[0]}_codes"
        self._layer(head, scale, codes_zero, codes, bits=self.bits.get(node.output[0], 8))
        self.layer_outputs.append(node.output[0])
        for index, link in enumerate(chain[1:]):
            out = node.output[0] if index == len(chain) - 2 else f"{link.output[0]}_codes"
            self._on_codes(link, codes, codes_zero, out)
            codes = out

    def _on_codes(self, node, codes: str, zero: str, out: str) -> None:
        """A float operation after a layer, done on its codes (module docstring)."""
        if node.op_type in ("Relu", "Clip"):
            if node.op_type == "Clip":
                bounds = [self.constant(node, name) for name in node.input[1:] if name]
                if not bounds or float(np.asarray(bounds[0]).reshape(-1)[0]) != 0.0 or len(bounds) > 1:
                    fail(node, "a Clip other than at 0 from below (a ReLU); the accelerator clamps at the zero point")
            self.emit("Max", [codes, zero], [out], name=node.name or f"{out}_relu")
            return
        if self._computed_reshape(node):
            self.emit("Flatten", [codes], [out], node.name, axis=1)
            return
        attributes = node_attributes(node)
        self.emit(node.op_type, [codes, *node.input[1:]], [out], node.name, **attributes)

    def _computed_reshape(self, node) -> bool:
        """A Reshape whose target shape is computed from the tensor (its nodes dropped): in the
        graphs the accelerator runs it flattens the codes for an FC layer, as a Flatten."""
        return node.op_type == "Reshape" and len(node.input) > 1 and node.input[1] in self.shape_only

    def _layer(self, node, out_scale: str, out_zero: str, out: str, bits: int = 8) -> None:
        """A float Conv / Gemm / MatMul between DequantizeLinear and QuantizeLinear as QLinearConv;
        ``bits``: of its output codes (a QONNX Quant's bit width; ONNX's codes are 8 bits)."""
        data = node.input[0]
        if data not in self.dequantized:
            fail(node, "its input is not dequantized codes")
        codes, in_scale, in_zero = self.dequantized[data]
        weights = self._dequantized_constant(node, node.input[1], "weights")
        attributes = node_attributes(node)
        w_codes, w_scale, w_zero = weights
        if node.op_type != "Conv":
            matrix = self.constant(node, w_codes)
            if node.op_type == "Gemm":
                scaled = attributes.get("alpha", 1.0) != 1.0 or attributes.get("beta", 1.0) != 1.0
                if attributes.get("transA", 0) or scaled:
                    fail(node, "transA, alpha or beta other than 0, 1, 1")
                transposed = bool(attributes.get("transB", 0))
            else:
                transposed = False
            kernel = (matrix if transposed else matrix.T)[:, :, None, None]
            attributes = {}
            w_codes = f"{node.output[0]}_weights"
            self.added[w_codes] = np.ascontiguousarray(kernel)
        bias = []
        if len(node.input) > 2 and node.input[2]:
            bias_codes, bias_scale, bias_zero = self._dequantized_constant(node, node.input[2], "bias", signed=True)
            real_in = float(np.asarray(self.constant(node, in_scale)).reshape(-1)[0])
            expected = real_in * np.asarray(self.constant(node, w_scale), np.float64)
            got = np.asarray(self.constant(node, bias_scale), np.float64)
            if np.any(self.constant(node, bias_zero) != 0) or not np.allclose(got, expected, rtol=1e-5):
                fail(node, "its bias is not int32 at scale S_in * S_w with zero point 0")
            bias = [bias_codes]
        name = node.name or out
        self.emit(
            "QLinearConv",
            [codes, in_scale, self.uint8(node, in_zero), w_codes, w_scale, w_zero, out_scale, out_zero, *bias],
            [out],
            name,
            **attributes,
        )
        weight_bits = self.bits.get(node.input[1], 8)
        if (bits, weight_bits) != (8, 8):
            self.meta |= {f"{name}.activation_bits": str(bits), f"{name}.weight_bits": str(weight_bits)}

    def _dequantized_constant(self, node, name: str, what: str, signed: bool = False) -> tuple[str, str, str]:
        """(codes, scale, zero point) of a constant that went through DequantizeLinear."""
        source = next((n for n in self.source_nodes if name in n.output and n.op_type == "DequantizeLinear"), None)
        if source is None or source.input[0] not in self.values:
            fail(node, f"its {what} {name!r} are not a dequantized constant")
        codes, scale, zero = source.input[:3]
        if signed:
            return codes, scale, zero
        return self.uint8(node, codes), scale, self.uint8(node, zero)

    def _QLinearConv(self, node) -> None:  # noqa: N802
        inputs = list(node.input)
        for index in (2, 3, 5, 7):  # the zero points and the weights
            inputs[index] = self.uint8(node, inputs[index])
        attributes = node_attributes(node)
        self.emit("QLinearConv", inputs, list(node.output), node.name, **attributes)
        self.layer_outputs.append(node.output[0])

    def _QLinearMatMul(self, node) -> None:  # noqa: N802
        inputs = list(node.input)
        for index in (2, 3, 5, 7):
            inputs[index] = self.uint8(node, inputs[index])
        self.emit("QLinearMatMul", inputs, list(node.output), node.name)
        self.layer_outputs.append(node.output[0])

    def _QGemm(self, node) -> None:  # noqa: N802
        """com.microsoft QGemm (A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp) as a 1 x 1
        QLinearConv, which keeps the int32 bias C."""
        attributes = node_attributes(node)
        if attributes.get("transA", 0) or attributes.get("alpha", 1.0) != 1.0:
            fail(node, "transA or alpha other than 0 and 1")
        inputs = (list(node.input) + [""] * 9)[:9]
        if not inputs[7]:
            fail(node, "gives float output (no y_scale); quantize the output")
        matrix = self.constant(node, self.uint8(node, inputs[3]))
        kernel = (matrix if attributes.get("transB", 0) else matrix.T)[:, :, None, None]
        name = f"{node.output[0]}_weights"
        self.added[name] = np.ascontiguousarray(kernel)
        bias = [inputs[6]] if inputs[6] else []
        self.emit(
            "QLinearConv",
            [
                inputs[0],
                inputs[1],
                self.uint8(node, inputs[2]),
                name,
                inputs[4],
                self.uint8(node, inputs[5]),
                inputs[7],
                self.uint8(node, inputs[8]),
                *bias,
            ],  # fmt: skip
            list(node.output),
            node.name,
        )
        self.layer_outputs.append(node.output[0])


def _as_uint8_value(value):
    """A graph input's value info with its element type made uint8 (the image codes)."""
    from onnx import TensorProto

    copy = type(value)()
    copy.CopyFrom(value)
    copy.type.tensor_type.elem_type = TensorProto.UINT8
    return copy


def graph_constants(graph) -> dict[str, np.ndarray]:
    """The graph's initializers and its Constant nodes' values, by tensor name."""
    from onnx import numpy_helper

    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def node_attributes(node) -> dict:
    """A node's attributes by name, as Python values."""
    from onnx import helper

    return {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}


def _shape_only(graph, values: dict) -> set[str]:
    """Names of the nodes (by output) that only compute shapes: a Reshape's second input."""
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    shape_only: set[str] = set()
    for node in reversed(graph.node):
        if node.op_type not in SHAPE_OPS or node.op_type == "Constant" and node.output[0] not in values:
            continue
        uses = [(user, name) for name in node.output for user in consumers.get(name, [])]
        if uses and all(
            (user.op_type == "Reshape" and list(user.input).index(name) == 1) or user.output[0] in shape_only
            for user, name in uses
        ):
            shape_only.update(node.output)
    return shape_only


def normalize(model, bits: dict[str, int] | None = None, rounding: str | None = None):
    """``model`` in the form ``from_onnx`` reads (module docstring), and per layer the source
    tensor holding its last output codes (to compare a producer's runtime layer by layer).
    ``bits``: the bit widths of codes tensors other than 8 bits and ``rounding``: the network's
    requantization rounding, where the graph said them in its own way (``qonnx_quant``); they
    go into the normalized model's metadata (``cnnacc.<layer>.activation_bits``, ...)."""
    from onnx import TensorProto, helper, numpy_helper

    rewriter = _Rewriter(model)
    rewriter.bits = dict(bits or {})
    rewriter.run(model)
    for name, chain in rewriter.pending.items():
        fail(chain[-1], f"its output {name!r} is never quantized (no QuantizeLinear follows): the accelerator's "
                        "layers give codes")  # fmt: skip
    graph = model.graph
    initializers = [*graph.initializer, *(numpy_helper.from_array(a, name) for name, a in rewriter.added.items())]
    inputs, outputs = list(graph.input), list(graph.output)
    if rewriter.input_codes:  # the input QuantizeLinear is gone: the graph takes the image codes
        inputs = [_as_uint8_value(value) if value.name == rewriter.input else value for value in inputs]
    produced = {name for node in rewriter.nodes for name in node.output}
    if rewriter.nodes and not all(value.name in produced for value in outputs):  # a trailing DequantizeLinear
        last = rewriter.nodes[-1].output[0]
        outputs = [helper.make_tensor_value_info(last, TensorProto.UINT8, None)]
    new_graph = helper.make_graph(rewriter.nodes, graph.name or "normalized", inputs, outputs, initializers)
    normalized = helper.make_model(new_graph, opset_imports=list(model.opset_import))
    normalized.ir_version = model.ir_version
    meta = rewriter.meta | ({"rounding": rounding} if rounding else {})
    helper.set_model_props(normalized, {p.key: p.value for p in model.metadata_props} | {
        f"cnnacc.{key}": value for key, value in meta.items()})  # fmt: skip
    return normalized, rewriter.layer_outputs


__all__ = ["OnnxError", "fail", "graph_constants", "node_attributes", "normalize"]
