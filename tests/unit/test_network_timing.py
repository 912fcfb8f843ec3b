"""Direct tests of the network-level timing, the infer command's success path, and the
quantization study, on the shipped baseline (small slices of the test set)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.study import run_study
from compress.train import predict
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.network.export import load_network
from simulator.network.mapping import map_layer
from simulator.network.network import run_layers
from simulator.network.network_timing import NetworkTiming, network_timing
from simulator.timing.units.im2col import run_im2col_des
from simulator.timing.units.im2col_schedule import Im2colShape
from simulator.timing.units.matmul import run_matmul_des


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    model, _ = load_checkpoint("baseline")
    model.save_weights(folder)
    return folder


def test_network_timing_is_the_sum_of_its_layers_kernels(export):
    net = load_network(export)
    design = MatmulDesign(tile_u=16, axi_width_bits=256)
    timing = network_timing(net, design, Im2colDesign(), batch=3, remap=True)
    assert [layer.layer for layer in timing.layers] == [layer.name for layer in net.layers]
    channels, size = 1, 28
    for layer, row in zip(net.layers, timing.layers):
        columns = size * size if layer.kind == "conv" else 3
        mapping = map_layer(design, layer.kind, layer.out_features, layer.in_features, columns)
        assert row.orientation == mapping.orientation
        assert row.matmul_shape == mapping.matmul_shape(layer.out_features, layer.in_features, columns)
        if layer.kind == "conv":
            assert row.calls == 3 and mapping.orientation == "weights_a"
            one = run_im2col_des(Im2colDesign(), Im2colShape(channels, size, size, 3, 3)).latency_cycles
            assert row.im2col_cycles == 3 * one
            channels, size = layer.out_features, size // 2 if layer.pool else size
        else:
            assert row.calls == 1 and row.im2col_cycles == 0  # the batch is one call
        one = run_matmul_des(design, *row.matmul_shape, bias=True, layout=mapping.layout).latency_cycles
        assert row.matmul_cycles == row.calls * one
        assert row.macs == row.calls * int(np.prod(row.matmul_shape))
        assert row.compute_bound_cycles <= row.bound_cycles <= row.total_cycles
    assert timing.latency_cycles == sum(row.total_cycles for row in timing.layers)
    assert timing.images_per_second == pytest.approx(3 * design.clock_mhz * 1e6 / timing.latency_cycles)
    assert NetworkTiming.from_json(timing.to_json()) == timing


def test_default_design_runs_the_baseline_near_its_bound(export):
    """The acceptance numbers of the layer mapping: <= 12,000 cycles per image at batch 1 and
    within 1.5x of the network's bound; a batch of 8 shares each FC weight read."""
    net = load_network(export)
    one = network_timing(net)
    assert one.latency_cycles <= 12_000 and one.latency_cycles <= 1.5 * one.bound_cycles
    eight = network_timing(net, batch=8)
    assert eight.images_per_second > one.images_per_second
    fc1 = [row for row in eight.layers if row.layer == "fc1"][0]
    assert fc1.bytes["weights"] == 256 * 1568  # read once for the 8 images


def test_a_design_with_other_tiles_is_refused_in_one_line(export):
    with pytest.raises(
        ValueError, match=r"^layer conv1: weights laid out for tiles 32x32x64 .* export again for this design$"
    ):
        network_timing(load_network(export), MatmulDesign(tile_v=16))


def test_run_layers_rejects_an_unknown_engine(export):
    with pytest.raises(ValueError, match=r"run_layers.*engine='gpu'"):
        run_layers(load_network(export), np.zeros((1, 1, 28, 28), np.uint8), engine="gpu")


