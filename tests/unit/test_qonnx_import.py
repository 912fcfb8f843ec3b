"""Importing Brevitas's QONNX export (simulator/interop/qonnx_quant.py): a small network trained
quantization-aware here on synthetic data, 4-bit weights, against qonnx's own executor."""

import warnings

import numpy as np
import pytest
import torch

from cnnacc.main import main
from simulator.interop.onnx_model import load_onnx
from simulator.network.export import load_network
from simulator.network.network import run_layers, run_network

brevitas_nn = pytest.importorskip("brevitas.nn", reason="brevitas is a test dependency (pyproject.toml)")
pytest.importorskip("qonnx", reason="qonnx is a test dependency (pyproject.toml)")

from brevitas.export import export_qonnx  # noqa: E402
from brevitas.inject.enum import FloatToIntImplType  # noqa: E402
from brevitas.quant import Int8ActPerTensorFloat, Int32Bias, Uint8ActPerTensorFloat  # noqa: E402
from qonnx.core.modelwrapper import ModelWrapper  # noqa: E402
from qonnx.core.onnx_exec import execute_onnx  # noqa: E402
from qonnx.util.cleanup import cleanup_model  # noqa: E402

SIZE = 8


class Pixels(Uint8ActPerTensorFloat):
    """The image's codes: x / 255 at the constant scale 1/255, zero point 0 (our input)."""

    scaling_impl_type = "const"
    scaling_const = 1.0
    max_val = 1.0


