"""A non-editable install works: the wheel of the tracked sources, installed into a fresh venv,
builds the HLS C++ of a design (hls_src ships as package data, libraries go to a user cache),
exports the shipped baseline and runs integer inference, from a folder outside the sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING_WARNINGS = ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "is absent from the `packages`")


def run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **options)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_runs_sw_emu_and_infer(tmp_path):
    source = tmp_path / "src"
    for name in run(["git", "ls-files"], cwd=ROOT).stdout.splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    build = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
        ]
    )
    assert not [w for w in PACKAGING_WARNINGS if w in build.stdout + build.stderr]
    wheel = next((tmp_path / "dist").glob("cnnacc-*.whl"))

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # the dependencies (torch, numba, ...) come from this test's environment, not from the network
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)])

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "CNNACC_CACHE_DIR": str(tmp_path / "cache")}
    where = run(
        [str(python), "-c", "import simulator, hls_src; print(simulator.__file__, hls_src.__file__)"],
        cwd=outside,
        env=env,
    ).stdout
    assert str(ROOT) not in where and str(site) in where
    cnnacc = str(venv / "bin" / "cnnacc")
    result = json.loads(
        run(
            [cnnacc, "simulate", "matmul", "--values", "sw_emu", "--tile-u", "8", "--json"], cwd=outside, env=env
        ).stdout
    )
    assert result["extra"]["sw_emu_equal"] is True
    assert list((tmp_path / "cache" / "sw_emu").glob("*/libcnnacc_*.so"))
    run([cnnacc, "export", "exported", "--model", "baseline"], cwd=outside, env=env)
    inferred = json.loads(run([cnnacc, "infer", "exported", "--limit", "200", "--json"], cwd=outside, env=env).stdout)
    assert inferred["images"] == 200 and inferred["accuracy"] > 0.85
