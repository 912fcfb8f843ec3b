"""SCALE-Sim agreement, without installing it: every row of the table that SCALE-Sim 3.0.0
produced (benchmarks/scalesim_compare.py --write-table) must be reproduced to the cycle by the
SCALE-Sim-compatible DES and by the closed form; plus the topology and config readers and the
systolic array's folds."""

import csv
import dataclasses
from pathlib import Path

import pytest

from simulator.hardware.designs import MatmulDesign, SystolicDesign
from simulator.interop.scalesim import (
    ScaleSimConfig,
    ScaleSimLayer,
    read_config,
    read_topology,
    scalesim_total_cycles,
    simulate_scalesim,
    simulate_scalesim_layer,
)
from simulator.interop.systolic_array import fold_plan
from simulator.timing.results import Trace

DATA = Path(__file__).resolve().parents[1] / "data" / "scalesim"
TABLE = list(csv.DictReader((DATA / "scalesim_results.csv").read_text().splitlines()))
CONFIGS = sorted({(row["topology"], int(row["array_rows"]), int(row["array_cols"]), row["dataflow"]) for row in TABLE})
# SCALE-Sim averages utilizations over folds in floating point; ours are the same ratios.
UTILIZATION_RELATIVE_TOLERANCE = 1e-9


def test_the_table_covers_every_dataflow_and_several_array_shapes():
    assert {config[3] for config in CONFIGS} == {"os", "ws", "is"}
    assert len({config[1:3] for config in CONFIGS}) >= 5
    assert {config[0] for config in CONFIGS} == {"myconvnet.csv", "gemm_mnk.csv"}


@pytest.mark.parametrize("topology, rows, cols, dataflow", CONFIGS, ids=lambda value: str(value))
def test_des_reproduces_scalesim_to_the_cycle(topology, rows, cols, dataflow):
    expected = [
        row
        for row in TABLE
        if (row["topology"], int(row["array_rows"]), int(row["array_cols"]), row["dataflow"])
        == (topology, rows, cols, dataflow)
    ]
    layers = read_topology(DATA / topology)
    config = ScaleSimConfig(run_name="table", array_rows=rows, array_cols=cols, dataflow=dataflow)
    results = simulate_scalesim(layers, config)
    assert [result.layer for result in results] == [row["layer"] for row in expected]
    for result, layer, row in zip(results, layers, expected, strict=True):
        assert result.total_cycles - int(row["total_cycles"]) == 0
        assert scalesim_total_cycles(layer, config.design()) == int(row["total_cycles"])
        assert result.stall_cycles == int(row["stall_cycles"]) == 0
        for key in ("overall_util_percent", "mapping_efficiency_percent", "compute_util_percent"):
            assert getattr(result, key) == pytest.approx(float(row[key]), rel=UTILIZATION_RELATIVE_TOLERANCE)


def test_read_topology_conv_form_matches_myconvnet():
    layers = read_topology(DATA / "myconvnet.csv")
    assert [layer.name for layer in layers] == ["conv1", "conv2", "fc1", "fc2"]
    conv1, conv2, fc1, fc2 = layers
    assert conv1.gemm == (28 * 28, 9, 32) and conv2.gemm == (14 * 14, 9 * 32, 64)
    assert fc1.gemm == (1, 3136, 128) and fc2.gemm == (1, 128, 10)


def test_read_topology_gemm_form_is_detected_from_the_header():
    layers = read_topology(DATA / "gemm_mnk.csv")
    assert layers[0].name == "spec_matmul" and layers[0].gemm == (64, 32, 64)  # M, K, N
    assert read_topology(DATA / "gemm_mnk.csv", gemm=True) == layers


def test_depthwise_layers_expand_into_one_layer_per_channel(tmp_path):
    path = tmp_path / "dw.csv"
    path.write_text(
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
        "Filter, Strides,\n"
        "DP1, 8, 8, 3, 3, 3, 1, 2,\n"
    )
    layers = read_topology(path)
    assert [layer.name for layer in layers] == ["DP1Channel_0", "DP1Channel_1", "DP1Channel_2"]
    # SCALE-Sim's ofmap size is ceil((8 - 3 + 2) / 2) = 4 (not floor((8 - 3) / 2) + 1 = 3)
    assert all(layer.channels == 1 and layer.stride_h == layer.stride_w == 2 and layer.ofmap_h == 4 for layer in layers)


def test_read_config_v3_and_v2_files(tmp_path):
    config = read_config(DATA / "scale_os_32x32.cfg")
    assert (config.run_name, config.array_rows, config.array_cols, config.dataflow) == (
        "cnnacc_os_32x32",
        32,
        32,
        "os",
    )
    design = config.design()
    assert (design.pe_interconnect, design.fold_overlap, design.dataflow) == (
        "systolic",
        False,
        "output_stationary",
    )
    v2 = tmp_path / "v2.cfg"
    v2.write_text(
        "[general]\nrun_name = old\n\n[architecture_presets]\nArrayHeight: 12\nArrayWidth: 5\n"
        "IfmapSramSzkB: 64\nDataflow : ws\n\n[run_presets]\nInterfaceBandwidth: CALC\n"
    )
    assert read_config(v2) == ScaleSimConfig(run_name="old", array_rows=12, array_cols=5, dataflow="ws")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


CONV_HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
CFG = "[general]\nrun_name = r\n[architecture_presets]\nArrayHeight: {rows}\nArrayWidth: 4\nDataflow : {df}\n"


