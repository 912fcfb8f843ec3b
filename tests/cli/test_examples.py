"""examples/: every command of examples/README.md, run from the repository root as written there
($OUT a scratch folder), and what each should print or write."""

from __future__ import annotations

import csv
import json
import pickle
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
README = (EXAMPLES / "README.md").read_text()

SWEEP = {
    suffix: f".venv/bin/cnnacc sweep examples/sweep_tiles.{suffix} --scheduler synchronous --quiet "
    f"--out $OUT/sweep_{suffix}.csv"
    for suffix in ("json", "toml")
}
SWEEP_DESIGNS = 3 * 4 * 2  # tile_u x tile_w x buffering
HLS_PROJECT = ".venv/bin/cnnacc hls-estimate examples/hls_project --json"
HLS_FILE = (
    ".venv/bin/cnnacc hls-estimate examples/hls_project/scale_add.cpp --top scale_add --clock-ns 4 "
    "--source-part xcvu9p-flga2104-2-e --flow vitis --json"
)
NETWORK = [
    ".venv/bin/python examples/make_synthetic_cifar.py $OUT/cifar",
    ".venv/bin/cnnacc train --arch c8,p,c16,p,f10 --dataset cifar10 --data-dir $OUT/cifar --epochs 20 "
    "--output $OUT/net --quiet",
    ".venv/bin/cnnacc export $OUT/export --model $OUT/net --data-dir $OUT/cifar",
    ".venv/bin/cnnacc infer $OUT/export --dataset cifar10 --data-dir $OUT/cifar",
]
PROGRAMS = {".venv/bin/cnnacc": [sys.executable, "-m", "cnnacc"], ".venv/bin/python": [sys.executable]}


def run_example(command: str, out: Path, *extra: str) -> str:
    """One command of examples/README.md (checked to be there, word for word) with $OUT bound to
    ``out``, run from the repository root; its standard output."""
    assert command in " ".join(README.split()), f"examples/README.md no longer says: {command}"
    program, *args = shlex.split(command.replace("$OUT", str(out)))
    result = subprocess.run([*PROGRAMS[program], *args, *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    return result.stdout


def read_table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_sweep_json_and_toml_specs_give_the_same_designs(tmp_path):
    outputs = {suffix: run_example(command, tmp_path) for suffix, command in SWEEP.items()}
    tables = {suffix: read_table(tmp_path / f"sweep_{suffix}.csv") for suffix in SWEEP}
    assert tables["json"] == tables["toml"]
    assert (tmp_path / "sweep_json.csv").read_bytes() == (tmp_path / "sweep_toml.csv").read_bytes()
    rows = tables["json"]
    assert len(rows) == SWEEP_DESIGNS
    assert {(r["tile_u"], r["tile_w"], r["buffering"]) for r in rows} == {
        (str(u), str(w), b) for u in (16, 32, 64) for w in (16, 32, 48, 64) for b in ("single", "ping_pong")
    }
    assert all(r["buildable"] == "True" and int(r["latency_cycles"]) > 0 and int(r["dsp"]) > 0 for r in rows)
    assert len({r["latency_cycles"] for r in rows}) > 1  # the tiles change the estimate
    for suffix, stdout in outputs.items():
        assert stdout.startswith(f"{SWEEP_DESIGNS} designs ({SWEEP_DESIGNS} buildable)")
        assert (tmp_path / f"sweep_{suffix}.png").read_bytes().startswith(b"\x89PNG")


def loops(estimate: dict) -> list[tuple]:
    return [
        (n["name"], n["kind"], n["trip_count"], n["pipeline_ii"], n["iteration_latency"], n["latency_cycles"])
        for n in estimate["nodes"]
    ]


def test_hls_project_reads_as_its_source_with_the_project_settings(tmp_path):
    project = json.loads(run_example(HLS_PROJECT, tmp_path))
    source = json.loads(run_example(HLS_FILE, tmp_path))
    assert project["top"] == "scale_add" and project["project"].endswith("hls_config.cfg")
    (loop,) = [n for n in project["nodes"] if n["name"] == "SCALE_ADD"]
    assert loop["kind"] == "pipelined" and loop["trip_count"] == 64 and loop["pipeline_ii"] == 1
    assert loop["iteration_latency"] >= 1 and loop["latency_cycles"] >= 64
    assert project["latency_cycles"] >= loop["latency_cycles"]
    assert {(b["port"], b["inferred"], b["length"]) for b in project["bursts"]} == {
        ("x", True, 64),
        ("y", True, 64),
        ("out", True, 64),
    }
    assert project["conflicts"] == [] and project["warnings"] == []
    for key in ("latency_cycles", "interval_cycles", "tool"):
        assert project[key] == source[key], key
    assert loops(project) == loops(source)
    # the project's 4 ns clock was read: the default 10 ns gives a shorter iteration
    slower = json.loads(run_example(HLS_FILE, tmp_path, "--clock-ns", "10"))  # the last --clock-ns wins
    (slow_loop,) = [n for n in slower["nodes"] if n["name"] == "SCALE_ADD"]
    assert slow_loop["iteration_latency"] < loop["iteration_latency"]


def test_synthetic_cifar_is_deterministic_cifar10_batches(tmp_path):
    sys.path.insert(0, str(EXAMPLES))
    try:
        from make_synthetic_cifar import write_dataset
    finally:
        sys.path.remove(str(EXAMPLES))
    first, second = write_dataset(tmp_path / "a", 6, 4), write_dataset(tmp_path / "b", 6, 4)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    with open(first / "data_batch_1", "rb") as handle:
        batch = pickle.load(handle, encoding="bytes")
    assert batch[b"data"].shape == (6, 3072) and str(batch[b"data"].dtype) == "uint8"
    assert sorted(batch[b"labels"]) == list(range(6))  # every class equally often (as far as 6 go)
    assert (
        write_dataset(tmp_path / "c", 6, 4, seed=1).joinpath("test_batch").read_bytes()
        != (first / "test_batch").read_bytes()
    )


def test_network_on_synthetic_cifar_trains_exports_and_infers(tmp_path):
    make, train, export, infer = NETWORK
    assert "300 training and 100 test images" in run_example(make, tmp_path)
    stdout = run_example(train, tmp_path)
    card = json.loads((tmp_path / "net.json").read_text())
    assert card["dataset"] == "cifar10" and card["arch"] == "c8,p,c16,p,f10"
    assert card["train_images"] + card["validation"]["images"] == 300 and card["test_images"] == 100
    assert 0.0 <= card["accuracy"] <= 1.0
    assert re.search(rf"accuracy {card['accuracy']:.4f}, saved ", stdout)
    assert card["accuracy"] > 0.5  # ten classes: chance is 0.1, and the classes are easy to tell apart
    run_example(export, tmp_path)
    assert (tmp_path / "export" / "manifest.json").is_file()
    result = json.loads(run_example(infer, tmp_path, "--json"))
    assert result["images"] == 100
    assert 0.0 <= result["accuracy"] <= 1.0 and result["accuracy"] > 0.5
    assert result["agreement"] > 0.9  # the integer network against the PyTorch model of the same export
    assert [layer["layer"] for layer in result["layers"]] == ["conv1", "conv2", "fc1"]
    assert all(layer["matmul_cycles"] > 0 for layer in result["layers"])
    assert result["latency_cycles_per_image"] > 0
