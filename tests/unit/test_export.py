"""save_weights -> load_weights round trip, and refusal of damaged exports."""

import json

import numpy as np
import pytest
import torch

from compress.model import Architecture, MyConvNet
from simulator.contract.packing import unpack_codes
from simulator.network.export import ExportError, load_network
from simulator.network.mapping import device_weights
from simulator.network.network import run_network


@pytest.fixture
def exported(tmp_path):
    torch.manual_seed(0)
    model = MyConvNet(Architecture(conv_channels=(3, 5), fc_hidden=(7,)))
    images = (np.random.default_rng(0).random((8, 1, 28, 28)) ** 2 * 255).astype(np.uint8)
    net = model.save_weights(tmp_path / "export", calibration=images, weight_bits=[8, 4, 6, 8])
    return net, tmp_path / "export", images


def test_round_trip_is_exact(exported):
    net, folder, images = exported
    loaded = load_network(folder)
    assert [layer.name for layer in loaded.layers] == ["conv1", "conv2", "fc1", "fc2"]
    for a, b in zip(net.layers, loaded.layers):
        np.testing.assert_array_equal(a.weight_q, b.weight_q)
        np.testing.assert_array_equal(a.bias_q, b.bias_q)
        assert (a.M0, a.n, a.input_scale, a.output_zero_point, a.weight_bits) == (
            b.M0,
            b.n,
            b.input_scale,
            b.output_zero_point,
            b.weight_bits,
        )
    np.testing.assert_array_equal(run_network(loaded, images), run_network(net, images))


def test_export_writes_header_and_golden_vectors(exported):
    net, folder, images = exported
    header = (folder / "network.h").read_text()
    assert f"conv1_M0 = {net.layers[0].M0}u" in header and "fc2_bias_q[10]" in header
    with np.load(folder / "golden.npz") as golden:
        np.testing.assert_array_equal(golden["fc2"], run_network(net, golden["input"]))


def test_truncated_weights_are_refused(exported):
    _, folder, _ = exported
    data = (folder / "weights.npz").read_bytes()
    (folder / "weights.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportError, match="SHA-256"):
        load_network(folder)


def test_tampered_array_is_refused_even_with_a_matching_file_hash(exported):
    _, folder, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    with np.load(folder / "weights.npz") as data:
        arrays = {k: data[k].copy() for k in data.files}
    arrays["conv1.weight_device"][0] ^= 1
    np.savez(folder / "weights.npz", **arrays)
    import hashlib

    manifest["weights_sha256"] = hashlib.sha256((folder / "weights.npz").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ExportError, match="conv1.weight_device SHA-256"):
        load_network(folder)


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (lambda m: m.update(format_version=99), "version 99"),
        (lambda m: m["layers"][0]["arrays"]["weight_device"].update(shape=[1, 2]), "the manifest says"),
        (lambda m: m["layers"][2]["mapping"].update(tile_w=16), "the layout does not match the manifest"),
        (lambda m: m["layers"][3]["mapping"].update(orientation="weights_a"), "the layout does not match the manifest"),
        (lambda m: m["layers"][3]["mapping"].update(orientation="rows"), "orientation 'rows' is not one of"),
        (lambda m: m["layers"][1].pop("M0"), "missing or malformed field"),
        (lambda m: m.update(layer_order=["fc2"]), "layer_order"),
    ],
    ids=["version", "shape", "tiles", "orientation", "unknown-orientation", "missing-field", "order"],
)
def test_mismatched_manifest_is_refused(exported, edit, fragment):
    _, folder, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ExportError, match=fragment):
        load_network(folder)


def test_export_stores_each_layer_as_its_mapping_lays_it_out(exported):
    net, folder, images = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    with np.load(folder / "weights.npz") as data:
        for layer, entry in zip(net.layers, manifest["layers"]):
            assert entry["mapping"] == layer.mapping.to_json()
            image = device_weights(layer.mapping, layer.weight_matrix)
            if layer.weight_bits < 8:  # stored packed, weight_bits bits per code
                stored = data[f"{layer.name}.weight_packed"]
                assert stored.size == -(-image.size * layer.weight_bits // 8)
                assert entry["packed"] == {"array": "weight_device", "shape": list(image.shape)}
                np.testing.assert_array_equal(unpack_codes(stored, layer.weight_bits, image.size), image)
            else:
                np.testing.assert_array_equal(data[f"{layer.name}.weight_device"], image)
    assert [layer.weight_bits for layer in net.layers] == [8, 4, 6, 8]
    assert [layer.mapping.orientation for layer in net.layers][:2] == ["weights_a", "weights_a"]
    header = (folder / "network.h").read_text()
    assert f"fc1_layout = {net.layers[2].mapping.layout};" in header and "fc1_weight_device[" in header


def test_non_zero_padding_is_refused_as_a_layout_mismatch(exported):
    net, folder, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    with np.load(folder / "weights.npz") as data:
        arrays = {k: data[k].copy() for k in data.files}
    # fc2 (10 x 7) as weights_b pads W^T's rows of 10 bytes to tile_w: the last byte is padding
    assert net.layers[3].mapping.orientation == "weights_b"
    arrays["fc2.weight_device"][-1] = 1
    np.savez(folder / "weights.npz", **arrays)
    import hashlib

    manifest["layers"][3]["arrays"]["weight_device"]["sha256"] = hashlib.sha256(
        arrays["fc2.weight_device"].tobytes()
    ).hexdigest()
    manifest["weights_sha256"] = hashlib.sha256((folder / "weights.npz").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ExportError, match=r"non-zero padding\); the layout does not match the manifest$"):
        load_network(folder)


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(ExportError, match="not found"):
        load_network(tmp_path / "nothing")


def per_channel_network():
    from compress.observe import QuantSpec
    from compress.quantize import build_integer_network

    torch.manual_seed(1)
    model = MyConvNet(Architecture(conv_channels=(3, 5), fc_hidden=(7,)))
    images = (np.random.default_rng(1).random((16, 1, 28, 28)) ** 2 * 255).astype(np.uint8)
    spec = QuantSpec(scheme="symmetric", bits=4, range="mse")
    net = build_integer_network(model, images, weight_spec=spec, activation_spec=QuantSpec(), granularity="channel")
    return net, images


def test_per_channel_multipliers_round_trip_and_a_wrong_count_is_refused(tmp_path):
    from compress.export import export_network

    net, images = per_channel_network()
    export_network(net, tmp_path / "export", images[:2])
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert [len(entry["M0"]) for entry in manifest["layers"]] == [3, 5, 7, 10]
    loaded = load_network(tmp_path / "export")
    for a, b in zip(net.layers, loaded.layers):
        np.testing.assert_array_equal(a.M0, b.M0)
        np.testing.assert_array_equal(a.n, b.n)
        np.testing.assert_array_equal(a.weight_scale, b.weight_scale)
    np.testing.assert_array_equal(run_network(loaded, images), run_network(net, images))
    header = (tmp_path / "export" / "network.h").read_text()
    assert "conv2_M0[5]" in header and "fc1_n[7]" in header
    manifest["layers"][1]["n"] = manifest["layers"][1]["n"][:4]
    (tmp_path / "export" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ExportError, match="n holds 4 values; expected one or 5"):
        load_network(tmp_path / "export")