@pytest.mark.parametrize(
    "reader, name, text, exception, fragment",
    [
        (read_topology, "empty.csv", "", ValueError, "empty topology file"),
        (read_topology, "header.csv", CONV_HEADER, ValueError, "no layer rows after the header"),
        (
            read_topology,
            "short.csv",
            CONV_HEADER + "c, 8, 8, 3,\n",
            ValueError,
            "short.csv:2: a conv row is",
        ),
        (
            read_topology,
            "word.csv",
            CONV_HEADER + "c, 8, x, 3, 3, 1, 2, 1,\n",
            ValueError,
            "word.csv:2: ifmap_w='x' is not an integer",
        ),
        (
            read_topology,
            "big.csv",
            CONV_HEADER + "c, 2, 2, 3, 3, 1, 2, 1,\n",
            ValueError,
            "larger than the ifmap",
        ),
        (
            read_topology,
            "zero.csv",
            CONV_HEADER + "c, 8, 8, 3, 3, 0, 2, 1,\n",
            ValueError,
            "ScaleSimLayer('c').channels=0 is out of range",
        ),
        (
            read_topology,
            "sparse.csv",
            CONV_HEADER + "c, 8, 8, 3, 3, 1, 2, 1, 2:4,\n",
            ValueError,
            "sparsity ratio '2:4' is not modelled",
        ),
        (
            read_topology,
            "gemm.csv",
            "Layer Name, M, N, K,\ng, 4, 4,\n",
            ValueError,
            "gemm.csv:2: a GEMM row is",
        ),
        (
            read_config,
            "df.cfg",
            CFG.format(rows=4, df="rs"),
            ValueError,
            "Dataflow='rs' is not one of",
        ),
        (
            read_config,
            "rows.cfg",
            CFG.format(rows=0, df="os"),
            ValueError,
            "ArrayHeight=0 is out of range",
        ),
        (
            read_config,
            "nogeneral.cfg",
            "[architecture_presets]\nArrayHeight: 4\n",
            ValueError,
            "not a SCALE-Sim config",
        ),
        (
            read_config,
            "sparse.cfg",
            CFG.format(rows=4, df="os") + "[sparsity]\nSparsitySupport : true\n",
            ValueError,
            "SparsitySupport = true is not modelled",
        ),
    ],
    ids=[
        "empty-topology",
        "header-only",
        "short-conv-row",
        "non-integer-cell",
        "filter-over-ifmap",
        "zero-channels",
        "sparse-layer",
        "short-gemm-row",
        "unknown-dataflow",
        "zero-array-rows",
        "missing-section",
        "sparse-config",
    ],
)
def test_bad_scalesim_files_are_rejected_with_clear_messages(tmp_path, reader, name, text, exception, fragment):
    with pytest.raises(exception) as info:
        reader(_write(tmp_path, name, text))
    assert fragment in str(info.value)


def test_missing_files_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_topology(tmp_path / "absent.csv")
    with pytest.raises(FileNotFoundError):
        read_config(tmp_path / "absent.cfg")


def test_scalesim_model_needs_a_systolic_array_without_fold_overlap():
    layer = ScaleSimLayer(name="g", ifmap_h=4, ifmap_w=4, filter_h=1, filter_w=4, channels=1, num_filters=4)
    with pytest.raises(ValueError, match="needs pe_interconnect='systolic' and fold_overlap=False"):
        simulate_scalesim_layer(layer, SystolicDesign(pe_interconnect="broadcast"))
    with pytest.raises(ValueError, match="needs pe_interconnect='systolic' and fold_overlap=False"):
        simulate_scalesim_layer(layer, SystolicDesign(fold_overlap=True))
    with pytest.raises(TypeError, match="design must be a SystolicDesign"):
        simulate_scalesim_layer(layer, MatmulDesign())
    with pytest.raises(TypeError, match="design must be a SystolicDesign"):
        scalesim_total_cycles(layer, "os")


def test_fold_plans_follow_the_dataflow_mapping():
    systolic = SystolicDesign(pe_rows=4, pe_cols=2, dataflow="output_stationary")
    # OS: S_R = rows 10, S_C = cols 3, T = depth 7: 3 * 2 folds of 7 + 4 + 2 - 2 = 11 cycles
    plan = fold_plan(systolic, 10, 7, 3)
    assert (plan.n_folds, plan.latency_cycles, plan.interval_cycles) == (6, 11, 11)
    # WS: S_R = depth 7, S_C = cols 3, T = rows 10: 2 * 2 folds of 4 + 10 + 4 + 2 - 2 = 18 cycles
    plan = fold_plan(dataclasses.replace(systolic, dataflow="weight_stationary"), 10, 7, 3)
    assert (plan.n_folds, plan.latency_cycles) == (4, 18)
    # IS with overlap: S_R = depth 7, S_C = rows 10, T = cols 3: 2 * 5 folds of 4 + 3 + 4 + 2 - 2
    # cycles, one issued every max(T, R) = 4 cycles
    plan = fold_plan(dataclasses.replace(systolic, dataflow="input_stationary", fold_overlap=True), 10, 7, 3)
    assert (plan.n_folds, plan.latency_cycles, plan.interval_cycles) == (10, 11, 4)


def test_scalesim_layer_timeline_is_one_fold_after_another():
    # GEMM M = 5, K = 3, N = 2 on a 2 x 2 OS array: 3 folds of 3 + 2 + 2 - 2 = 5 cycles; SCALE-Sim
    # reports the last cycle index, 14.
    design = SystolicDesign(pe_rows=2, pe_cols=2, dataflow="output_stationary")
    layer = ScaleSimLayer(name="g", ifmap_h=5, ifmap_w=3, filter_h=1, filter_w=3, channels=1, num_filters=2)
    trace = Trace()
    result = simulate_scalesim_layer(layer, design, trace)
    assert trace.spans == [("compute", 0, 15)]  # one busy span per step, its three folds
    assert result.total_cycles == 14 and result.n_folds == 3
