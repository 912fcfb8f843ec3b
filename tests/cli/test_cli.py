"""The command line: one-line errors, non-zero exit, no traceback; JSON outputs."""

import json
import subprocess
import sys

import numpy as np
import pytest

from cnnacc.main import main
from tests.unit.test_data import write_fashion


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cnnacc", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["train", "--epochs", "-3"], "-3 is out of range"),
        (["train", "--epochs", "many"], "'many' is not an integer"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["evaluate", "--model", "no-such-model"], "shipped checkpoints"),
        (["quantize", "--bits", "17"], "bits=17 is out of range"),
        (["quantize", "--study", "--bits", "1"], "bits=1 is out of range"),
        (["quantize", "--scheme", "log"], "scheme='log'"),
        (["quantize", "--percentile", "40"], "percentile=40.0"),
        (["quantize", "--granularity", "tensor"], "granularity='tensor'"),
        (["infer", "/nonexistent/export"], "not found"),
        (["infer", "x", "--engine", "gpu"], "engine='gpu'"),
    ],
    ids=[
        "unknown-option",
        "negative-epochs",
        "non-numeric-epochs",
        "unknown-command",
        "unknown-model",
        "bits-high",
        "study-bits-low",
        "scheme",
        "percentile",
        "granularity",
        "missing-export",
        "engine",
    ],
)
def test_bad_input_gives_one_line_error(capsys, args, fragment):
    with pytest.raises(SystemExit) as info:
        code = main(args)
        raise SystemExit(code)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_missing_data_folder_is_one_line_without_traceback(tmp_path):
    result = run_cli("evaluate", "--data-dir", str(tmp_path / "absent"))
    assert result.returncode == 2
    assert "Fashion-MNIST folder not found" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_corrupted_idx_is_one_line_without_traceback(tmp_path):
    write_fashion(tmp_path, **{"t10k-labels-idx1-ubyte.gz": b"\x00\x00\x08\x01\x00\x00\x00\x09\x01"})
    result = run_cli("evaluate", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "t10k-labels-idx1-ubyte.gz" in result.stderr and "Traceback" not in result.stderr


COMMANDS = (
    "train",
    "evaluate",
    "quantize",
    "infer",
    "dataflow",
    "prune",
    "search",
    "trim",
    "budget-study",
    "export",
    "import",
    "simulate",
    "hls-estimate",
    "vitis-project",
    "sweep",
    "report",
    "archive",
)


def test_help_explains_every_command():
    """The top-level help lists every command, and every command's own --help runs."""
    from cnnacc.main import build_parser

    result = run_cli("--help")
    assert result.returncode == 0
    subparsers = next(a for a in build_parser()._actions if a.choices and "train" in a.choices)
    assert set(subparsers.choices) == set(COMMANDS)
    for command in COMMANDS:
        assert command in result.stdout
        with pytest.raises(SystemExit) as done:
            build_parser().parse_args([command, "--help"])
        assert done.value.code == 0


def test_evaluate_json_reports_the_accuracy_of_the_shipped_card(capsys):
    from compress.checkpoint import load_checkpoint

    assert main(["evaluate", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    _, card = load_checkpoint("baseline")
    assert result["images"] == card["test_images"] == 10000
    assert result["accuracy"] == card["accuracy"]


def test_train_writes_a_checkpoint_and_card(tmp_path, capsys):
    write_fashion(tmp_path, n_train=64, n_test=16)
    stem = tmp_path / "tiny"
    argv = ["train", "--epochs", "1", "--data-dir", str(tmp_path), "--output", str(stem), "--json", "--quiet"]
    assert main(argv) == 0
    card = json.loads(capsys.readouterr().out)
    assert (tmp_path / "tiny.pt").is_file() and json.loads((tmp_path / "tiny.json").read_text())["epochs"] == 1
    assert card["test_images"] == 16


def test_quantization_aware_training_ships_a_checkpoint_whose_card_rebuilds_its_integer_network(tmp_path, capsys):
    from compress.quantize_commands import evaluate_low_bit

    write_fashion(tmp_path, n_train=120, n_test=16)
    stem = tmp_path / "w4a4"
    argv = ["quantize", "--qat", "1", "--bits", "4", "--activations", "4", "--data-dir", str(tmp_path)]
    assert main([*argv, "--output", str(stem), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (card["weight_bits"], card["activation_bits"], card["edge_bits"], card["test_images"]) == (4, 4, 8, 16)
    intervals = card["activation_intervals"]
    assert intervals[-1] is None and all(lo == 0 < hi for lo, hi in intervals[:-1])  # learned PACT bounds
    again = evaluate_low_bit(str(stem), data_dir=tmp_path)
    assert again["accuracy"] == card["accuracy"]  # the card alone rebuilds the same integer network


@pytest.mark.slow
def test_a_three_conv_network_on_cifar10_format_data_trains_exports_imports_and_runs_on_the_accelerator(
    tmp_path, capsys
):
    from tests.unit.test_data import write_cifar

    (tmp_path / "cifar").mkdir()
    write_cifar(tmp_path / "cifar", per_batch=24)
    data = ["--data-dir", str(tmp_path / "cifar")]
    stem = tmp_path / "tiny"
    arch = "c8,p,c8,p,c8,p,f16,f10"
    argv = [
        "train",
        "--arch",
        arch,
        "--dataset",
        "cifar10",
        "--epochs",
        "1",
        "--output",
        str(stem),
        "--json",
        "--quiet",
    ]
    assert main([*argv, *data]) == 0
    card = json.loads(capsys.readouterr().out)
    assert (card["arch"], card["dataset"]) == (arch, "cifar10")
    assert json.loads((tmp_path / "tiny.json").read_text())["architecture"]["in_channels"] == 3
    assert main(["export", str(tmp_path / "export"), "--model", str(stem), "--onnx", *data]) == 0
    assert main(["import", str(tmp_path / "export" / "model.onnx"), str(tmp_path / "imported")]) == 0
    capsys.readouterr()
    results = []
    for folder in ("export", "imported"):  # the simulated accelerator runs both, with the same codes
        assert main(["infer", str(tmp_path / folder), "--dataset", "cifar10", "--json", *data]) == 0
        results.append(json.loads(capsys.readouterr().out))
    assert (
        results[0]["images"] == 24
        and [[layer["layer"] for layer in r["layers"]] for r in results]
        == [["conv1", "conv2", "conv3", "fc1", "fc2"]] * 2
    )
    assert results[0]["accuracy"] == results[1]["accuracy"] and results[0]["cycles_per_image"] > 0
    from simulator.network.export import load_network
    from simulator.network.network import run_network

    images = np.random.default_rng(0).integers(0, 256, (8, 3, 32, 32), dtype=np.uint8)
    np.testing.assert_array_equal(
        run_network(load_network(tmp_path / "export"), images), run_network(load_network(tmp_path / "imported"), images)
    )
