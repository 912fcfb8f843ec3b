"""Design-space sweeps on Dask (simulator/explore/sweep.py, cnnacc sweep): the same table on every
scheduler, a killed worker costs nothing, bad SPECs are one line."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from cnnacc.main import main
from simulator.explore.sweep import SpecError, parse_spec, read_spec, run_sweep
from simulator.hardware.designs import MatmulDesign
from simulator.timing.units.matmul import analytic_matmul, run_matmul_des
from simulator.timing.units.source_depths import reference_readings

SPEC = {
    "shape": [40, 24, 48],
    "fields": {"tile_u": [8, 16], "tile_w": {"min": 16, "max": 48, "step": 16}, "axi_width_bits": [128, 512]},
}
BIN = Path(sys.executable).parent


def test_rows_are_the_models_numbers_in_design_order():
    spec = parse_spec(SPEC)
    assert spec.size == 12
    rows = run_sweep(spec, scheduler="synchronous", chunk=5).rows
    assert [(r["tile_u"], r["tile_w"], r["axi_width_bits"]) for r in rows][:3] == [
        (8, 16, 128),
        (8, 16, 512),
        (8, 32, 128),
    ]
    with reference_readings():  # the sweep's default depths: the reference build's
        for row in rows[::5]:
            design = MatmulDesign(tile_u=row["tile_u"], tile_w=row["tile_w"], axi_width_bits=row["axi_width_bits"])
            assert row["latency_cycles"] == analytic_matmul(design, 40, 24, 48).latency_cycles
        des = run_sweep(parse_spec(SPEC | {"model": "des"}), scheduler="synchronous").rows
        design = MatmulDesign(tile_u=8, tile_w=16, axi_width_bits=128)
        assert des[0]["latency_cycles"] == run_matmul_des(design, 40, 24, 48).latency_cycles
    # depths "source": each design's own C++ read (one build here)
    own = parse_spec(SPEC | {"fields": {"tile_u": [8]}, "depths": "source"})
    design = MatmulDesign(tile_u=8)
    row = run_sweep(own, scheduler="synchronous").rows[0]
    assert row["latency_cycles"] == analytic_matmul(design, 40, 24, 48).latency_cycles


def test_random_sampling_is_seeded():
    spec = parse_spec(SPEC | {"sampling": "random", "samples": 7, "seed": 3})
    assert list(spec.designs()) == list(parse_spec(SPEC | {"sampling": "random", "samples": 7, "seed": 3}).designs())
    assert list(spec.designs()) != list(parse_spec(SPEC | {"sampling": "random", "samples": 7, "seed": 4}).designs())


@pytest.mark.parametrize("sampling", ["grid", "random"])
def test_any_span_of_designs_is_decoded_alone_the_same_whatever_the_chunking(sampling):
    spec = parse_spec(
        {
            "shape": [40, 24, 48],
            "sampling": sampling,
            "samples": 3000,
            "fields": {"tile_u": [8, 16, 32], "tile_w": {"min": 16, "max": 64, "step": 16}, "requant_lanes": [8, 64]},
        }
    )
    whole = spec.designs()
    assert len(whole) == spec.size
    if sampling == "grid":
        lanes, tiles_w = (8, 64), (16, 32, 48, 64)
        assert whole == [
            {"tile_u": a, "tile_w": b, "requant_lanes": c} for a in (8, 16, 32) for b in tiles_w for c in lanes
        ]
    else:  # seeded blocks of 1024: spans across block edges decode alone
        assert len({tuple(d.values()) for d in whole}) == 24
    for start, stop in ((0, 1), (5, 17), (1000, 1030), (1023, 2049), (spec.size - 3, spec.size + 9)):
        assert spec.designs(start, stop) == whole[start:stop]
    small = parse_spec({"shape": [40, 24, 48], "sampling": sampling, "samples": 30, "fields": spec.fields})
    assert run_sweep(small, scheduler="synchronous", chunk=7).rows == run_sweep(small, scheduler="synchronous").rows


@pytest.mark.parametrize(
    "edit, fragment",
    [
        ({"fields": {"tile_q": [1]}}, "unknown field 'tile_q'; the design fields are ["),
        ({"fields": {"tile_u": [0, 8]}}, "field tile_u: 0 is out of range; allowed [1, 256]"),
        ({"fields": {"tile_u": {"min": 32, "max": 16}}}, "field tile_u: the range is empty"),
        ({"fields": {"buffering": ["triple"]}}, "field buffering: 'triple' is not one of"),
        ({"shape": [40, 24, 0]}, "shape w = 0 is out of range; allowed [1, 4096]"),
        ({"model": "spice"}, "model 'spice' is not one of"),
        ({"depths": "guessed"}, "depths 'guessed' is not one of"),
        ({"colour": 1}, "unknown key 'colour'"),
    ],
)
def test_a_bad_spec_is_one_line_naming_the_field_and_its_range_and_writes_nothing(tmp_path, capsys, edit, fragment):
    with pytest.raises(SpecError) as error:
        parse_spec(SPEC | edit)
    assert fragment in str(error.value)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC | edit))
    assert main(["sweep", str(path), "--out", str(tmp_path / "out.csv"), "--scheduler", "synchronous"]) == 2
    assert fragment in capsys.readouterr().err and not (tmp_path / "out.csv").exists()


def test_toml_specs_read_like_json(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text('shape = [40, 24, 48]\nmodel = "analytic"\n[fields]\ntile_u = [8, 16]\n')
    assert read_spec(path).size == 2


@pytest.mark.slow
def test_cli_writes_the_same_table_on_a_local_cluster_as_synchronously(tmp_path, capsys):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    tables = []
    for scheduler in ("synchronous", "local"):
        out = tmp_path / f"{scheduler}.csv"
        argv = ["sweep", str(path), "--out", str(out), "--scheduler", scheduler, "--workers", "2", "--chunk", "3"]
        assert main([*argv, "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["designs"] == 12 and summary["tasks"] == 4 and out.with_suffix(".png").is_file()
        tables.append(out.read_text())
    assert tables[0] == tables[1]


def small_search(scheduler: str):
    from compress.model import MyConvNet
    from compress.search import SearchConfig, run_search
    from compress.search_steps import split_data
    from tests.unit.test_search import SMALL_CONFIG, TINY, tiny_split

    data = split_data(tiny_split(600, 0), tiny_split(200, 1), SearchConfig(**SMALL_CONFIG))
    torch.manual_seed(0)
    baseline = MyConvNet(TINY).eval()
    config = SearchConfig(**SMALL_CONFIG, targets=(0.3,), prune_target=0.3, bit_levels=(8, 4))
    return run_search(baseline, data, config, progress=False, scheduler=scheduler)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_scheduler_with_two_workers_gives_the_synchronous_table_even_when_a_worker_is_killed():
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    workers = [
        subprocess.Popen(
            [BIN / "dask", "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        spec = parse_spec(SPEC | {"model": "des"})
        expected = run_sweep(spec, scheduler="synchronous").rows
        assert run_sweep(spec, scheduler=address, chunk=2).rows == expected
        # a third worker joins; one of the first two is killed as soon as the first chunk is back
        spare = subprocess.Popen(
            [BIN / "dask", "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        workers.append(spare)
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(3, timeout=60)
        killed = []

        def kill_one(_):
            if not killed:
                workers[0].send_signal(signal.SIGKILL)
                killed.append(time.perf_counter())

        result = run_sweep(spec, scheduler=address, chunk=1, progress=kill_one)
        assert killed and workers[0].wait(timeout=30) == -signal.SIGKILL
        assert result.rows == expected  # its tasks ran again elsewhere: complete and identical
        # a small search through the same cluster: the walks and fine-tunes as tasks, the same models
        serial, remote = (small_search(scheduler) for scheduler in ("synchronous", address))
        assert remote.curves() == serial.curves() and remote.tried == serial.tried
        for name, state in serial.chosen.items():
            other = remote.chosen[name]
            assert (state is None) == (other is None)
            if state is not None:
                assert state.record == other.record
                for key, value in state.model.state_dict().items():
                    assert torch.equal(value, other.model.state_dict()[key]), (name, key)
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait(timeout=30)


@pytest.mark.slow
def test_the_quantization_study_gives_the_same_records_on_a_local_cluster():
    import dataclasses

    from compress.checkpoint import load_checkpoint
    from compress.data import load_fashion_mnist
    from compress.study import run_study

    model, _ = load_checkpoint("baseline")
    train = load_fashion_mnist("train")
    test = load_fashion_mnist("test")
    test = dataclasses.replace(test, images=test.images[:300], labels=test.labels[:300])
    serial = run_study(model, train, test, bits=(4,), progress=False)
    parallel = run_study(model, train, test, bits=(4,), progress=False, scheduler="local", workers=2)
    assert len(serial) == 21 and parallel == serial


def test_a_failed_design_stops_the_sweep_with_one_line_naming_it_and_nothing_written(tmp_path, capsys, monkeypatch):
    import simulator.explore.sweep as sweep

    real = sweep.analytic_matmul

    def flaky(design, u, v, w):
        if design.tile_u == 16 and design.tile_w == 32:
            raise RuntimeError("model failure")
        return real(design, u, v, w)

    monkeypatch.setattr(sweep, "analytic_matmul", flaky)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    out = tmp_path / "out.csv"
    assert main(["sweep", str(path), "--out", str(out), "--scheduler", "synchronous", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "'tile_u': 16" in error and "'tile_w': 32" in error and "model failure" in error
    assert not out.exists() and not out.with_suffix(".png").exists()


def _total(shared: int, item) -> int:
    return shared + int(item.sum())


def test_large_items_travel_as_data_not_in_the_task_graph():
    import warnings

    import numpy as np

    from simulator.explore.tasks import LARGE_ITEMS_BYTES, run_tasks

    items = [np.full(LARGE_ITEMS_BYTES // 8, i, np.int64) for i in range(3)]  # 1 MiB each
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = run_tasks(_total, items, shared=(7,), scheduler="local", workers=2)
    assert run.results == [7 + i * (LARGE_ITEMS_BYTES // 8) for i in range(3)]
    assert not [w for w in caught if "large graph" in str(w.message)]


def test_a_local_run_does_not_contend_for_the_dashboard_port():
    """Two local runs at once (a search and a sweep) must not warn that port 8787 is taken."""
    import warnings

    import numpy as np

    from simulator.explore.tasks import run_tasks

    with socket.socket() as held, warnings.catch_warnings(record=True) as caught:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            held.bind(("127.0.0.1", 8787))
            held.listen()
        except OSError:
            pass  # taken already: the same situation
        warnings.simplefilter("always")
        run = run_tasks(_total, [np.ones(1), np.ones(2)], shared=(0,), scheduler="local", workers=1)
    assert run.results == [1, 2] and not [w for w in caught if "already in use" in str(w.message)]


def test_parallel_tasks_is_one_in_process_else_the_workers_or_one_per_core():
    from simulator.explore.tasks import parallel_tasks

    assert parallel_tasks("synchronous", 4) == 1
    assert parallel_tasks("local", 3) == 3 and parallel_tasks("local") == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="scheduler"):
        parallel_tasks("threads")
