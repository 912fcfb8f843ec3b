"""MyConvNet.save_weights: quantize, then export the integer network for the accelerator.

Every layer is first mapped onto the matmul design (``simulator.network.mapping.map_network``: the
orientation with the fewest simulated cycles), so the weights are stored as the kernel reads
them. Writes, into one folder: the .npz + JSON manifest of simulator/network/export.py (the format
itself is documented there), a C header with every array (weights as their device image)
and constant for the HLS testbenches, and golden per-layer input/output vectors of a few
test images.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

from compress.data import load_fashion_mnist
from compress.observe import QuantSpec
from compress.quantize import build_integer_network, calibration_images
from simulator import atomic
from simulator.hardware.designs import MatmulDesign
from simulator.interop.onnx_model import load_onnx, to_onnx
from simulator.network.export import save_network
from simulator.network.mapping import device_weights, map_network
from simulator.network.network import IntegerNetwork, check_network_for_hardware, run_layers

CALIBRATION_IMAGES = 2000
GOLDEN_IMAGES = 4
ACTIVATION_BITS = tuple(range(2, 9))  # the Numba engine and the dataflow units; the matmul kernel takes 8


def c_array(name: str, ctype: str, values: np.ndarray) -> str:
    flat = ", ".join(str(int(v)) for v in values.ravel())
    return f"static const {ctype} {name}[{values.size}] = {{{flat}}};"


def c_header(net: IntegerNetwork) -> str:
    """A C/C++ header with the weights, biases and quantization constants of every layer."""
    lines = [
        "// Integer network exported by cnnacc; layout documented in simulator/network/export.py.",
        "#pragma once",
        "#include <cstdint>",
        "",
    ]
    for layer in net.layers:
        p = layer.name
        mapping = layer.mapping
        if mapping is None:
            weights = [
                f"// {p}: {layer.kind}, weight matrix {layer.out_features} x {layer.in_features}, row-major",
                c_array(f"{p}_weight_q", "uint8_t", layer.weight_matrix),
                f"constexpr uint8_t {p}_layout = 0;",
            ]
        else:
            operand = "A = W" if mapping.orientation == "weights_a" else "B = W^T"
            weights = [
                f"// {p}: {layer.kind}, weight matrix {layer.out_features} x {layer.in_features}, "
                f"{mapping.orientation}: {operand} tiled for TILE_U/V/W = "
                f"{mapping.tile_u}/{mapping.tile_v}/{mapping.tile_w}",
                c_array(f"{p}_weight_device", "uint8_t", device_weights(mapping, layer.weight_matrix)),
                f"constexpr uint8_t {p}_layout = {mapping.layout};  // matmul_kernel's layout bits",
                f"constexpr uint32_t {p}_tile_u = {mapping.tile_u};",
                f"constexpr uint32_t {p}_tile_v = {mapping.tile_v};",
                f"constexpr uint32_t {p}_tile_w = {mapping.tile_w};",
            ]
        lines += [
            *weights,
            c_array(f"{p}_bias_q", "int32_t", layer.bias_q),
            f"constexpr uint32_t {p}_rows = {layer.out_features};",
            f"constexpr uint32_t {p}_cols = {layer.in_features};",
            f"constexpr uint8_t {p}_zero_w = {layer.weight_zero_point};",
            f"constexpr uint8_t {p}_zero_in = {layer.input_zero_point};",
            f"constexpr uint8_t {p}_zero_out = {layer.output_zero_point};",
            *(
                [c_array(f"{p}_{key}", "uint32_t", np.asarray(getattr(layer, key))) for key in ("M0", "n")]
                if layer.per_channel  # one multiplier per output channel (the kernel's layout_channel_scales)
                else [f"constexpr uint32_t {p}_M0 = {layer.M0}u;", f"constexpr uint32_t {p}_n = {layer.n}u;"]
            ),
            f"constexpr bool {p}_relu = {'true' if layer.relu else 'false'};",
            f"constexpr bool {p}_pool = {'true' if layer.pool else 'false'};",
            "",
        ]
    return "\n".join(lines)


def export_network(
    net: IntegerNetwork,
    folder: str | os.PathLike,
    golden_images: np.ndarray,
    extra: dict | None = None,
    design: MatmulDesign | None = None,
    onnx: bool = False,
) -> Path:
    """Map ``net`` for ``design`` (default MatmulDesign()), then write the manifest + npz, the
    C header and the golden vectors, and with ``onnx`` the quantized ONNX model
    (``simulator.interop.onnx_model``) as model.onnx; returns the folder."""
    check_network_for_hardware(net, ACTIVATION_BITS)
    net = map_network(net, design or MatmulDesign())
    folder = Path(folder)
    model = to_onnx(net) if onnx else None  # built first: nothing is written if it fails
    save_network(net, folder, extra=extra)
    if model is not None:
        atomic.write_bytes(folder / "model.onnx", model.SerializeToString())
    atomic.write_bytes(folder / "network.h", c_header(net).encode())
    outputs = run_layers(net, golden_images)
    buffer = io.BytesIO()
    golden = {"input": golden_images, **{layer.name: out for layer, out in zip(net.layers, outputs)}}
    np.savez(buffer, **golden)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
    atomic.write_bytes(folder / "golden.npz", buffer.getvalue())
    return folder


def save_weights(
    model,
    path: str | os.PathLike,
    *,
    weight_bits: int | list[int] = 8,
    weight_range: str = "full",
    calibration: np.ndarray | None = None,
    seed: int = 0,
    data_dir=None,
    design: MatmulDesign | None = None,
    onnx: bool = False,
) -> IntegerNetwork:
    """Export ``model`` with uniform asymmetric per-layer quantization (8-bit activations).

    calibration : uint8 images (N, C, H, W) for the activation ranges; default a seeded subset
        of 2,000 Fashion-MNIST training images.
    design : the MatmulDesign the layers are mapped for and the weights laid out for
        (default MatmulDesign()).
    onnx : also write model.onnx (quantized ONNX operators, ``simulator.interop.onnx_model``).
    """
    bits = weight_bits if isinstance(weight_bits, list) else [weight_bits] * len(model.layers())
    specs = [QuantSpec(bits=b, range=weight_range) for b in bits]
    if calibration is None:
        calibration = calibration_images(load_fashion_mnist("train", data_dir), CALIBRATION_IMAGES, seed)
    net = build_integer_network(model, calibration, weight_spec=specs, activation_spec=QuantSpec(bits=8))
    golden = np.ascontiguousarray(calibration[:GOLDEN_IMAGES])
    extra = {"architecture": model.arch.to_json(), "weight_bits": bits}
    export_network(net, path, golden, extra=extra, design=design, onnx=onnx)
    return load_weights(path)  # as exported: every layer with its mapping


def load_weights(path: str | os.PathLike) -> IntegerNetwork:
    """Restore an export written by :func:`save_weights` (checks every SHA-256)."""
    from simulator.network.export import load_network

    return load_network(path)


IMPORT_GOLDEN_SEED = 0


def import_onnx(model_path: str | os.PathLike, folder: str | os.PathLike, *, design: MatmulDesign | None = None):
    """Read a quantized ONNX model (``simulator.interop.onnx_model.load_onnx``) and write it as an export
    folder mapped for ``design``, ready for ``cnnacc infer`` and the simulator; the golden
    vectors are seeded random images of its input shape. Nothing is written when the model
    cannot be read."""
    net = load_onnx(model_path)
    rng = np.random.default_rng(IMPORT_GOLDEN_SEED)
    golden = rng.integers(0, 256, size=(GOLDEN_IMAGES, *net.input_shape), dtype=np.uint8)
    export_network(net, folder, golden, extra={"imported_from": Path(model_path).name}, design=design)
    return load_weights(folder)


def export_float_onnx(model, path: str | os.PathLike) -> None:
    """The float model as ``torch.onnx.export`` writes it (opset 13, input "input" of a free
    batch size, output "logits"): the graph another quantizer, such as ONNX Runtime's
    ``quantize_static``, takes. Its input is the image / 255, as training feeds it. Pooling is
    traced as ``nn.MaxPool2d`` (the training path: inference's pairwise maximum gives the same
    values as a graph of slices); written atomically."""
    import warnings

    import torch

    shape = (1, model.arch.in_channels, model.arch.image_size, model.arch.image_size)
    buffer = io.BytesIO()
    was_training = model.training
    model.train()
    try:
        with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (torch.zeros(shape),), buffer, dynamo=False, opset_version=13,  # type: ignore[arg-type]
                              training=torch.onnx.TrainingMode.PRESERVE,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})  # fmt: skip
    finally:
        model.train(was_training)
    atomic.write_bytes(path, buffer.getvalue())
