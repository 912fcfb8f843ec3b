"""The one model-size function: physical shape only, packed weights, biases, parameters."""

import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from compress.checkpoint import SHIPPED_DIR
from compress.model import Architecture, MyConvNet, layer_table
from compress.prune import apply_masks, compact, select_masks
from compress.prune_spec import PruneSpec
from compress.shipping import CURVES_NAME
from compress.size import layer_sizes, model_size_kb, naive_size_kb

TINY = Architecture(conv_channels=(4, 6), fc_hidden=(8,))


def test_fp32_size_is_four_bytes_per_parameter_as_in_the_layer_table():
    expected = sum(row["params"] for row in layer_table(TINY)) * 4 / 1024
    assert model_size_kb(TINY) == pytest.approx(expected)
    assert model_size_kb(MyConvNet(TINY)) == model_size_kb(TINY)


def test_quantized_size_counts_packed_weights_int32_biases_and_quantization_parameters():
    # conv1 4x1x3x3, conv2 6x4x3x3, fc1 (6*7*7=294)x8, fc2 8x10
    weights = [36, 216, 2352, 80]
    biases = [4, 6, 8, 10]
    bits = [8, 4, 3, 2]
    weight_bytes = sum(-(-w * b // 8) for w, b in zip(weights, bits))
    # per layer: weight and output scale (float32), M0 and n (uint32), weight and output zero point (uint8);
    # once: the input scale and zero point
    params_bytes = 4 * (4 * 4 + 2) + 4 + 1
    expected = (weight_bytes + 4 * sum(biases) + params_bytes) / 1024
    assert model_size_kb(TINY, bits) == pytest.approx(expected)
    assert [s.weight_bits for s in layer_sizes(TINY, bits)] == bits
    # per-channel weights: the weight scale, M0 and n once per output channel instead of once
    extra = 3 * 4 * sum(channels - 1 for channels in biases)
    assert model_size_kb(TINY, bits, per_channel=True) == pytest.approx(expected + extra / 1024)


def test_masked_zeros_never_count_as_savings():
    torch.manual_seed(0)
    model = MyConvNet(TINY)
    masks = select_masks(model, PruneSpec(fractions=(0.5,)))
    apply_masks(model, masks)
    zeros = sum(int((layer.weight == 0).sum()) for _, layer in model.layers())
    assert zeros > 0
    for bits in (None, 8, 4):
        # The masked model stores its zeros: same size as the unpruned shape (the naive size).
        assert model_size_kb(model, bits) == naive_size_kb(TINY, bits) == model_size_kb(MyConvNet(TINY), bits)
        small = compact(model, masks)
        assert small.arch.conv_channels == (2, 3) and small.arch.fc_hidden == (4,)
        assert model_size_kb(small, bits) == model_size_kb(small.arch, bits) < naive_size_kb(TINY, bits)
    with torch.no_grad():
        for _, layer in model.layers():
            layer.weight.zero_()
    assert model_size_kb(model) == naive_size_kb(TINY)


def test_a_weight_zero_point_takes_the_kernels_uint8_up_to_8_bits_then_16_bits():
    first, second = (layer_sizes(TINY, [32, bits, 32, 32])[1].param_bytes for bits in (8, 9))
    assert (first, second) == (18, 19)


def test_float_layers_carry_no_quantization_parameters():
    sizes = layer_sizes(TINY, [32, 8, 8, 32])
    assert [s.param_bytes for s in sizes] == [0, 18, 18, 0]
    assert sizes[0].bias_bytes == 16 and sizes[0].weight_bytes == 36 * 4


@pytest.mark.parametrize(
    "bits, error, fragment",
    [
        (1, ValueError, "weight_bits[0]=1 is out of range"),
        (17, ValueError, "expected an int in [2, 16]"),
        ([8, 8], ValueError, "2 entries for 4 layers"),
        ([8, 8, 8, 4.5], TypeError, "weight_bits[3]=4.5"),
    ],
    ids=["too-few-bits", "too-many-bits", "wrong-length", "not-an-int"],
)
def test_bad_bit_widths_are_refused(bits, error, fragment):
    with pytest.raises(error) as info:
        model_size_kb(TINY, bits)
    assert fragment in str(info.value)


def test_size_of_something_else_is_a_type_error():
    with pytest.raises(TypeError, match="expected a MyConvNet or an Architecture"):
        model_size_kb(np.zeros(3))


def shipped_records():
    """Every record of the shipped search that states a size: the curves' states, what each
    choice tried, the chosen models, and the models' cards."""
    curves = json.loads((SHIPPED_DIR / CURVES_NAME).read_text())
    baseline = Architecture.from_json(curves["baseline"]["architecture"])
    records = [record for walk in curves["curves"].values() for record in walk]
    for chosen in curves["chosen"]:
        records += [chosen, *chosen["tried"]] if chosen["found"] else chosen["tried"]
    records += [json.loads(path.read_text()) for path in sorted(SHIPPED_DIR.glob("*.json")) if path.name != CURVES_NAME]
    return baseline, [record for record in records if "size_kb" in record and "conv_channels" in record]


def test_every_shipped_size_is_the_size_function_of_its_widths_and_bits():
    baseline, records = shipped_records()
    assert len(records) > 100
    for record in records:
        arch = replace(baseline, conv_channels=tuple(record["conv_channels"]), fc_hidden=tuple(record["fc_hidden"]))
        bits = record["weight_bits"]
        assert record["size_kb"] == model_size_kb(arch, bits), record
        if "naive_size_kb" in record:
            assert record["naive_size_kb"] == naive_size_kb(baseline, bits), record
        if "size_breakdown" in record:
            assert record["size_breakdown"] == [s.to_json() for s in layer_sizes(arch, bits)], record