def network(weight_bits: int, activation_bits: int, floor: bool) -> torch.nn.Module:
    """conv 3x3 (4 channels) + ReLU + 2x2 max pool, then an FC layer of 10 with a signed 8-bit
    output; every activation rounds by FLOOR (the contract's floor) or ROUND."""
    rounding = {"float_to_int_impl_type": FloatToIntImplType.FLOOR} if floor else {}

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.pixels = brevitas_nn.QuantIdentity(act_quant=Pixels, return_quant_tensor=True)
            self.conv = brevitas_nn.QuantConv2d(1, 4, 3, padding=1, weight_bit_width=weight_bits, bias_quant=Int32Bias,
                                                return_quant_tensor=True)  # fmt: skip
            self.relu = brevitas_nn.QuantReLU(bit_width=activation_bits, return_quant_tensor=True, **rounding)
            self.pool = torch.nn.MaxPool2d(2)
            self.fc = brevitas_nn.QuantLinear(4 * (SIZE // 2) ** 2, 10, bias=True, weight_bit_width=weight_bits,
                                              bias_quant=Int32Bias, output_quant=Int8ActPerTensorFloat,
                                              **{f"output_{k}": v for k, v in rounding.items()})  # fmt: skip

        def forward(self, x):
            return self.fc(self.pool(self.relu(self.conv(self.pixels(x)))).flatten(1))

    return Net()


def images(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (count, 1, SIZE, SIZE), dtype=np.uint8)


def trained_export(path, weight_bits: int, activation_bits: int, floor: bool):
    """Brevitas quantization-aware training (30 Adam steps; the class is a band's brightness),
    exported as QONNX."""
    torch.manual_seed(0)
    model = network(weight_bits, activation_bits, floor)
    x = torch.from_numpy(images(256, 0)).float() / 255
    labels = (x[:, 0, :4].mean((1, 2)) * 10).long().clamp(0, 9)
    optimizer = torch.optim.Adam(model.parameters(), 1e-2)
    for _ in range(30):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        optimizer.step()
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_qonnx(model, torch.zeros(1, 1, SIZE, SIZE), export_path=str(path), dynamo=False)
    return path


def qonnx_codes(path, batch: np.ndarray, net) -> list[np.ndarray]:
    """qonnx's executor on each image (x / 255): the pooled codes of the first layer and the
    output codes of the last, from its dequantized values (value / scale + zero point)."""
    model = cleanup_model(ModelWrapper(str(path)))
    first, last = net.layers[0], net.layers[-1]
    pooled, output = [], []
    for image in batch:
        context = execute_onnx(model, {model.graph.input[0].name: image[None].astype(np.float32) / 255}, True)
        pooled.append(context["MaxPool_0_out0"])
        output.append(context[model.graph.output[0].name])
    return [
        np.rint(np.concatenate(values) / layer.output_scale).astype(np.int64) + layer.output_zero_point
        for values, layer in ((pooled, first), (output, last))
    ]


def test_a_brevitas_w4a4_model_runs_bit_exactly_against_qonnxs_executor(tmp_path):
    """Floor-rounding activations: our integer engine (M0 and n, floor) and qonnx's float
    Quant nodes give the same codes on every layer. Fails on 4-bit codes offset wrong, a lost
    bias, a wrong clamp (activation_bits), a per-channel scale read per tensor."""
    path = trained_export(tmp_path / "w4a4.onnx", 4, 4, floor=True)
    net = load_onnx(path)
    assert net.rounding == "floor" and [layer.kind for layer in net.layers] == ["conv", "fc"]
    assert [(layer.weight_bits, layer.activation_bits) for layer in net.layers] == [(4, 4), (4, 8)]
    assert net.layers[0].weight_q.max() <= 15 and net.layers[0].weight_zero_point == 8
    batch = images(64, 1)
    ours = run_layers(net, batch)
    theirs = qonnx_codes(path, batch, net)
    for mine, their in zip(ours, theirs):
        np.testing.assert_array_equal(mine.reshape(their.shape), their)


def test_round_to_nearest_activations_stay_within_one_code(tmp_path):
    """Brevitas's ROUND is one rounding of the exact value, half to even; the contract's
    nearest rounds twice (gemmlowp's doubling high multiply, then a rounding shift), which
    parts from it by one where the value lies just below a half."""
    path = trained_export(tmp_path / "round.onnx", 4, 4, floor=False)
    net = load_onnx(path)
    assert net.rounding == "nearest"
    batch = images(64, 1)
    for mine, their in zip(run_layers(net, batch), qonnx_codes(path, batch, net)):
        difference = np.abs(mine.reshape(their.shape).astype(np.int64) - their)
        assert difference.max() <= 1 and (difference == 0).mean() >= 0.9


def test_cnnacc_import_writes_w4a8_and_w4a4_models_and_the_per_layer_kernel_refuses_4_bit_codes(tmp_path, capsys):
    w4a8 = trained_export(tmp_path / "w4a8.onnx", 4, 8, floor=True)
    assert main(["import", str(w4a8), str(tmp_path / "w4a8")]) == 0
    assert "(conv1 W4A8, fc1 W4A8), rounding floor" in capsys.readouterr().out
    # 4-bit activations import (the Numba engine and the dataflow units run them); the per-layer
    # matmul kernel takes 8-bit codes and refuses them in one line when asked to run them
    w4a4 = trained_export(tmp_path / "w4a4.onnx", 4, 4, floor=True)
    assert main(["import", str(w4a4), str(tmp_path / "w4a4")]) == 0
    assert "W4A4" in capsys.readouterr().out
    net = load_network(tmp_path / "w4a4")
    images = np.zeros((2, *net.input_shape), np.uint8)
    with pytest.raises(ValueError, match="activation_bits=4"):
        run_network(net, images, engine="sw_emu")


def hand_graph(weight_node: str = "BipolarQuant", activation_bits: float = 4.0, trunc: bool = False):
    """A QONNX graph written by hand: the image's codes, a 3x3 convolution of BipolarQuant (or
    Quant) weights, ReLU, an unsigned Quant of ``activation_bits`` rounding by FLOOR."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(5)
    constants = {
        "w": rng.normal(size=(3, 1, 3, 3)).astype(np.float32),
        # per channel; scales of no simple ratio: where the exact value is a whole number, float
        # (qonnx) may fall either side of it and floor one code lower than the integer engine
        "w_scale": np.array([[[[0.371]]], [[[0.293]]], [[[0.617]]]], np.float32),
        "pixel_scale": np.array(1 / 255, np.float32), "zero": np.array(0, np.float32),
        "eight": np.array(8, np.float32), "four": np.array(4, np.float32),
        "act_scale": np.array(0.0473, np.float32), "act_bits": np.array(activation_bits, np.float32),
    }  # fmt: skip
    domain = "qonnx.custom_op.general"
    weights = (
        helper.make_node("BipolarQuant", ["w", "w_scale"], ["wq"], domain=domain)
        if weight_node == "BipolarQuant"
        else helper.make_node(
            "Quant", ["w", "w_scale", "zero", "four"], ["wq"], domain=domain, signed=1, narrow=1, rounding_mode="ROUND"
        )  # fmt: skip
    )
    nodes = [
        helper.make_node(
            "Quant",
            ["x", "pixel_scale", "zero", "eight"],
            ["xq"],
            domain=domain,
            signed=0,
            narrow=0,
            rounding_mode="ROUND",
        ),  # fmt: skip
        weights,
        helper.make_node("Conv", ["xq", "wq"], ["y"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["y"], ["r"]),
        helper.make_node(
            "Quant",
            ["r", "act_scale", "zero", "act_bits"],
            ["out"],
            domain=domain,
            signed=0,
            narrow=0,
            rounding_mode="FLOOR",
        ),  # fmt: skip
    ]
    if trunc:
        nodes.append(helper.make_node("Trunc", ["out", "act_scale", "zero", "four", "four"], ["t"], domain=domain))
    graph = helper.make_graph(
        nodes,
        "hand",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, SIZE, SIZE])],
        [helper.make_tensor_value_info("t" if trunc else "out", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(domain, 1)])


def test_bipolar_weights_are_two_level_codes_and_run_bit_exactly(tmp_path):
    import onnx

    path = tmp_path / "bipolar.onnx"
    onnx.save(hand_graph(), str(path))
    net = load_onnx(path)
    (layer,) = net.layers
    assert layer.weight_zero_point == 1 and set(np.unique(layer.weight_q)) <= {0, 2}
    assert layer.weight_bits == 2 and layer.activation_bits == 4 and net.rounding == "floor"
    batch = images(16, 2)
    model = cleanup_model(ModelWrapper(str(path)))
    theirs = np.concatenate(
        [
            execute_onnx(model, {model.graph.input[0].name: image[None].astype(np.float32) / 255})[
                model.graph.output[0].name
            ]
            for image in batch
        ]
    )
    np.testing.assert_array_equal(run_layers(net, batch)[0], np.rint(theirs / np.float32(0.0473)).astype(np.int64))


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"trunc": True}, "(Trunc): Trunc (an average pool's truncation) is not supported"),
        ({"activation_bits": 12.0}, "an activation of 12 bits; the accelerator's activations take 8 bits or fewer"),
        ({"activation_bits": 2.5}, "bit width 2.5; whole bit widths of 1 to 8"),
    ],
)
def test_what_qonnx_cannot_map_is_one_line_naming_the_node(tmp_path, options, fragment):
    import onnx

    from simulator.interop.onnx_model import OnnxError

    path = tmp_path / "bad.onnx"
    onnx.save(hand_graph(**options), str(path))
    with pytest.raises(OnnxError) as error:
        load_onnx(path)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_brevitas_qcdq_export_reads_its_clips_as_bit_widths_within_one_code_of_onnx_runtime(tmp_path):
    """QCDQ: QuantizeLinear -> Clip -> DequantizeLinear; the Clip's range is the codes' bit
    width (a signed 4-bit weight clipped to [-7, 7] is a 4-bit code at zero point 8). ONNX
    Runtime rounds half to even through float, the contract's nearest twice: within one code."""
    import onnxruntime as ort
    from brevitas.export import export_onnx_qcdq

    torch.manual_seed(0)
    path = tmp_path / "qcdq.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_onnx_qcdq(network(4, 4, floor=False).eval(), torch.zeros(1, 1, SIZE, SIZE), export_path=str(path),
                         dynamo=False)  # fmt: skip
    net = load_onnx(path)
    assert [(layer.weight_bits, layer.activation_bits, layer.weight_zero_point) for layer in net.layers] == [
        (4, 4, 8), (4, 8, 8)
    ]  # fmt: skip
    batch = images(32, 1)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    theirs = np.concatenate([session.run(None, {name: image[None].astype(np.float32) / 255})[0] for image in batch])
    last = net.layers[-1]
    codes = np.rint(theirs / last.output_scale).astype(np.int64) + last.output_zero_point
    assert np.abs(codes - run_layers(net, batch)[-1]).max() <= 1


