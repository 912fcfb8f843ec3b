"""cnnacc prune / search / export: help, one-line errors, JSON outputs on tiny fixtures."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from cnnacc import main as cli
from compress.checkpoint import save_checkpoint
from compress.export import load_weights
from compress.model import Architecture, MyConvNet
from reports.pruning import pruning_results, pruning_section
from tests.report.checks import untraced_numbers
from tests.unit.test_data import write_fashion

TINY = Architecture(conv_channels=(4, 8), fc_hidden=(16,))


@pytest.fixture(autouse=True)
def commands():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tiny(tmp_path):
    """A data folder of random images and a tiny checkpoint."""
    write_fashion(tmp_path, n_train=300, n_test=40)
    torch.manual_seed(0)
    save_checkpoint(MyConvNet(TINY), tmp_path / "tiny", {"accuracy": 0.1})
    return tmp_path


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", ["prune", "search", "trim", "export"])
def test_help_gives_every_option_a_default_or_a_meaning(capsys, command):
    with pytest.raises(SystemExit) as info:
        cli.build_parser().parse_args([command, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in {
        "prune": ["--fraction", "--threshold", "--multiple", "--epochs", "(default l1)"],
        "search": ["--target", "(default 0.80 0.85 0.90)", "--json", "--threads"],
        "trim": ["MODEL", "--steps", "(default 8)", "--learned-steps", "--retries"],
        "export": ["PATH", "--model", "(default: baseline)"],
    }[command]:
        assert option in text


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["prune", "--fraction", "1.5"], "1.5 is out of range; expected a fraction in [0, 1)"),
        (["prune"], "give exactly one of --fraction and --threshold"),
        (["prune", "--fraction", "0.5", "--threshold", "1"], "give exactly one of --fraction and --threshold"),
        (["prune", "--threshold", "-1"], "threshold=-1.0 is out of range"),
        (["prune", "--scope", "global", "--fraction", "0.1", "0.2"], "global pruning takes one fraction"),
        (["prune", "--target", "rows", "--fraction", "0.5"], "invalid choice: 'rows'"),
        (["search", "--target", "1.5"], "expected an accuracy in [0.1, 1)"),
        (["search", "--margin", "0.9"], "margin=0.9 is out of range"),
        (["export", "out", "--model", "no-such-model"], "shipped checkpoints"),
    ],
    ids=[
        "fraction-range",
        "no-selection",
        "both-selections",
        "negative-threshold",
        "global-fractions",
        "bad-target",
        "search-target",
        "search-margin",
        "export-missing-model",
    ],
)
def test_bad_input_gives_one_line_error(capsys, tiny, args, fragment):
    with pytest.raises(SystemExit) as info:
        raise SystemExit(cli.main(args + (["--data-dir", str(tiny)] if args[0] != "search" else [])))
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_prune_json_reports_compacted_and_naive_sizes(capsys, tiny):
    code, out, _ = run(
        capsys,
        "prune",
        "--model",
        tiny / "tiny",
        "--fraction",
        "0.5",
        "0.5",
        "0.25",
        "--epochs",
        "1",
        "--output",
        tiny / "small",
        "--data-dir",
        tiny,
        "--json",
        "--quiet",
    )
    assert code == 0
    result = json.loads(out)
    assert result["kept"] == {"conv1": 2, "conv2": 4, "fc1": 12}
    assert result["architecture"]["conv_channels"] == [2, 4] and result["test_images"] == 40
    assert result["size_kb"] < result["naive_size_kb"]
    assert result["max_abs_difference_masked_vs_compacted"] <= 1e-5
    assert (tiny / "small.pt").is_file() and json.loads((tiny / "small.json").read_text())["size_kb"] > 0


def test_prune_sensitivity_json_has_a_curve_per_width(capsys, tiny):
    code, out, _ = run(
        capsys,
        "prune",
        "--sensitivity",
        "--model",
        tiny / "tiny",
        "--fraction",
        "0.5",
        "--target",
        "channel",
        "--data-dir",
        tiny,
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert set(result["curves"]) == {"conv1", "conv2", "fc1"} and result["fractions"] == [0.5]
    for curve in result["curves"].values():  # one test accuracy per fraction, of a 10-class model
        assert len(curve) == 1 and 0.0 <= curve[0] <= 1.0


def test_search_json_then_export_of_a_chosen_model(capsys, tiny, monkeypatch):
    small = dict(
        validation_images=100, ranking_images=100, calibration_images=32, max_steps=1, batch_size=32, bit_levels=(8, 4)
    )
    from compress import shipping  # the command imports its search when it runs

    real = shipping.search_and_ship

    def small_search(config, **options):  # the full-size slices do not fit 300 images
        assert config.targets == (0.1,) and config.step_images == 128 and config.final_epochs == 0
        assert config.trim == 1 and config.trim_retries == 2
        return real(dataclasses.replace(config, **small), **options)

    monkeypatch.setattr(shipping, "search_and_ship", small_search)
    code, out, _ = run(
        capsys,
        "search",
        "--baseline",
        tiny / "tiny",
        "--target",
        "0.1",
        "--prune-target",
        "0.1",
        "--step-images",
        "128",
        "--final-epochs",
        "0",
        "--trim",
        "1",
        "--trim-retries",
        "2",
        "--margin",
        "-0.1",
        "--output-dir",
        tiny / "models",
        "--data-dir",
        tiny,
        "--json",
        "--quiet",
    )
    assert code == 0
    records = {r["name"]: r for r in json.loads(out)}
    assert set(records) == {"pruned_10", "pruned_filter_10", "pruned_channel_10", "search_10"}
    for record in records.values():
        assert record["found"]
        for key in ("target", "accuracy", "size_kb", "naive_size_kb", "conv_channels", "fc_hidden", "weight_bits"):
            assert key in record
        assert record["size_kb"] <= record["naive_size_kb"]
    curves = json.loads((tiny / "models" / "search_curves.json").read_text())
    assert set(curves["curves"]) == {"pruning", "filter", "channel", "quantization", "combined"}
    card = json.loads((tiny / "models" / "search_10.json").read_text())
    results = pruning_results(data_dir=tiny, models_dir=tiny / "models")
    assert results["models"]["search_10"]["accuracy"] == card["accuracy"]  # re-evaluation reproduces the search
    assert results["models"]["search_10"]["size_kb"] == card["size_kb"]
    section = pruning_section(results)
    for marker in ("**Task 1 (structured pruning", "**Task 2a", "**Task 2b", "**Step 3"):
        assert marker in section.body
    assert untraced_numbers(section.body, {"pruning": section.results}) == []
    assert set(section.figures) == {"pruning_pareto", "pruning_sensitivity"}
    code, out, _ = run(
        capsys, "export", tiny / "export", "--model", tiny / "models" / "search_10", "--data-dir", tiny, "--json"
    )
    assert code == 0 and json.loads(out)["weight_bits"] == card["weight_bits"]
    net = load_weights(tiny / "export")
    assert [layer.weight_bits for layer in net.layers] == card["weight_bits"]
    assert [layer.out_features for layer in net.layers[:3]] == card["conv_channels"] + card["fc_hidden"]
    assert all(int(layer.weight_q.max()) < 2**layer.weight_bits for layer in net.layers)

    # cnnacc trim continues the search's trim from the card (the goal, target - 0.1, admits every step)
    before = json.loads((tiny / "models" / "search_10.json").read_text())
    tried_before = len({c["name"]: c for c in curves["chosen"]}["search_10"]["tried"])
    args = ["--steps", "1", "--retries", "1", "--epochs", "1", "--learned-steps", "--models-dir", tiny / "models"]
    code, out, _ = run(capsys, "trim", "search_10", *args, "--data-dir", tiny, "--json", "--quiet")
    assert code == 0
    result = json.loads(out)
    after = json.loads((tiny / "models" / "search_10.json").read_text())
    (entry,) = after["trims"]
    assert entry["start"]["val_accuracy"] == before["val_accuracy"] and entry["start"]["size_kb"] == before["size_kb"]
    assert (entry["trim"], entry["trim_retries"], entry["final_epochs"], entry["learned_steps"]) == (1, 1, 1, True)
    assert result["kept_step"] and len(entry["tried"]) == 1 and entry["tried"][0]["qualified"]
    assert after["size_kb"] < before["size_kb"] and after["action"].startswith(before["action"] + "; trim: ")
    assert after["search"] == before["search"]  # the search's own settings stay as they were
    curves_after = json.loads((tiny / "models" / "search_curves.json").read_text())
    chosen = {c["name"]: c for c in curves_after["chosen"]}["search_10"]
    assert len(chosen["tried"]) == tried_before + 1 and chosen["size_kb"] == after["size_kb"]
    results = pruning_results(data_dir=tiny, models_dir=tiny / "models")
    assert results["models"]["search_10"]["accuracy"] == after["accuracy"]  # re-evaluation reproduces the trim
    section = pruning_section(results)
    assert untraced_numbers(section.body, {"pruning": section.results}) == []
    assert "search_10 was then trimmed further by `cnnacc trim search_10`" in section.body
    assert "kept 1 of the 1 steps it fine-tuned" in section.body and "learned grid" in section.body
    code, _, err = run(capsys, "trim", "pruned", *args, "--data-dir", tiny)
    assert code == 2 and "pruned" in err and "search_<target>" in err


def test_export_of_a_float_checkpoint_takes_bits_from_the_command_line(capsys, tiny):
    code, _, _ = run(
        capsys, "export", tiny / "out", "--model", tiny / "tiny", "--bits", "8", "6", "4", "8", "--data-dir", tiny
    )
    assert code == 0
    assert [layer.weight_bits for layer in load_weights(tiny / "out").layers] == [8, 6, 4, 8]
    assert np.isfinite([layer.weight_scale for layer in load_weights(tiny / "out").layers]).all()