def test_infer_command_reports_accuracy_agreement_and_cycles(export, capsys):
    from cnnacc.main import main

    assert main(["infer", str(export), "--limit", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["images"] == 300
    assert result["accuracy"] > 0.85 and result["agreement"] >= 0.99
    assert [layer["layer"] for layer in result["layers"]] == ["conv1", "conv2", "fc1", "fc2"]
    assert result["latency_cycles_per_image"] == network_timing(load_network(export)).latency_cycles
    assert result["batch"] == 1 and result["bound_cycles_per_image"] <= result["latency_cycles_per_image"]
    assert result["throughput_images_per_s_simulated"] == pytest.approx(250e6 / result["latency_cycles_per_image"])
    assert all({"bound_cycles", "bytes", "bytes_moved", "orientation"} <= set(layer) for layer in result["layers"])


def test_quantization_study_measures_every_configuration():
    model, card = load_checkpoint("baseline")
    train = load_fashion_mnist("train")
    test = load_fashion_mnist("test")
    test = dataclasses.replace(test, images=test.images[:500], labels=test.labels[:500])
    records = run_study(model, train, test, bits=(8,), progress=False)
    weight_only = [r for r in records if r.activations is None]
    with_activations = [r for r in records if r.activations is not None]
    assert {r.scheme for r in weight_only} == {"symmetric", "asymmetric"}
    assert [(r.activations, r.range, r.activation_range) for r in with_activations] == [
        (8, "full", "full"),
        (8, "mse", "full"),
        (8, "mse", "kl"),
    ]
    # 8-bit full-range asymmetric weights keep the FP32 accuracy within a point on these images
    fp32 = float((predict(model, test) == test.labels).mean())
    best = max(r.accuracy for r in weight_only if r.range == "full")
    assert abs(best - fp32) < 0.01 and card["accuracy"] > 0.9
    assert run_study(model, train, test, bits=(8,), progress=False) == records  # deterministic


def test_infer_refuses_a_design_the_export_is_not_laid_out_for(export, capsys):
    from cnnacc.main import main

    assert main(["infer", str(export), "--limit", "10", "--tile-v", "16"]) == 2
    error = capsys.readouterr().err
    assert (
        error.count("\n") == 1
        and "weights laid out for tiles 32x32x64" in error
        and "tile_v" not in error.split(":")[0]
    )


def test_export_maps_the_layers_for_the_design_given(tmp_path, capsys):
    from cnnacc.main import main

    folder = tmp_path / "export16"
    assert main(["export", str(folder), "--tile-v", "16", "--tile-w", "32", "--json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    assert {(layer["mapping"]["tile_v"], layer["mapping"]["tile_w"]) for layer in layers} == {(16, 32)}
    assert (
        main(["infer", str(folder), "--limit", "20", "--tile-v", "16", "--tile-w", "32", "--batch", "4", "--json"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["batch"] == 4 and result["cycles_per_image"] == result["latency_cycles_per_image"] / 4


def test_cpp_runs_the_mapped_baseline_export_like_numba_on_200_images(export):
    """Every layer's codes, the C++ kernels on the export's tiled device images (sw_emu)
    against the Numba engine, on the first 200 test images."""
    net = load_network(export)
    assert [layer.mapping.orientation for layer in net.layers] == ["weights_a", "weights_a", "weights_b", "weights_b"]
    images = load_fashion_mnist("test").images[:200]
    for start in range(0, 200, 50):
        batch = images[start : start + 50]
        for cpp, fast in zip(run_layers(net, batch, engine="sw_emu"), run_layers(net, batch)):
            np.testing.assert_array_equal(cpp, fast)


def test_per_channel_layers_are_timed_reading_three_words_per_channel():
    """A per-channel layer's call carries (bias, M0, n) per channel on the bias port (the
    kernel's layout_channel_scales): its LoadBias reads three times the words, each call timed
    by the kernel's own model."""
    from simulator.contract.layout import LAYOUT_CHANNEL_SCALES
    from simulator.network.mapping import LayerMapping
    from tests.unit.test_export import per_channel_network

    net, _ = per_channel_network()
    per_layer = dataclasses.replace(
        net,
        layers=tuple(dataclasses.replace(layer, M0=int(layer.M0[0]), n=int(layer.n[0])) for layer in net.layers),
    )
    design = MatmulDesign()
    channel, layer = network_timing(net, design, remap=True), network_timing(per_layer, design, remap=True)
    for row, plain in zip(channel.layers, layer.layers):
        mapping = LayerMapping(row.orientation, design.tile_u, design.tile_v, design.tile_w)
        one = run_matmul_des(design, *row.matmul_shape, bias=True, layout=mapping.layout | LAYOUT_CHANNEL_SCALES)
        assert row.matmul_cycles == row.calls * one.latency_cycles >= plain.matmul_cycles
        assert row.bytes["bias"] == 3 * plain.bytes["bias"]
    # the extra words load while the PE array works on the first tile: never faster, and on these
    # small layers no slower (the requantizer waits for its first accumulator rows either way)
    assert channel.latency_cycles >= layer.latency_cycles
