"""HLS project folders (``cnnacc hls-estimate DIR``): hls_config.cfg and Tcl run scripts."""

from __future__ import annotations

import json

import pytest

from simulator.hls.hls_project import read_project
from simulator.hls.hls_source import SourceError

KERNEL = """
#define N 32
void top(int a[N], int b[N]) {
    for (int i = 0; i < N; i++) {
        b[i] = a[i] * SCALE;
    }
}
"""


def project(tmp_path, **files: str):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_config_file_names_design_top_flags_clock_and_directives(tmp_path):
    folder = project(
        tmp_path,
        **{
            "kernel.cpp": KERNEL,
            "kernel_test.cpp": "int main() { return 0; }\n",
            "inc/defs.h": "\n",
            "hls_config.cfg": "part=xcvu9p-flga2104-2-i\n\n[hls]\nclock=250MHz  # a frequency\n"
            "syn.file=kernel.cpp\nsyn.file_cflags=kernel.cpp,-DSCALE=3 -I inc\nsyn.top=top\n"
            "tb.file=kernel_test.cpp\nsyn.compile.pipeline_loops=0\n"
            "syn.directive.interface=top mode=m_axi depth=32 a\nsyn.directive.pipeline=top/L off\n",
        },
    )
    settings = read_project(folder)
    assert [path.name for path in settings.files] == ["kernel.cpp"]
    assert settings.top == "top" and settings.part == "xcvu9p-flga2104-2-i"
    assert settings.clock_ns == pytest.approx(4.0) and settings.pipeline_loops == 0
    assert settings.flags("D") == ["SCALE=3"] and settings.flags("I") == [str((folder / "inc").resolve())]
    lines = [line for line, _ in settings.directive_lines]
    assert lines == ["set_directive_interface top a -mode m_axi -depth 32", "set_directive_pipeline top/L -off"]
    assert settings.directive_lines[0][1].endswith("hls_config.cfg:10") and settings.tool is None


def test_a_tcl_script_with_variables_procs_and_cflags(tmp_path):
    folder = project(
        tmp_path,
        **{
            "src/kernel.cpp": KERNEL,
            "src/kernel_tb.cpp": "int main() { return 0; }\n",
            "directives.tcl": 'set_directive_unroll "top/L"\n',
            "run_hls.tcl": "set name [file tail [info script]]\n"  # unknown to nobody: never used
            "set top top\nset src src\n"
            "proc solution {{period 5}} {\n    set_part {xc7z020clg400-1}\n    create_clock -period $period\n}\n"
            "open_project -reset proj_$top\n"
            'add_files "${src}/kernel.cpp" -cflags "-DSCALE=2 -I${src}"\n'
            "add_files -tb $src/kernel_tb.cpp -cflags {-DTB}\n"
            "set_top $top\nopen_solution s1\nsolution 8\nconfig_compile -pipeline_loops 16\n"
            'source "directives.tcl"\nset_directive_pipeline -II 2 top/L\n'
            "set hls_exec 1\nif {$hls_exec == 2} {\n    set_part xcvu9p\n} else {\n    csynth_design\n}\n"
            "set_part {never-read}\n",
        },
    )
    settings = read_project(folder)
    assert [path.name for path in settings.files] == ["kernel.cpp"] and settings.top == "top"
    assert settings.flags("D") == ["SCALE=2"] and settings.flags("I") == [str((folder / "src").resolve())]
    assert settings.part == "xc7z020clg400-1" and settings.clock_ns == 8.0 and settings.pipeline_loops == 16
    assert settings.directives == folder / "directives.tcl"
    assert [line for line, _ in settings.directive_lines] == ["set_directive_pipeline -II 2 top/L"]
    assert settings.design_file().name == "kernel.cpp"


def test_a_csynth_report_beside_the_project_names_the_tool(tmp_path):
    folder = project(
        tmp_path,
        **{
            "kernel.cpp": KERNEL,
            "run_hls.tcl": "open_project p\nadd_files kernel.cpp\nset_top top\n",
            "p/solution1/syn/report/csynth.rpt": "== Vivado HLS Report for 'top'\n* Date: Mon Nov 11 10:00:00 2019\n\n"
            "* Version:        2019.2 (Build 2704478 on Wed Nov 06 22:10:23 MST 2019)\n",
        },
    )
    assert read_project(folder).tool == "vivado_hls:2019.2"
    (folder / "p/solution1/syn/report/csynth.rpt").write_text("== Vitis HLS Report for 'top'\n* Version: 2023.2\n")
    assert read_project(folder).tool == "vitis_hls:2023.2"


