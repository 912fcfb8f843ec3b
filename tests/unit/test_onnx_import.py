"""Importing what another quantizer writes (simulator/interop/onnx_normalize.py): ONNX Runtime's
``quantize_static`` in its QDQ and QOperator formats, unsigned and signed weights, per tensor
and per channel, each checked against ONNX Runtime running the same file."""

import numpy as np
import onnx
import pytest
import torch
from onnx import helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

from cnnacc.main import main
from compress.export import export_float_onnx
from compress.model import Architecture, MyConvNet
from simulator.interop.onnx_agreement import producer_agreement
from simulator.interop.onnx_model import OnnxError, load_onnx
from simulator.interop.onnx_normalize import normalize
from simulator.network.network import run_layers

VARIANTS = [
    (fmt, weights, per_channel)
    for fmt in ("QOperator", "QDQ")
    for weights in ("QUInt8", "QInt8")
    for per_channel in (False, True)
]


def images(count: int, seed: int) -> np.ndarray:
    """Synthetic images with a black and a white pixel each (a calibration reaches 0 and 1: the
    input scale is 1/255)."""
    batch = (np.random.default_rng(seed).random((count, 1, 28, 28)) ** 2 * 255).astype(np.uint8)
    batch[:, 0, 0, 0], batch[:, 0, 0, 1] = 0, 255
    return batch


class Reader(CalibrationDataReader):
    def __init__(self, batch: np.ndarray):
        self.feeds = iter([{"input": image[None].astype(np.float32) / 255.0} for image in batch])

    def get_next(self):
        return next(self.feeds, None)


