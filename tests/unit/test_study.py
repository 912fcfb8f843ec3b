"""What a row of the quantization study does to each layer (``compress.study.row_diagnostics``)."""

import numpy as np
import pytest
import torch

from compress.model import Architecture, MyConvNet
from compress.observe import QuantSpec
from compress.quantize import quantize_weights, weight_quant_params
from compress.study import row_diagnostics


@pytest.mark.parametrize("granularity", ["global", "layer"])
def test_row_diagnostics_are_the_codes_interval_the_weights_outside_it_and_the_summed_error(granularity):
    torch.manual_seed(0)
    model = MyConvNet(Architecture(conv_channels=(4, 8), fc_hidden=(16,)))
    spec = QuantSpec(scheme="asymmetric", range="mse", bits=3)
    found = row_diagnostics(model, spec, granularity, (3, 4))
    assert sorted(found) == [3, 4]
    for bits, layers in found.items():
        row = QuantSpec(scheme="asymmetric", range="mse", bits=bits)
        params = weight_quant_params(model, row, granularity)
        quantized = dict(quantize_weights(model, row, granularity).layers())
        for name, layer in model.layers():
            (p,) = params[name]
            w = layer.weight.detach().double().numpy()
            entry = layers[name]
            assert entry["zero_point"] == p.zero_point and abs(entry["real_zero_point"] - p.zero_point) <= 0.5
            assert entry["high"] == pytest.approx((p.qmax - p.zero_point) * p.scale)
            assert entry["outside"] == pytest.approx(np.mean((w < entry["low"]) | (w > entry["high"])))
            error = quantized[name].weight.detach().double().numpy() - w
            assert entry["summed_error"] == pytest.approx(error.reshape(len(w), -1).sum(axis=1).mean())
    with pytest.raises(ValueError, match="granularity 'channel'"):
        row_diagnostics(model, spec, "channel", (3,))
