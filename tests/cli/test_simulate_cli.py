"""``cnnacc simulate`` and ``cnnacc hls-estimate`` on tiny fixtures: outputs, JSON keys, help
texts and one-line errors. The commands are registered on a fresh parser exactly as
cnnacc/main.py does (so these tests need only cnnacc.simulate and cnnacc.hls_estimate); the last test goes
through ``cnnacc.main.main``."""

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from cnnacc import hls_estimate, simulate
from cnnacc.main import OneLineParser
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.timing.units.matmul import run_matmul_des

DATA = Path(__file__).resolve().parents[1] / "data" / "scalesim"


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="cnnacc")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    simulate.register(commands)
    hls_estimate.register(commands)
    return parser


def cli(argv: list[str]) -> int:
    """What cnnacc.main.main does with a command: run it, turn our errors into one line."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ValueError, TypeError, FileNotFoundError) as error:
        print(f"cnnacc {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


def run_json(capsys, argv: list[str]) -> dict:
    assert cli([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_matmul_json_has_the_report_keys(capsys):
    data = run_json(capsys, ["simulate", "matmul", "--u", "64", "--v", "32", "--w", "64"])
    for key in (
        "latency_cycles",
        "latency_us",
        "interval_cycles",
        "stages",
        "throughput_gmacs",
        "pe_utilization",
        "resources",
        "design",
    ):
        assert key in data
    assert data["latency_cycles"] == run_matmul_des(MatmulDesign(), 64, 32, 64).latency_cycles
    assert set(data["stages"]) == {"load_a", "load_b", "compute", "requantize", "store", "write_output"}


def test_simulate_matmul_design_options_reach_the_design(capsys):
    argv = [
        "simulate",
        "matmul",
        "--u",
        "20",
        "--v",
        "9",
        "--w",
        "7",
        "--model",
        "analytic",
        "--tile-u",
        "8",
        "--buffering",
        "single",
        "--b-buffer-bytes",
        "4096",
        "--clock-mhz",
        "300",
        "--axi-ports",
        "separate",
    ]
    data = run_json(capsys, argv)
    expected = MatmulDesign(tile_u=8, buffering="single", b_buffer_bytes=4096, clock_mhz=300, axi_ports="separate")
    assert MatmulDesign.from_json(data["design"]) == expected
    assert data["model"] == "analytic" and data["latency_us"] == pytest.approx(data["latency_cycles"] / 300)


def test_simulate_matmul_prints_a_readable_summary(capsys):
    assert cli(["simulate", "matmul", "--u", "8", "--v", "8", "--w", "8"]) == 0
    out = capsys.readouterr().out
    assert "latency" in out and "GMAC/s" in out and "requantize" in out and "xcvu9p" in out


def test_simulate_im2col_json_and_kernel_options(capsys):
    data = run_json(
        capsys,
        [
            "simulate",
            "im2col",
            "--src-c",
            "2",
            "--src-m",
            "5",
            "--src-n",
            "6",
            "--k",
            "3",
            "--km",
            "2",
        ],
    )
    assert (data["kernel_size_m"], data["kernel_size_n"], data["out_shape"]) == (
        2,
        3,
        [2 * 2 * 3, 6 * 6],
    )
    assert set(data["stages"]) == {"read", "window", "write"}
    assert Im2colDesign.from_json(data["design"]) == Im2colDesign()


def test_simulate_scalesim_reproduces_the_committed_table(capsys):
    data = run_json(
        capsys,
        [
            "simulate",
            "scalesim",
            "--topology",
            str(DATA / "myconvnet.csv"),
            "--config",
            str(DATA / "scale_os_32x32.cfg"),
        ],
    )
    assert (data["array_rows"], data["array_cols"], data["dataflow"]) == (32, 32, "os")
    table = (DATA / "scalesim_results.csv").read_text().splitlines()
    expected = [line.split(",")[6] for line in table if line.startswith("myconvnet.csv,32,32,os,")]
    assert [str(layer["total_cycles"]) for layer in data["layers"]] == expected
    assert (
        cli(
            [
                "simulate",
                "scalesim",
                "--topology",
                str(DATA / "gemm_mnk.csv"),
                "--config",
                str(DATA / "scale_os_32x32.cfg"),
            ]
        )
        == 0
    )
    assert "spec_matmul" in capsys.readouterr().out


def test_hls_estimate_prints_a_table_and_json(tmp_path, capsys):
    nest = {
        "loop": "rows",
        "trip_count": 3,
        "pipeline_ii": None,
        "iteration_latency": None,
        "body": [{"loop": "cols", "trip_count": 8, "pipeline_ii": 1, "iteration_latency": 4, "body": []}],
    }
    path = tmp_path / "nest.json"
    path.write_text(json.dumps(nest))
    assert cli(["hls-estimate", str(path)]) == 0
    assert "top rows: latency 40 cycles" in capsys.readouterr().out
    data = run_json(capsys, ["hls-estimate", str(path)])
    assert (data["latency_cycles"], data["interval_cycles"]) == (40, 40)
    assert [(node["name"], node["latency_cycles"]) for node in data["nodes"]] == [
        ("rows", 40),
        ("cols", 12),
    ]


@pytest.mark.parametrize("unit, design_class", [("matmul", MatmulDesign), ("im2col", Im2colDesign)])
def test_help_lists_every_design_field_with_unit_and_default(capsys, unit, design_class):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["simulate", unit, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for field in dataclasses.fields(design_class):
        assert "--" + field.name.replace("_", "-") in text
        default = getattr(design_class(), field.name)
        assert f"default {str(default).lower() if isinstance(default, bool) else default})" in text


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (
            ["simulate", "matmul", "--tile-u", "0"],
            "MatmulDesign.tile_u=0 is out of range; expected an int in [1, 256]",
        ),
        (
            ["simulate", "matmul", "--axi-width-bits", "48"],
            "axi_width_bits=48 is not a power of two",
        ),
        (["simulate", "matmul", "--zero-a", "300"], "zero_a=300 is out of range"),
        (["simulate", "matmul", "--multiplier", "2.0"], "M=2.0 is out of range"),
        (
            ["simulate", "im2col", "--src-n", "100"],
            "simulate_im2col.src_n=100 is out of range; expected an int in [1, 64]",
        ),
        (
            ["simulate", "im2col", "--k", "5", "--model", "analytic"],
            "kernel_size_m=5 is out of range; expected an int in [1, 3]",
        ),
        (
            [
                "simulate",
                "scalesim",
                "--topology",
                "absent.csv",
                "--config",
                str(DATA / "scale_os_32x32.cfg"),
            ],
            "absent.csv",
        ),
        (
            [
                "simulate",
                "scalesim",
                "--topology",
                str(DATA / "myconvnet.csv"),
                "--config",
                "absent.cfg",
            ],
            "'absent.cfg' does not exist",
        ),
        (["hls-estimate", "absent.json"], "absent.json"),
    ],
    ids=[
        "zero-tile",
        "odd-axi-width",
        "zero-point-over-255",
        "multiplier-over-1",
        "row-over-line-buffer",
        "kernel-over-max-k",
        "missing-topology",
        "missing-config",
        "missing-nest",
    ],
)
def test_bad_values_give_one_line_errors(capsys, argv, fragment):
    assert cli(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["simulate", "matmul", "--buffering", "double"], "invalid choice: 'double'"),
        (["simulate", "matmul", "--tile-u", "x"], "invalid int value: 'x'"),
        (["simulate", "matmul", "--u", "0"], "argument --u: 0 is out of range; expected an integer in [1, 1048576]"),
        (["simulate", "conv"], "invalid choice: 'conv'"),
        (
            ["simulate", "scalesim", "--config", "c.cfg"],
            "the following arguments are required: --topology",
        ),
    ],
    ids=["bad-choice", "non-integer", "zero-u", "unknown-unit", "missing-topology-option"],
)
def test_parse_errors_are_one_line_with_exit_2(capsys, argv, fragment):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_main_command_line_runs_simulate(capsys):
    from cnnacc.main import main

    assert main(["simulate", "matmul", "--u", "8", "--v", "8", "--w", "8", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["u"] == 8
    assert main(["simulate", "matmul", "--tile-u", "0"]) == 2
    err = capsys.readouterr().err.strip()
    expected = "MatmulDesign.tile_u=0 is out of range; expected an int in [1, 256]"
    assert err == f"cnnacc simulate: error: {expected}"


@pytest.mark.parametrize(
    "argv, design, shape",
    [
        (["--kernel", "matmul"], MatmulDesign(), (64, 32, 64)),
        (
            ["--kernel", "matmul", "--u", "70", "--w", "9", "--tile-w", "8", "--axi-width-bits", "32"],
            MatmulDesign(tile_w=8, axi_width_bits=32),
            (70, 32, 9),
        ),
        (["--kernel", "im2col", "--src-c", "2", "--km", "3", "--kn", "1"], Im2colDesign(), (2, 32, 32, 3, 1)),
    ],
    ids=["matmul-default", "matmul-edges", "im2col"],
)
def test_hls_estimate_of_a_kernel_as_written(capsys, argv, design, shape):
    from simulator.timing.kernel_schedule import kernel_schedule

    data = run_json(capsys, ["hls-estimate", *argv])
    expected = kernel_schedule(design, shape)
    assert (data["latency_cycles"], data["interval_cycles"]) == (expected.latency_cycles, expected.interval_cycles)
    for node in data["nodes"]:
        assert set(node) >= {"name", "trip_count", "pipeline_ii", "iteration_latency", "latency_cycles"}
    loops = {node["name"]: node for node in data["nodes"] if node["kind"] == "pipelined"}
    assert loops and all(node["pipeline_ii"] == 1 for node in loops.values())
    assert cli(["hls-estimate", *argv]) == 0
    assert f"latency {expected.latency_cycles} cycles" in capsys.readouterr().out


def test_hls_estimate_prints_the_latency_of_a_rewound_call_after_another(tmp_path, capsys):
    kernel = tmp_path / "channels.cpp"
    kernel.write_text(
        "void channels(short out[32], short in[32]) {\n"
        "    for (int n = 0; n < 32; n++) {\n"
        "#pragma HLS PIPELINE II=1 rewind\n"
        "        out[n] = in[n] + 1;\n"
        "    }\n"
        "}\n"
    )
    argv = ["hls-estimate", str(kernel), "--top", "channels"]
    data = run_json(capsys, argv)
    assert data["latency_cycles_min"] == data["latency_cycles_max"] - 1
    assert cli(argv) == 0
    out = capsys.readouterr().out
    assert f"latency with a call right after another: {data['latency_cycles_min']} cycles" in out


@pytest.mark.parametrize("unit", ["matmul", "im2col"])
def test_simulate_with_sw_emu_values_runs_the_cpp_of_that_design(capsys, unit):
    shape = ["--u", "9", "--v", "17", "--w", "5"] if unit == "matmul" else ["--src-c", "2", "--src-m", "5"]
    data = run_json(capsys, ["simulate", unit, *shape, "--values", "sw_emu", "--axi-width-bits", "64"])
    assert data["extra"]["sw_emu_equal"] is True
    assert data["design"]["axi_width_bits"] == 64


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["simulate", "matmul", "--values", "sw_emu", "--requant-lanes", "0"], "MatmulDesign.requant_lanes=0"),
        (["simulate", "matmul", "--values", "sw_emu", "--tile-v", "300"], "MatmulDesign.tile_v=300 is out of range"),
        (["simulate", "matmul", "--values", "sw_emu", "--w", "2000"], "w=2000 is out of range"),
        (["simulate", "im2col", "--values", "sw_emu", "--src-m", "65"], "src_m=65 is out of range"),
        (["hls-estimate", "--kernel", "matmul", "--max-w", "5000"], "MatmulDesign.max_w=5000 is out of range"),
        (["hls-estimate"], "give either NEST.json, FILE.cpp --top NAME, DIR or --kernel"),
    ],
)
def test_bad_design_values_reach_neither_gxx_nor_the_kernel(monkeypatch, capsys, argv, fragment):
    from simulator.emulation import sw_emu, sw_emu_build

    def refuse(*arguments, **keywords):
        pytest.fail("a bad design value reached the C++ build")

    monkeypatch.setattr(sw_emu_build, "_run_make", refuse)
    monkeypatch.setattr(sw_emu, "_library", refuse)
    assert cli(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1
