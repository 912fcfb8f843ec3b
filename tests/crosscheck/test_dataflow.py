"""The dataflow accelerator's generated C++ (g++, the sw_emu flow) computes every layer's codes
exactly as the Numba engine does, whatever the folding, bits, granularity and rounding."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.hardware.dataflow_design import DataflowDesign, LayerFold
from simulator.network.dataflow import DataflowError, unit_shapes, write_project
from simulator.network.dataflow_run import run_dataflow_layers
from simulator.network.network import run_layers
from tests.crosscheck.test_network import small_network

# small_network: conv1 1 -> 4 (28 x 28, pooled), conv2 4 -> 6 (14 x 14, pooled), fc1 294 -> 12, fc2 12 -> 10
SERIAL = DataflowDesign((LayerFold(1, 1), LayerFold(1, 1), LayerFold(1, 1), LayerFold(1, 1)))
PARALLEL = DataflowDesign((LayerFold(4, 9, 4), LayerFold(3, 12, 7), LayerFold(6, 49), LayerFold(10, 4)))
ODD = DataflowDesign((LayerFold(2, 3, 2), LayerFold(6, 2, 1), LayerFold(12, 294), LayerFold(5, 6)))


@pytest.mark.parametrize("design", [SERIAL, PARALLEL, ODD], ids=["serial", "parallel", "odd"])
@pytest.mark.parametrize(
    "weight_bits, activation_bits, granularity, rounding",
    [(8, 8, "layer", "floor"), (4, 4, "channel", "nearest"), (2, 8, "layer", "nearest"), (5, 3, "channel", "floor")],
)
def test_generated_cpp_equals_numba_on_every_layer(design, weight_bits, activation_bits, granularity, rounding):
    net, images = small_network(1, weight_bits, "mse", activation_bits, granularity)
    net = dataclasses.replace(net, rounding=rounding)
    for cpp, fast in zip(run_dataflow_layers(net, design, images[:8]), run_layers(net, images[:8])):
        assert_array_equal(cpp, fast)


def test_codes_of_sub_byte_activations_stay_below_their_maximum():
    net, images = small_network(2, 4, "mse", 3)
    hidden = run_dataflow_layers(net, PARALLEL, images[:8])[:-1]
    assert max(int(codes.max()) for codes in hidden) <= 7
    assert max(int(codes.max()) for codes in hidden) == 7  # the clamp is reached: the test can fail


def test_a_fold_that_does_not_divide_its_layer_is_refused_in_one_line(tmp_path):
    net, _ = small_network(0)
    design = dataclasses.replace(PARALLEL, folds=(LayerFold(3, 9, 4), *PARALLEL.folds[1:]))
    message = r"^layer conv1: pe=3 does not fit its 4 output channels; expected one of \[1, 2, 4\]$"
    with pytest.raises(DataflowError, match=message):
        write_project(net, design, tmp_path / "project")
    assert not (tmp_path / "project").exists()  # nothing written


def test_wider_weights_and_a_convolution_after_a_dense_layer_are_refused():
    net, _ = small_network(0)
    wide = dataclasses.replace(net.layers[0], weight_bits=9, weight_q=net.layers[0].weight_q.astype(np.uint16))
    with pytest.raises(DataflowError, match="layer conv1: 9-bit weights"):
        unit_shapes(dataclasses.replace(net, layers=(wide, *net.layers[1:])))
    with pytest.raises(DataflowError, match="layer conv2: a convolution after a fully connected layer"):
        unit_shapes(dataclasses.replace(net, layers=(*net.layers[:3], net.layers[1])))


def test_the_project_holds_what_vitis_needs(tmp_path):
    net, _ = small_network(0)
    folder = write_project(net, PARALLEL, tmp_path / "project")
    names = {path.name for path in folder.iterdir()}
    assert {"network.cpp", "network.hpp", "network_tb.cpp", "hls_config.cfg", "dataflow.hpp", "arith.hpp"} <= names
    config = (folder / "hls_config.cfg").read_text()
    assert "syn.top=network_top" in config and "clock=4ns" in config
    assert "#pragma HLS DATAFLOW" in (folder / "network.cpp").read_text()


def test_a_relu_clamps_at_a_nonzero_output_zero_point():
    """ReLU is a clamp at the output zero point (FLOOR), which only shows when that is not 0."""
    net, images = small_network(3)
    first, second = net.layers[:2]
    first = dataclasses.replace(first, output_zero_point=9)
    second = dataclasses.replace(second, input_zero_point=9)
    net = dataclasses.replace(net, layers=(first, second, *net.layers[2:]))
    cpp, fast = run_dataflow_layers(net, PARALLEL, images[:8]), run_layers(net, images[:8])
    assert int(fast[0].min()) == 9  # the clamp is reached
    for ours, theirs in zip(cpp, fast):
        assert_array_equal(ours, theirs)


def test_a_convolution_without_pooling_and_an_odd_image_run_alike():
    """A convolution that does not pool writes every output row; an odd height or width loses
    its last row and column to the pool, as the Numba engine's pool does."""
    net, images = small_network(0)
    conv1, conv2, fc1, fc2 = net.layers
    rng = np.random.default_rng(1)

    def dense(inputs: int):
        return dataclasses.replace(fc1, weight_q=rng.integers(0, 256, (fc1.out_features, inputs), dtype=np.uint8))

    unpooled = dataclasses.replace(net, layers=(dataclasses.replace(conv1, pool=False), conv2, dense(6 * 14 * 14), fc2))
    odd = dataclasses.replace(net, layers=(conv1, conv2, dense(6 * 6 * 6), fc2), input_shape=(1, 27, 27))
    for case, design, batch in (
        (unpooled, DataflowDesign((LayerFold(2, 9, 7), LayerFold(3, 4, 4), LayerFold(4, 49), LayerFold(5, 4))), images),
        (odd, DataflowDesign((LayerFold(4, 9, 1), LayerFold(3, 4, 13), LayerFold(4, 8), LayerFold(5, 4))), images),
    ):
        batch = np.ascontiguousarray(batch[:6, :, : case.input_shape[1], : case.input_shape[2]])
        for cpp, fast in zip(run_dataflow_layers(case, design, batch), run_layers(case, batch)):
            assert_array_equal(cpp, fast)
    serial = DataflowDesign((LayerFold(1, 1),) * 4)
    found = run_dataflow_layers(odd, serial, np.ascontiguousarray(images[:1, :, :27, :27]))
    assert found[1].shape == (1, 6, 6, 6)
