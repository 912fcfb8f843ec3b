"""The torch integer simulation (compress/quantize.py) and the Numba integer network
(simulator/network/network.py) compute the same output codes, bit for bit."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from compress.model import Architecture, MyConvNet
from compress.observe import QuantSpec
from compress.quantize import build_integer_network, input_codes, integer_forward
from simulator.hardware.designs import MatmulDesign
from simulator.network.mapping import map_network
from simulator.network.network import run_layers, run_network


def small_network(
    seed: int, weight_bits: int = 8, weight_range: str = "full", activation_bits: int = 8, granularity: str = "layer"
):
    torch.manual_seed(seed)
    model = MyConvNet(Architecture(conv_channels=(4, 6), fc_hidden=(12,)))
    rng = np.random.default_rng(seed)
    # Structured images (not noise) so that activations have realistic ranges.
    images = (rng.random((40, 1, 28, 28)) ** 3 * 255).astype(np.uint8)
    scheme = "symmetric" if granularity == "channel" else "asymmetric"
    spec = QuantSpec(scheme=scheme, bits=weight_bits, range=weight_range)
    net = build_integer_network(
        model, images[:20], weight_spec=spec, activation_spec=QuantSpec(bits=activation_bits), granularity=granularity
    )
    return net, images


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "weight_bits, weight_range, activation_bits", [(8, "full", 8), (4, "mse", 8), (2, "full", 8), (5, "full", 4)]
)
def test_torch_integer_simulation_equals_numba_network(seed, weight_bits, weight_range, activation_bits):
    net, images = small_network(seed, weight_bits, weight_range, activation_bits)
    codes = input_codes(images, net)
    torch_codes = integer_forward(net, codes).numpy()
    assert_array_equal(run_network(net, codes.numpy().astype(np.uint8), batch_size=16), torch_codes)


def test_network_rejects_wrong_image_shape():
    net, images = small_network(0)
    with pytest.raises(ValueError, match="expected uint8"):
        run_network(net, images[:, :, :27])


@pytest.mark.parametrize("seed", range(3))
def test_cpp_sw_emu_network_equals_numba_network(seed):
    net, images = small_network(seed, 8)
    assert_array_equal(run_network(net, images[:6], engine="sw_emu"), run_network(net, images[:6]))


@pytest.mark.parametrize(
    "design",
    [MatmulDesign(), MatmulDesign(tile_u=3, tile_v=5, tile_w=7, axi_width_bits=64, b_buffer_bytes=256, max_w=1024)],
    ids=["default", "odd-tiles"],
)
def test_mapped_layers_in_cpp_equal_numba_on_every_layer(design):
    """Every layer mapped for the design (weights as A or B, tiled): the C++ gives the same
    codes as the Numba engine, layer by layer."""
    net, images = small_network(0, 8)
    mapped = map_network(net, design)
    assert {layer.mapping.orientation for layer in mapped.layers if layer.kind == "fc"} <= {"weights_a", "weights_b"}
    for cpp, fast in zip(run_layers(mapped, images[:5], engine="sw_emu"), run_layers(net, images[:5])):
        assert_array_equal(cpp, fast)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("weight_bits, activation_bits", [(8, 8), (4, 8), (4, 4), (2, 8)])
def test_per_channel_weights_run_alike_in_torch_numba_and_the_cpp(seed, weight_bits, activation_bits):
    """Per-channel weights (a scale, M0 and n per output channel): the torch simulation, the
    Numba engine and, for 8-bit activations, the C++ (row-major and mapped: multipliers per
    row of A or per column of B) give the same codes."""
    net, images = small_network(seed, weight_bits, "mse", activation_bits, granularity="channel")
    assert all(layer.per_channel and np.shape(layer.M0) == (layer.out_features,) for layer in net.layers)
    assert len({int(m) for m in net.layers[0].M0}) > 1  # the channels really differ
    codes = input_codes(images, net)
    fast = run_network(net, codes.numpy().astype(np.uint8), batch_size=16)
    assert_array_equal(fast, integer_forward(net, codes).numpy())
    if activation_bits == 8:
        assert_array_equal(run_network(net, images[:4], engine="sw_emu"), fast[:4])
        mapped = map_network(net, MatmulDesign(tile_u=3, tile_v=5, tile_w=7, max_w=1024))
        assert {layer.mapping.orientation for layer in mapped.layers} == {"weights_a", "weights_b"}
        for cpp, numba in zip(run_layers(mapped, images[:3], engine="sw_emu"), run_layers(net, images[:3])):
            assert_array_equal(cpp, numba)