@pytest.mark.parametrize(
    "files, fragment",
    [
        ({"hls_config.cfg": "[hls]\nsyn.top=top\nthis is not a setting\n"}, r"hls_config.cfg:3: 'this is not"),
        ({"hls_config.cfg": "[hls]\nclock=fast\n"}, r"hls_config.cfg:2: clock 'fast'"),
        ({"hls_config.cfg": "[hls]\nsyn.file=missing.cpp\n"}, r"hls_config.cfg:2: design file 'missing.cpp'"),
        ({"run_hls.tcl": "set f [glob *.cpp]\n\nadd_files $f\n"}, r"run_hls.tcl:1: cannot evaluate .*\[glob \*.cpp\]"),
        ({"run_hls.tcl": "set_top $nothing\n"}, r"run_hls.tcl:1: Tcl variable \$nothing is not set"),
        ({"run_hls.tcl": "open_project p\nadd_files {a.cpp\n"}, r"run_hls.tcl:2: unbalanced \{\}"),
    ],
)
def test_what_a_project_reader_cannot_take_is_one_line_naming_file_and_line(tmp_path, files, fragment):
    with pytest.raises(SourceError, match=fragment) as error:
        read_project(project(tmp_path, **files))
    assert "\n" not in str(error.value)


def test_cli_estimates_a_project_as_its_file_and_flags_and_checks_the_tool(tmp_path, capsys):
    from cnnacc.main import main

    folder = project(
        tmp_path,
        **{
            "kernel.cpp": KERNEL,
            "hls_config.cfg": "part=xc7z020clg400-1\n[hls]\nclock=8\nsyn.file=kernel.cpp\n"
            "syn.file_cflags=kernel.cpp,-DSCALE=3\nsyn.top=top\nsyn.directive.pipeline=top off\n",
        },
    )
    assert main(["hls-estimate", str(folder), "--json"]) == 0
    from_project = json.loads(capsys.readouterr().out)
    (tmp_path / "d.tcl").write_text("set_directive_pipeline -off top\n")
    flags = [
        "-D",
        "SCALE=3",
        "--clock-ns",
        "8",
        "--source-part",
        "xc7z020clg400-1",
        "--directives",
        str(tmp_path / "d.tcl"),
    ]
    assert main(["hls-estimate", str(folder / "kernel.cpp"), "--top", "top", *flags, "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert from_project["latency_cycles_max"] == from_file["latency_cycles_max"] > 0
    assert from_project["project"].endswith("hls_config.cfg") and from_project["top"] == "top"
    assert main(["hls-estimate", str(folder), "--clock-ns", "2", "--json"]) == 0  # the command line wins
    assert json.loads(capsys.readouterr().out)["latency_cycles_max"] != from_project["latency_cycles_max"]
    with pytest.raises(SystemExit) as exit_:
        main(["hls-estimate", str(folder), "--tool", "vitis:2023"])
    error = capsys.readouterr().err
    assert exit_.value.code == 2 and error.count("\n") == 1 and "'vitis:2023'" in error and "vivado_hls:YEAR.N" in error


FLOW = """
void produce(const int in[256], int mid[256]) { for (int i = 0; i < 256; i++) mid[i] = in[i] * 3; }
void consume(const int mid[256], int out[256]) { for (int i = 0; i < 256; i++) out[i] = mid[i] + 1; }
void flow(const int in[256], int out[256]) {
#pragma HLS DATAFLOW
    int mid[256];
    produce(in, mid);
    consume(mid, out);
}
"""


def test_the_dataflow_channel_setting_of_a_config_or_script_reaches_the_estimate(tmp_path, capsys):
    """``syn.dataflow.default_channel=fifo`` (hls_config.cfg) and ``config_dataflow
    -default_channel fifo`` (Tcl) make the array between the processes a FIFO: they overlap."""
    from cnnacc.main import main

    def latency(folder) -> int:
        assert main(["hls-estimate", str(folder), "--json"]) == 0
        return json.loads(capsys.readouterr().out)["latency_cycles"]

    cfg = "part=xcvu9p-flga2104-2-i\n[hls]\nsyn.file=flow.cpp\nsyn.top=flow\n"
    tcl = "open_project p\nset_top flow\nadd_files flow.cpp\nopen_solution s\n"
    default = latency(project(tmp_path / "a", **{"flow.cpp": FLOW, "hls_config.cfg": cfg}))
    fifo_cfg = cfg + "syn.dataflow.default_channel=fifo\n"
    fifo_tcl = tcl + "config_dataflow -default_channel fifo\ncsynth_design\n"
    assert latency(project(tmp_path / "b", **{"flow.cpp": FLOW, "hls_config.cfg": fifo_cfg})) < 0.75 * default
    assert latency(project(tmp_path / "c", **{"flow.cpp": FLOW, "run_hls.tcl": fifo_tcl})) < 0.75 * default
