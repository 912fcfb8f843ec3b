"""The search's quantizers: fake quantization with straight-through gradients, learned steps
(LSQ), learned activation clips (PACT), and the fine-tuning that uses them."""

import copy
import math

import pytest
import torch
from torch.nn.utils import parametrize

from compress.observe import QuantSpec
from compress.qat import (
    FakeQuantWeight,
    LearnedStepWeight,
    PactActivation,
    fine_tune,
    fine_tune_activations,
    weight_quantized,
)
from compress.quantize import build_integer_network
from compress.search import (
    SearchConfig,
)
from compress.search_steps import (
    train_config,
)
from tests.unit.tiny_search import SMALL_CONFIG, start_state

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_fake_quantized_forward_matches_post_training_weights_and_passes_gradients_straight():
    state = start_state()
    layer = state.model.fcs[0]
    spec = QuantSpec(bits=3, range="mse")
    expected = weight_quantized(state.model, (32, 32, 3, 32), "mse").fcs[0].weight
    weight = layer.weight.detach().clone().requires_grad_()
    quantized = FakeQuantWeight(spec).train()(weight)
    torch.testing.assert_close(quantized.detach(), expected, rtol=0, atol=0)
    assert len(torch.unique(quantized.detach())) <= 2**3
    quantized.sum().backward()
    torch.testing.assert_close(weight.grad, torch.ones_like(weight))


def test_quantization_aware_fine_tuning_leaves_plain_float_weights(tiny_data):
    state = start_state((8, 4, 3, 4))
    before = copy.deepcopy(state.model)
    fine_tune(
        state.model, state.bits, tiny_data.train, train_config(SearchConfig(**SMALL_CONFIG), 0), "mse", progress=False
    )
    assert not any(parametrize.is_parametrized(layer) for _, layer in state.model.layers())
    assert not torch.equal(before.fcs[0].weight, state.model.fcs[0].weight)
    assert len(torch.unique(state.model.fcs[0].weight)) > 2**4  # the float shadow weights are kept


def test_learned_step_quantizer_rounds_on_its_step_and_trains_the_step():
    weight = torch.tensor([[-0.9, -0.3, 0.05, 0.4, 1.6]], requires_grad=True)
    quantizer = LearnedStepWeight(weight, QuantSpec(bits=2, range="full"))  # [-0.9, 1.6]: step 2.5/3, zero point 1
    torch.testing.assert_close(quantizer.step.detach(), torch.tensor(2.5 / 3))
    step = 2.5 / 3
    out = quantizer(weight)
    torch.testing.assert_close(out.detach(), torch.tensor([[-step, 0.0, 0.0, 0.0, 2 * step]]))  # codes 0 1 1 1 3
    out.sum().backward()
    # LSQ (Esser et al. 2020): d out / d step is q - w / s inside the range and the clipped code's
    # q outside, times the gradient scale 1 / sqrt(weights x qmax); a wrong scale, a rounding that
    # is not straight-through or a clip that passes the weight's term all give another number
    expected = (-1 + 0.3 / step - 0.05 / step - 0.4 / step + (2 - 1.6 / step)) / math.sqrt(5 * 3)
    assert quantizer.step.grad.item() == pytest.approx(expected, rel=1e-6)
    # straight through the rounding; -0.9 / step + 1 < 0 is clipped to code 0, so it passes none
    torch.testing.assert_close(weight.grad, torch.tensor([[0.0, 1.0, 1.0, 1.0, 1.0]]))


def test_learned_step_fine_tuning_leaves_the_weights_on_the_grid_the_integer_network_finds(tiny_data):
    state = start_state((8, 4, 2, 4))
    fine_tune(
        state.model,
        state.bits,
        tiny_data.train,
        train_config(SearchConfig(**SMALL_CONFIG), 0),
        "mse",
        progress=False,
        learned_steps=True,
    )
    assert not any(parametrize.is_parametrized(layer) for _, layer in state.model.layers())
    fc1 = state.model.fcs[0].weight.detach()
    assert len(torch.unique(fc1)) <= 2**2  # on a 2-bit grid, not float shadows
    again = weight_quantized(state.model, state.bits, "mse").fcs[0].weight
    torch.testing.assert_close(again, fc1, rtol=0, atol=1e-7)  # the observer finds the same grid
    with pytest.raises(ValueError, match="granularity"):
        fine_tune(state.model, state.bits, tiny_data.train, train_config(SearchConfig(**SMALL_CONFIG), 0), "mse",
                  progress=False, learned_steps=True, granularity="channel")  # fmt: skip


def test_pact_clips_at_a_learned_bound_on_its_steps_and_trains_the_bound():
    pact = PactActivation(2, alpha=1.5)
    x = torch.tensor([-1.0, 0.2, 0.7, 1.2, 4.0], requires_grad=True)
    y = pact(x)
    torch.testing.assert_close(y.detach(), torch.tensor([0.0, 0.0, 0.5, 1.0, 1.5]))  # 3 steps of 0.5, clipped
    y.sum().backward()
    assert pact.alpha.grad.item() == 1.0  # only the clipped input pulls on the bound
    torch.testing.assert_close(x.grad, torch.tensor([0.0, 1.0, 1.0, 1.0, 0.0]))  # straight through inside


def test_activation_aware_fine_tuning_learns_the_integer_network_s_activation_ranges(tiny_data):
    state = start_state()
    config = train_config(SearchConfig(**SMALL_CONFIG), 0)
    intervals = fine_tune_activations(state.model, (4,) * 4, 4, tiny_data.train, config, "mse", progress=False)
    assert len(intervals) == 4 and intervals[-1] is None and all(lo == 0 < hi for lo, hi in intervals[:-1])
    assert not any(n.startswith("_pact") for n, _ in state.model.named_children())  # nothing left behind
    spec = QuantSpec(bits=4)
    net = build_integer_network(
        state.model, tiny_data.calibration, weight_spec=spec, activation_spec=spec, activation_intervals=intervals
    )
    for layer, (_, hi) in zip(net.layers, intervals[:-1]):  # the learned bound is the top code's value
        assert layer.output_zero_point == 0 and abs(layer.output_scale * 15 - hi) < 1e-9


def test_an_activation_range_finer_than_the_accumulator_step_is_widened_to_a_multiplier_below_one(tiny_data):
    state = start_state()
    spec = QuantSpec(bits=2)
    tiny = [(0.0, 1e-7), (0.0, 1e-7), (0.0, 1e-7), None]  # finer than S_in S_w: M would be >= 1
    net = build_integer_network(state.model, tiny_data.calibration, weight_spec=spec, activation_spec=spec,
                                activation_intervals=tiny)  # fmt: skip
    for layer in net.layers:
        assert layer.input_scale * layer.weight_scale < layer.output_scale  # M < 1, as the contract needs
        assert 2**30 <= layer.M0 < 2**31
