"""ONNX out and in (simulator/interop/onnx_model.py): checked by ONNX Runtime, round trips exact."""

import dataclasses
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import helper

from cnnacc.main import main
from compress.model import Architecture, MyConvNet
from simulator.interop.onnx_agreement import runtime_agreement
from simulator.interop.onnx_model import OnnxError, from_onnx, layer_output_names, load_onnx, to_onnx
from simulator.network.export import load_network
from simulator.network.network import run_layers, run_network


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx") / "export"
    torch.manual_seed(0)
    model = MyConvNet(Architecture(conv_channels=(3, 5), fc_hidden=(7,)))
    images = (np.random.default_rng(0).random((64, 1, 28, 28)) ** 2 * 255).astype(np.uint8)
    net = model.save_weights(folder, calibration=images[:32], onnx=True)
    return net, folder, images


def run_ort(model, images):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": images})


def test_the_export_writes_a_checked_onnx_model_that_onnx_runtime_runs_like_our_engine(exported):
    net, folder, images = exported
    model = onnx.load(str(folder / "model.onnx"))
    onnx.checker.check_model(model)
    ops = {node.op_type for node in model.graph.node}
    assert {"QLinearConv", "MaxPool", "Max", "Flatten"} <= ops
    nearest = dataclasses.replace(net, rounding="nearest")  # ONNX Runtime rounds to nearest, through float
    outputs = run_ort(to_onnx(nearest, intermediate=True), images)
    ours = run_layers(nearest, images)
    for name, theirs, mine in zip(layer_output_names(net), outputs[1:], ours):
        difference = np.abs(theirs.astype(int) - mine.reshape(theirs.shape).astype(int))
        assert difference.max() <= 1, name  # float requantization against M0 and n: one code at most
        assert (difference == 0).mean() >= 0.95, name
    np.testing.assert_array_equal(outputs[0], outputs[-1])


def test_onnx_round_trip_gives_back_the_same_network_and_codes(exported):
    net, folder, images = exported
    back = from_onnx(onnx.load(str(folder / "model.onnx")))
    for a, b in zip(net.layers, back.layers):
        assert (a.name, a.kind, a.M0, a.n, a.relu, a.pool) == (b.name, b.kind, b.M0, b.n, b.relu, b.pool)
        np.testing.assert_array_equal(a.weight_matrix, b.weight_matrix)
        np.testing.assert_array_equal(a.bias_q, b.bias_q)
    np.testing.assert_array_equal(run_network(back, images), run_network(net, images))


def test_import_then_infer_gives_the_original_export_s_codes(exported, tmp_path, capsys):
    net, folder, images = exported
    out = tmp_path / "imported"
    assert main(["import", str(folder / "model.onnx"), str(out), "--json"]) == 0
    names = [layer["name"] for layer in json.loads(capsys.readouterr().out)["layers"]]
    assert names == ["conv1", "conv2", "fc1", "fc2"]
    imported = load_network(out)
    np.testing.assert_array_equal(run_network(imported, images), run_network(load_network(folder), images))


def test_a_model_from_another_quantizer_is_read_from_its_float_scales(exported):
    net, folder, images = exported
    model = onnx.load(str(folder / "model.onnx"))
    del model.metadata_props[:]  # no exact M0 / n: the float32 scales decide
    back = from_onnx(model)
    for a, b in zip(net.layers, back.layers):
        assert abs(b.M0 * 2.0 ** -(31 + b.n) - a.M0 * 2.0 ** -(31 + a.n)) <= 1e-6 * a.M0 * 2.0 ** -(31 + a.n)
    assert (run_network(back, images).argmax(1) == run_network(net, images).argmax(1)).mean() >= 0.95


def test_unsupported_nodes_and_broken_files_are_one_line_and_write_nothing(exported, tmp_path, capsys):
    _, folder, _ = exported
    model = onnx.load(str(folder / "model.onnx"))
    last = model.graph.node[-1]
    model.graph.node.insert(len(model.graph.node) - 1, helper.make_node("Sigmoid", [last.input[0]], ["s"], name="odd"))
    last.input[0] = "s"
    with pytest.raises(OnnxError, match=r"node 'odd' \(Sigmoid\): this operator is not supported"):
        from_onnx(model)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes((folder / "model.onnx").read_bytes()[:200])
    with pytest.raises(OnnxError, match="not a readable ONNX model"):
        load_onnx(broken)
    out = tmp_path / "never"
    assert main(["import", str(broken), str(out)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "broken.onnx" in error and not out.exists()


def test_per_channel_weights_go_out_and_back_and_onnx_runtime_runs_them():
    """QLinearConv's per-output-channel w_scale: our exact multipliers ride along in the
    metadata; ONNX Runtime (through float) stays within one code; per-channel zero points that
    differ are re-centred on one (the accelerator has one per layer)."""
    from tests.unit.test_export import per_channel_network

    net, images = per_channel_network()
    model = to_onnx(net, intermediate=True)
    back = from_onnx(model)
    for a, b in zip(net.layers, back.layers):
        np.testing.assert_array_equal(a.M0, b.M0)
        np.testing.assert_array_equal(a.weight_scale, b.weight_scale)
    np.testing.assert_array_equal(run_network(back, images), run_network(net, images))
    agreement = runtime_agreement(dataclasses.replace(net, rounding="nearest"), images)
    for name, layer in agreement["layers"].items():  # each layer on our codes of the layer before
        assert layer["alone"]["max"] <= 1 and layer["alone"]["identical"] >= 0.95, name
    # another quantizer's model (no metadata): the multipliers come from the float scales
    del model.metadata_props[:]
    plain = from_onnx(model)
    assert all(np.shape(layer.M0) == (layer.out_features,) for layer in plain.layers)
    # zero points that differ per channel: the weights are re-centred on one, the same reals
    zero = next(init for init in model.graph.initializer if init.name == "conv1.w_zero_point")
    zero.CopyFrom(onnx.numpy_helper.from_array(np.array([8, 8, 9], np.uint8), "conv1.w_zero_point"))
    weights = next(init for init in model.graph.initializer if init.name == "conv1.weight")
    reals = onnx.numpy_helper.to_array(weights).astype(np.int64) - np.array([8, 8, 9])[:, None, None, None]
    centred = from_onnx(model).layers[0]
    np.testing.assert_array_equal(centred.weight_q.astype(np.int64) - centred.weight_zero_point, reals)
