"""``cnnacc vitis-project``: the folders it writes, read back by simulator/hls/hls_project.py and by
``cnnacc hls-estimate DIR`` to the same settings and numbers as the kernel source read with the
design's flags; refusals (an existing folder, a bad design) in one line with exit status 2."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cnnacc.main import main
from simulator.emulation.sw_emu_build import HLS_SRC
from simulator.hardware.designs import Im2colDesign, MatmulDesign
from simulator.hls.hls_project import read_project
from simulator.timing.kernel_source import DATA_DEPENDENT_LOOPS

KERNELS = ("matmul", "im2col")
# name: (CLI flags, {kernel: design}, {kernel: the top's shape arguments})
CASES = {
    "default": (
        [],
        {"matmul": MatmulDesign(), "im2col": Im2colDesign()},
        {
            "matmul": {"u": 64, "v": 32, "w": 64, "layout": 0, "has_bias": 0},
            "im2col": {"src_c": 3, "src_m": 32, "src_n": 32, "kernel_size_m": 3, "kernel_size_n": 3},
        },
    ),
    "small": (
        "--tile-u 8 --tile-v 16 --tile-w 8 --axi-width-bits 32 --max-k 5 --clock-mhz 300 --part xc7z020".split(),
        {
            "matmul": MatmulDesign(tile_u=8, tile_v=16, tile_w=8, axi_width_bits=32, clock_mhz=300, part="xc7z020"),
            "im2col": Im2colDesign(axi_width_bits=32, max_k=5, clock_mhz=300, part="xc7z020"),
        },
        {
            "matmul": {"u": 16, "v": 32, "w": 16, "layout": 0, "has_bias": 0},
            "im2col": {"src_c": 2, "src_m": 16, "src_n": 16, "kernel_size_m": 5, "kernel_size_n": 5},
        },
    ),
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path, with a digest of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """OUT_DIR of each case, written once by the command."""
    written = {}
    for name, (flags, _, _) in CASES.items():
        out = tmp_path_factory.mktemp(name) / "out"
        assert main(["vitis-project", str(out), *flags]) == 0
        written[name] = out
    return written


def test_help_explains_the_folders_and_the_flows(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["vitis-project", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for fragment in ("hls_config.cfg", "run_hls.tcl", "README.txt", "vitis-run", "vitis_hls -f run_hls.tcl",
                     "hls-estimate", "--force", "--kernel", "--tile-u", "--max-k", "ap_ctrl_chain"):  # fmt: skip
        assert fragment in text


@pytest.mark.parametrize("case", CASES)
def test_each_folder_is_self_contained(projects, case):
    out = projects[case]
    assert sorted(path.name for path in out.iterdir()) == sorted(KERNELS)
    assert [path.name for path in out.parent.iterdir()] == ["out"]  # no scratch folder left beside it
    for kernel in KERNELS:
        folder = out / kernel
        sources = [HLS_SRC / kernel / f"{kernel}.cpp", HLS_SRC / kernel / f"{kernel}.hpp"]
        sources += [path for path in (HLS_SRC / "common").glob("*.hpp") if path.name != "testbench.hpp"]
        for source in sources:
            assert (folder / source.name).read_bytes() == source.read_bytes()
        names = {path.name for path in folder.iterdir()}
        assert names == {path.name for path in sources} | {"hls_config.cfg", "run_hls.tcl", "README.txt"}
        readme = (folder / "README.txt").read_text()
        assert 5 <= len(readme.splitlines()) <= 10
        assert repr(CASES[case][1][kernel]) in readme and "vitis-run --mode hls --csynth" in readme
        assert "cnnacc hls-estimate" in readme and "vitis_hls -f run_hls.tcl" in readme
        assert str(HLS_SRC) not in readme + (folder / "hls_config.cfg").read_text()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("project_file", ["", "hls_config.cfg", "run_hls.tcl"])
def test_read_project_gives_the_design(projects, case, kernel, project_file):
    design = CASES[case][1][kernel]
    folder = projects[case] / kernel
    settings = read_project(folder / project_file)
    assert settings.config.name == (project_file or "hls_config.cfg")  # the config wins in the folder
    assert settings.top == f"{kernel}_kernel"
    assert settings.clock_ns == 1000.0 / design.clock_mhz
    assert settings.part == design.part
    assert settings.files == ((folder / f"{kernel}.cpp").resolve(),)
    assert settings.flags("D") == [f"{name}={value}" for name, value in design.cpp_defines().items()]
    assert settings.flags("I") == [str(folder.resolve())]
    assert [line for line, _ in settings.directive_lines] in (
        [f"set_directive_interface {kernel}_kernel return -mode ap_ctrl_chain"],
        [f"set_directive_interface -mode ap_ctrl_chain {kernel}_kernel return"],
    )
    assert settings.flow == "vitis"  # flow_target=vitis, open_solution -flow_target vitis


def estimate(capsys, source: Path, *options: str) -> tuple[int, str]:
    """``cnnacc hls-estimate`` of ``source`` (a folder or a .cpp): (exit status, JSON with the
    paths of its source and project left out, or the error line with the source named SOURCE)."""
    code, out, err = run(capsys, "hls-estimate", str(source), "--json", *options)
    design_file = source / f"{source.name}.cpp" if source.is_dir() else source
    if code != 0:
        return code, err.replace(str(design_file), "SOURCE")
    data = json.loads(out.replace(json.dumps(str(design_file)), '"SOURCE"'))
    return code, json.dumps({key: value for key, value in data.items() if key != "project"})


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kernel", KERNELS)
def test_hls_estimate_of_the_folder_is_that_of_the_source(projects, capsys, tmp_path, case, kernel):
    _, designs, shapes = CASES[case]
    design = designs[kernel]
    shape = [f"--arg={name}={value}" for name, value in shapes[kernel].items()]
    source = HLS_SRC / kernel / f"{kernel}.cpp"
    flags = [f"-D{name}={value}" for name, value in design.cpp_defines().items()]
    direct = [f"--top={kernel}_kernel", f"-I{HLS_SRC / 'common'}", *flags, "--flow=vitis"]
    direct += [f"--clock-ns={1000.0 / design.clock_mhz!r}", f"--source-part={design.part}"]
    options = shape
    if DATA_DEPENDENT_LOOPS[kernel]:  # the same LOOP_TRIPCOUNT for the loops whose trips depend on data
        tripcounts = tmp_path / "tripcounts.tcl"
        lines = [f"set_directive_loop_tripcount -min 1 -max 16 {function}/{label}"
                 for label, function in DATA_DEPENDENT_LOOPS[kernel].items()]  # fmt: skip
        tripcounts.write_text("\n".join(lines) + "\n")
        options = [*shape, f"--directives={tripcounts}"]
        if case == "default":  # without them, both refuse (or, once the source bounds them, agree)
            assert estimate(capsys, projects[case] / kernel, *shape) == estimate(capsys, source, *direct, *shape)
    from_folder = estimate(capsys, projects[case] / kernel, *options)
    assert from_folder[0] == 0, from_folder[1]
    assert from_folder == estimate(capsys, source, *direct, *options)
    assert json.loads(from_folder[1])["latency_cycles"] > 0


def test_an_existing_folder_is_refused_without_force(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "vitis-project", str(out), "--kernel", "im2col")[0] == 0
    (out / "im2col" / "notes.txt").write_text("mine\n")
    before = tree(out)
    code, printed, err = run(capsys, "vitis-project", str(out))  # both: im2col exists, matmul does not
    assert code == 2 and printed == "" and len(err.splitlines()) == 1
    assert "exists" in err and "--force" in err
    assert tree(out) == before and sorted(path.name for path in tmp_path.iterdir()) == ["out"]
    assert run(capsys, "vitis-project", str(out), "--force", "--max-k", "5")[0] == 0
    assert sorted(path.name for path in out.iterdir()) == ["im2col", "matmul"]
    assert not (out / "im2col" / "notes.txt").exists()
    assert "-DMAX_K=5" in (out / "im2col" / "hls_config.cfg").read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(
    "flags, fragment",
    [
        (["--axi-width-bits", "48"], "axi_width_bits=48 is not a power of two"),
        (["--tile-u", "many"], "invalid int value: 'many'"),
        (["--kernel", "conv"], "invalid choice: 'conv'"),
        (["--kernel", "matmul", "--pe-rows", "3"], "unrecognized arguments: --pe-rows 3"),
        (["--max-k", "9"], "max_k=9 is out of range"),
    ],
)
def test_a_bad_flag_is_one_line_and_writes_nothing(tmp_path, capsys, flags, fragment):
    out = tmp_path / "out"
    try:
        code, printed, err = run(capsys, "vitis-project", str(out), *flags)
    except SystemExit as stop:  # argparse's own errors
        code, (printed, err) = int(stop.code or 0), capsys.readouterr()
    assert code == 2 and printed == "" and len(err.splitlines()) == 1 and fragment in err
    assert list(tmp_path.iterdir()) == []