def test_qcdq_codes_clipped_wider_than_8_bits_are_refused_in_one_line(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from simulator.interop.onnx_model import OnnxError

    rng = np.random.default_rng(6)
    constants = {
        "pixel_scale": np.array(1 / 255, np.float32), "pixel_zero": np.array(0, np.uint8),
        "w": rng.integers(-7, 8, (2, 1, 3, 3)).astype(np.int8), "w_scale": np.array(0.1, np.float32),
        "w_zero": np.array(0, np.int8), "lo": np.array(-7, np.int8), "hi": np.array(7, np.int8),
        "y_scale": np.array(0.05, np.float32), "y_zero": np.array(0, np.int16),
        "y_lo": np.array(-300, np.int16), "y_hi": np.array(300, np.int16),
    }  # fmt: skip
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "pixel_scale", "pixel_zero"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "pixel_scale", "pixel_zero"], ["xd"]),
        helper.make_node("Clip", ["w", "lo", "hi"], ["wc"]),
        helper.make_node("DequantizeLinear", ["wc", "w_scale", "w_zero"], ["wd"]),
        helper.make_node("Conv", ["xd", "wd"], ["y"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("QuantizeLinear", ["y", "y_scale", "y_zero"], ["yq"]),
        helper.make_node("Clip", ["yq", "y_lo", "y_hi"], ["yc"]),
        helper.make_node("DequantizeLinear", ["yc", "y_scale", "y_zero"], ["out"]),
    ]
    graph = helper.make_graph(
        nodes,
        "qcdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, SIZE, SIZE])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2, SIZE, SIZE])],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    path = tmp_path / "wide.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)]), str(path))
    with pytest.raises(OnnxError) as error:
        load_onnx(path)
    assert "(QuantizeLinear): codes clipped to 10 bits" in str(error.value) and "\n" not in str(error.value)
