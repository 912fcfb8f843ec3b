"""Hostile input everywhere a user can reach: generated command lines and API calls with
negative, zero, huge, NaN, non-numeric, empty and wrong-type values. Nothing may escape as a
traceback: a command exits 0 or 2, and 2 comes with exactly one line on stderr; an API call
succeeds or raises the documented ValueError / TypeError. Files a user hands over too: small and
broken C++ sources for hls-estimate, generated sweep specs (a refused sweep writes nothing),
truncated exports for infer, broken ONNX models for import.

The values are drawn from a seeded generator (deterministic); a failure prints the call."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnacc.main import main
from compress.observe import QuantSpec
from compress.prune_spec import PruneSpec
from compress.search_config import SearchConfig
from simulator.explore.sweep import SpecError, parse_spec
from simulator.hardware.designs import Im2colDesign, MatmulDesign, SystolicDesign
from simulator.hls.hls_ops import Target
from simulator.network.export import save_network
from tests.crosscheck.test_network import small_network

HOSTILE = ["-1", "0", "1", "3", "7", "16", "64", "-0", "2.5", "1e3", "nan", "inf", "-inf", "abc", "", "0x10",
           "99999999999999999999", "255", "256", "-129", " 4", "4 ", "１"]  # fmt: skip
SMALL = ["1", "2", "3", "4", "5", "8"]  # valid dimensions, small enough to simulate in milliseconds
PYTHON_VALUES = [-1, 0, 1, 2, 3, 16, 64, 257, 10**18, -(10**18), 2.5, float("nan"), float("inf"), "64", "", None,
                 True, [], {}, (1,), "single", "ping_pong", "nearest", "xcvu9p"]  # fmt: skip


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own refusals
            code = stop.code if isinstance(stop.code, int) else 2
    return code, err.getvalue()


@pytest.mark.slow
def test_generated_command_lines_never_trace_back_and_refuse_in_one_line():
    rng = np.random.default_rng(2026)
    units = {
        "matmul": (["--u", "--v", "--w"], ["--zero-a", "--zero-b", "--zero-out", "--multiplier", "--tile-u",
                                           "--tile-v", "--tile-w", "--requant-lanes", "--axi-width-bits",
                                           "--burst-beats", "--max-outstanding", "--mem-latency-cycles",
                                           "--clock-mhz", "--max-w", "--rounding", "--buffering", "--axi-ports",
                                           "--part", "--model", "--seed"]),
        "im2col": (["--src-c", "--src-m", "--src-n", "--k", "--km", "--kn"], ["--pad-value", "--max-src-m",
                                                                          "--max-src-n", "--max-k", "--buffering",
                                                                          "--axi-width-bits", "--model", "--seed"]),
    }  # fmt: skip
    calls = 0
    for _ in range(2000):
        unit = str(rng.choice(list(units)))
        shape, others = units[unit]
        argv = ["simulate", unit, "--json"]
        for option in shape:  # a dimension: small and valid, or hostile but never a huge valid one
            value = str(rng.choice(SMALL if rng.random() < 0.6 else HOSTILE))
            argv += [option, value if value not in ("99999999999999999999",) else "-5"]
        for option in rng.choice(others, size=int(rng.integers(0, 4)), replace=False):
            argv += [str(option), str(rng.choice(HOSTILE + ["floor", "des", "analytic", "shared", "single"]))]
        code, err = _run(argv)
        calls += 1
        assert code in (0, 2), (argv, code, err)
        if code == 2:
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and "Traceback" not in err, (argv, err)
    assert calls == 2000


def test_generated_designs_and_sweep_specs_raise_only_the_documented_errors():
    rng = np.random.default_rng(7)
    calls = 0
    for kind in (MatmulDesign, Im2colDesign, SystolicDesign):
        names = [field.name for field in dataclasses.fields(kind)]
        for _ in range(3000):
            fields = {str(name): PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]
                      for name in rng.choice(names, size=int(rng.integers(1, 4)), replace=False)}  # fmt: skip
            try:
                kind(**fields)
            except (ValueError, TypeError):
                pass
            calls += 1
    keys = ["kernel", "shape", "model", "sampling", "samples", "seed", "base", "fields", "junk"]
    for _ in range(2000):
        spec = {str(key): PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]
                for key in rng.choice(keys, size=int(rng.integers(0, 6)), replace=False)}  # fmt: skip
        if rng.random() < 0.5:
            spec["fields"] = {"tile_u": PYTHON_VALUES[int(rng.integers(len(PYTHON_VALUES)))]}
        try:
            parse_spec(spec)
        except (SpecError, ValueError, TypeError):
            pass
        calls += 1
    assert calls == 11000


# --- files a user hands over: C++ sources, sweep specs, exports, ONNX models; and the other specs

CLI_EXAMPLES = 1500
API_EXAMPLES = 3000
SPECIALS = ["0", "-1", "1", "nan", "NaN", "inf", "-inf", "1e309", "", " ", "0x10", "1.5", "-0", "9" * 40, "true",
            "None", "\x00", "\u2603", "[]", "{}", "64", "512", "3"]  # fmt: skip
HOSTILE_TEXT = st.one_of(
    st.sampled_from(SPECIALS),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=6),
)
HOSTILE_VALUE = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, "", "x", [], {}, True, False, -0.0, 1e309, "64"]),
    st.text(max_size=4),
)
DATAFLOW_OPTIONS = ["--dsp-budget", "--bram-budget", "--lut-budget", "--target-interval", "--clock-mhz", "--part"]
ESTIMATE_OPTIONS = ["--clock-ns", "--pipeline-loops", "--tool", "--flow", "--source-part", "--arg", "-D", "--top"]
KERNEL = """
void scale_add(int a[64], int b[64], int k) {
    for (int i = 0; i < 64; i++) {
        b[i] = a[i] * k + b[i];
    }
}
"""
SPEC = {
    "kernel": "matmul",
    "shape": [16, 8, 16],
    "model": "analytic",
    "sampling": "grid",
    "base": {"axi_width_bits": 64},
    "fields": {"tile_u": [8, 16], "buffering": ["single", "ping_pong"]},
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small kernel, broken sources, broken ONNX files and truncated exports."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "kernel.cpp").write_text(KERNEL)
    (root / "empty.cpp").write_text("")
    (root / "garbage.cpp").write_bytes(b"\xff\xfe void f( { for (;;")
    (root / "nothing.onnx").write_bytes(b"")
    (root / "garbage.onnx").write_bytes(b"\x08\x07garbage" * 10)
    exports = []
    for name, damage in (("no_manifest", "manifest.json"), ("no_weights", "weights.npz")):
        folder = root / name
        folder.mkdir()
        (folder / "weights.npz").write_bytes(b"PK\x03\x04truncated")
        (folder / "manifest.json").write_text('{"format": "cnnacc-weights", "version"')
        (folder / damage).unlink()
        exports.append(folder)
    half = root / "half_manifest"
    half.mkdir()
    (half / "manifest.json").write_text(json.dumps({"format": "cnnacc-weights", "version": 1, "layers": []})[:-5])
    exports.append(half)
    save_network(small_network(0)[0], root / "good")  # a whole export, for the commands that build from one
    exports.append(root / "good")
    return root, exports


def invocation(draw, root, exports) -> tuple[list[str], object]:
    """A generated command line and the path it would write (or None)."""
    kind = draw(st.sampled_from(["estimate", "sweep", "infer", "import", "dataflow"]))
    if kind == "estimate":
        source = draw(st.sampled_from(["kernel.cpp", "empty.cpp", "garbage.cpp", "missing.cpp"]))
        pairs = draw(st.lists(st.tuples(st.sampled_from(ESTIMATE_OPTIONS), HOSTILE_TEXT), max_size=2))
        top = [] if any(option == "--top" for option, _ in pairs) else ["--top", "scale_add"]
        return ["hls-estimate", str(root / source), *top, *[x for pair in pairs for x in pair], "--json"], None
    if kind == "sweep":
        spec = json.loads(json.dumps(SPEC))
        where = draw(st.sampled_from(["kernel", "shape", "model", "sampling", "base", "fields", "tile_u", "extra"]))
        value = draw(HOSTILE_VALUE)
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)  # JSON has no NaN: the file carries the text
        if where == "tile_u":
            spec["fields"]["tile_u"] = value
        else:
            spec[where] = value
        path = root / "spec.json"
        path.write_text(json.dumps(spec) if draw(st.booleans()) else json.dumps(spec)[: draw(st.integers(0, 40))])
        out = root / "out" / "sweep.csv"
        shutil.rmtree(out.parent, ignore_errors=True)
        out.parent.mkdir()
        return ["sweep", str(path), "--out", str(out), "--quiet"], out
    if kind == "infer":
        folder = draw(st.sampled_from(exports))
        return ["infer", str(folder), "--limit", draw(HOSTILE_TEXT)], None
    if kind == "dataflow":
        folder, out = draw(st.sampled_from(exports)), root / "dataflow"
        shutil.rmtree(out, ignore_errors=True)
        pairs = draw(st.lists(st.tuples(st.sampled_from(DATAFLOW_OPTIONS), HOSTILE_TEXT), max_size=2))
        return ["dataflow", str(folder), "--out", str(out), *[x for pair in pairs for x in pair], "--json"], out
    model = draw(st.sampled_from(["nothing.onnx", "garbage.onnx", "missing.onnx"]))
    out = root / "imported"
    shutil.rmtree(out, ignore_errors=True)
    return ["import", str(root / model), str(out)], out


@pytest.mark.slow
def test_generated_file_commands_work_or_refuse_in_one_line_and_write_nothing_when_refused(files):
    root, exports = files
    seen = {"calls": 0, "refused": 0}

    @settings(max_examples=CLI_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def check(data):
        argv, output = invocation(data.draw, root, exports)
        code, err = _run(argv)
        seen["calls"] += 1
        assert code in (0, 2), (argv, code, err)
        assert "Traceback" not in err, (argv, err)
        if code == 2:
            seen["refused"] += 1
            assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
            if output is not None:
                assert not output.exists(), (argv, "written although refused")

    check()
    assert seen["calls"] >= CLI_EXAMPLES and seen["refused"] > 0


CONSTRUCTORS = {
    SearchConfig: list(SearchConfig.__dataclass_fields__),
    QuantSpec: list(QuantSpec.__dataclass_fields__),
}


@pytest.mark.slow
def test_specs_and_targets_given_one_hostile_field_work_or_raise_a_one_line_value_or_type_error():
    calls = {"count": 0}

    @settings(max_examples=API_EXAMPLES, deadline=None, derandomize=True, database=None)
    @given(st.data())
    def check(data):
        kind = data.draw(st.sampled_from([*CONSTRUCTORS, PruneSpec, Target]))
        value = data.draw(HOSTILE_VALUE)
        calls["count"] += 1
        try:
            if kind is PruneSpec:
                field = data.draw(
                    st.sampled_from(["target", "criterion", "scope", "fractions", "threshold", "multiple"])
                )
                PruneSpec(**({"fractions": (0.5,)} if field != "fractions" and field != "threshold" else {}),
                          **{field: value})  # fmt: skip
            elif kind is Target:
                Target(clock_ns=value) if data.draw(st.booleans()) else Target(family=value)
            else:
                kind(**{data.draw(st.sampled_from(CONSTRUCTORS[kind])): value})
        except (ValueError, TypeError) as error:
            assert "\n" not in str(error) and str(error), (kind, value, str(error))

    check()
    assert calls["count"] >= API_EXAMPLES


@pytest.mark.parametrize("define", ["", "=1", "1X=2", "A B", "A\nB=1"])
def test_a_macro_that_is_not_name_or_name_value_is_refused_in_one_line(files, define):
    # found by the generated command lines: clang refused '-D' with no name, a traceback
    root, _ = files
    code, err = _run(["hls-estimate", str(root / "kernel.cpp"), "--top", "scale_add", "-D", define])
    assert code == 2 and "is not NAME or NAME=VALUE" in err and err.count("\n") == 1
