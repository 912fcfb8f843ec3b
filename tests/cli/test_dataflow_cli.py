"""``cnnacc dataflow`` and ``cnnacc infer --architecture dataflow`` on the shipped models: the
generated C++ equals the Numba engine on every layer's codes of 1,000 test images, and the
baseline meets the design goals (latency, interval, DSPs, static and SimPy agreeing)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from cnnacc.main import main
from compress.data import load_fashion_mnist
from simulator.hardware.dataflow_design import DataflowDesign
from simulator.network.dataflow_run import run_dataflow_layers
from simulator.network.export import load_network
from simulator.network.network import run_layers

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("one_torch_thread")]
IMAGES = 1000


@pytest.fixture(scope="module")
def test_images():
    return np.ascontiguousarray(load_fashion_mnist("test").images[:IMAGES])


@pytest.mark.parametrize("model", ["baseline", "w4a4", "search_90"])
def test_a_shipped_model_runs_bit_exactly_on_its_generated_dataflow_cpp(model, tmp_path, capsys, test_images):
    export, project = tmp_path / "export", tmp_path / "project"
    assert main(["export", str(export), "--model", model]) == 0
    capsys.readouterr()
    assert main(["dataflow", str(export), "--out", str(project), "--json"]) == 0
    result = _printed_estimate(capsys, project)
    net = load_network(export)
    design = DataflowDesign.from_json(result["design"])
    for cpp, fast in zip(run_dataflow_layers(net, design, test_images), run_layers(net, test_images)):
        assert_array_equal(cpp, fast)
    static = result["static"]
    assert abs(result["latency_cycles"] / static["latency_cycles"] - 1) <= 0.05
    assert abs(result["interval_cycles"] / static["interval_cycles"] - 1) <= 0.05
    assert result["resources"]["fits"]
    if model == "baseline":  # the design goals of the dataflow accelerator
        assert result["latency_cycles"] <= 1000
        assert result["interval_cycles"] <= 300
        assert result["resources"]["utilization_percent"]["dsp"] <= 50
        assert {"network.cpp", "network.hpp", "hls_config.cfg", "folding.json"} <= {p.name for p in project.iterdir()}


def _printed_estimate(capsys, project) -> dict:
    """The estimate the command printed as JSON, the one its folding.json holds."""
    found = json.loads(capsys.readouterr().out)
    assert found["design"] == json.loads((project / "folding.json").read_text())["design"]
    return found


def test_infer_on_the_dataflow_architecture_and_a_one_line_refusal(tmp_path, capsys):
    export = tmp_path / "export"
    assert main(["export", str(export), "--model", "w4a4"]) == 0
    capsys.readouterr()
    assert main(["infer", str(export), "--architecture", "dataflow", "--limit", "200", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["architecture"] == "dataflow" and result["agreement"] == 1.0
    assert result["dataflow"]["interval_cycles"] > 0
    assert main(["dataflow", str(export), "--out", str(tmp_path / "never"), "--target-interval", "2"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no folding meets an interval of 2 cycles" in error
    assert not (tmp_path / "never").exists()