@pytest.fixture(scope="module")
def float_model(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ort") / "float.onnx"
    export_float_onnx(MyConvNet(Architecture(conv_channels=(3, 5), fc_hidden=(7,))).eval(), path)
    return path


def quantized(float_model, fmt: str, weights: str, per_channel: bool, activations: str = "QUInt8"):
    out = float_model.parent / f"{fmt}_{weights}_{activations}_{int(per_channel)}.onnx"
    if not out.exists():
        quantize_static(str(float_model), str(out), Reader(images(32, 1)), quant_format=getattr(QuantFormat, fmt),
                        activation_type=getattr(QuantType, activations), weight_type=getattr(QuantType, weights),
                        per_channel=per_channel)  # fmt: skip
    return out


@pytest.mark.parametrize("fmt, weights, per_channel", VARIANTS, ids=lambda v: str(v))
def test_onnx_runtimes_quantized_models_import_and_agree_with_it(float_model, fmt, weights, per_channel):
    """Fails on a layer mapped wrong (a transposed FC, int8 codes not offset, a lost bias)."""
    path = quantized(float_model, fmt, weights, per_channel)
    net = load_onnx(path)
    assert [layer.kind for layer in net.layers] == ["conv", "conv", "fc", "fc"]
    assert [layer.pool for layer in net.layers] == [True, True, False, False]
    assert [layer.name for layer in net.layers] == ["conv1", "conv2", "fc1", "fc2"]  # C names for network.h
    assert net.rounding == "nearest" and net.layers[0].input_scale == pytest.approx(1 / 255)
    result = producer_agreement(path, images(200, 2))
    assert result["predictions"] >= 0.98
    for name, layer in result["layers"].items():
        assert layer["within_one"] >= 0.99, (name, layer)
    # asymmetric per-channel uint8 weights span 257 codes once centred on one zero point
    bits = {layer.weight_bits for layer in net.layers}
    assert bits <= {8, 9} if (weights, per_channel) == ("QUInt8", True) else bits == {8}


def test_signed_activations_map_to_our_codes_offset_by_128(float_model):
    path = quantized(float_model, "QDQ", "QInt8", False, activations="QInt8")
    net = load_onnx(path)
    assert net.layers[0].input_zero_point == 0 and all(layer.weight_zero_point == 128 for layer in net.layers)
    assert producer_agreement(path, images(100, 3))["predictions"] >= 0.98


def test_the_normalized_graph_is_the_qoperator_form_and_names_each_layers_codes(float_model):
    source = onnx.load(str(quantized(float_model, "QDQ", "QInt8", True)))
    model, layers = normalize(source)
    assert [node.op_type for node in model.graph.node] == [
        "QLinearConv", "MaxPool", "QLinearConv", "MaxPool", "Flatten", "QLinearConv", "QLinearConv"
    ]  # fmt: skip
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.UINT8
    produced = {name for node in source.graph.node for name in node.output}
    assert len(layers) == 4 and set(layers) <= produced


def test_what_cannot_map_is_one_line_naming_the_node(float_model, tmp_path, capsys):
    source = onnx.load(str(quantized(float_model, "QDQ", "QUInt8", False)))
    scale = next(init for init in source.graph.initializer if init.name == "input_scale")
    scale.float_data[:] = [0.5]  # an input quantization that is not the image's codes
    with pytest.raises(OnnxError, match=r"\(QuantizeLinear\): input scale 0.5, zero point 0; the accelerator takes"):
        normalize(source)
    source = onnx.load(str(quantized(float_model, "QDQ", "QUInt8", False)))
    conv = next(node for node in source.graph.node if node.op_type == "Conv")
    conv.attribute.append(helper.make_attribute("auto_pad", "NOTSET"))
    for attribute in conv.attribute:
        if attribute.name == "strides":
            attribute.ints[:] = [2, 2]
    path = tmp_path / "strided.onnx"
    onnx.save(source, str(path))
    out = tmp_path / "never"
    assert main(["import", str(path), str(out)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "(QLinearConv): strides [2, 2]" in error and not out.exists()


def test_a_reshape_whose_shape_is_computed_from_the_tensor_reads_as_the_flatten(float_model):
    """torch's exporters often write a flatten as Shape -> Gather -> Unsqueeze -> Concat ->
    Reshape: the shape-only nodes are dropped, and the import is the one of the Flatten."""
    from onnx import numpy_helper

    path = quantized(float_model, "QDQ", "QUInt8", False)
    source = onnx.load(str(path))
    flatten = next(node for node in source.graph.node if node.op_type == "Flatten")
    data, out = flatten.input[0], flatten.output[0]
    chain = [
        helper.make_node("Shape", [data], ["shape_of"]),
        helper.make_node("Gather", ["shape_of", "zero_index"], ["batch"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "zero_axes"], ["batch_1d"]),
        helper.make_node("Concat", ["batch_1d", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", [data, "target"], [out], name="computed_flatten"),
    ]
    source.graph.initializer.extend(
        numpy_helper.from_array(np.array(value, np.int64), name)
        for name, value in (("zero_index", 0), ("zero_axes", [0]), ("minus_one", [-1]))
    )
    index = list(source.graph.node).index(flatten)
    source.graph.node.remove(flatten)
    for offset, node in enumerate(chain):
        source.graph.node.insert(index + offset, node)
    model, _ = normalize(source)
    assert not {"Shape", "Gather", "Unsqueeze", "Concat", "Reshape"} & {node.op_type for node in model.graph.node}
    known = {i.name for i in model.graph.initializer} | {i.name for i in model.graph.input}
    known |= {name for node in model.graph.node for name in node.output}
    assert {name for node in model.graph.node for name in node.input if name} <= known  # none dangling
    reshaped = float_model.parent / "computed_flatten.onnx"
    onnx.save(source, str(reshaped))
    batch = images(50, 4)
    ours = run_layers(load_onnx(reshaped), batch)[-1]
    np.testing.assert_array_equal(ours, run_layers(load_onnx(path), batch)[-1])
    assert producer_agreement(reshaped, batch)["predictions"] >= 0.98


def test_import_refuses_a_rounding_other_than_the_models_and_writes_nothing(float_model, tmp_path, capsys):
    path = quantized(float_model, "QDQ", "QUInt8", False)
    out = tmp_path / "never"
    assert main(["import", str(path), str(out), "--rounding", "floor"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--rounding floor differs from the model's rounding, nearest" in error
    assert not out.exists()
    assert main(["import", str(path), str(tmp_path / "kept"), "--rounding", "nearest"]) == 0
