"""The submission archive (spec Part 3): source, report and exported models, with a manifest.

``write_archive(path)`` writes a .tgz holding, under one top folder,
- ``source/``: every file git tracks (nothing from .venv, caches or build folders);
- ``report/``: report.md, report.html, report.pdf (when written), results.json, the figures,
  and every exported model folder of the report (those holding a manifest.json);
- ``MANIFEST.json``: the SHA-256 of every other file in the archive.
The archive is written to a temporary file and moved into place, then verified.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = "cnnacc-submission"
ARCHIVE_NAME = "lab3_archive.tgz"  # as the handout's Part 3 names it; `make archive` writes it
REPORT_FILES = ("report.md", "report.html", "report.pdf", "results.json")
REQUIRED_REPORT_FILES = ("report.md", "report.html", "results.json")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tracked_sources(root: Path = ROOT) -> list[Path]:
    """The files git tracks under ``root`` (which must be a git checkout)."""
    if not (root / ".git").exists():
        raise FileNotFoundError(f"archive: {root} is not a git checkout; the source list comes from git ls-files")
    names = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    return [root / name for name in names.splitlines() if (root / name).is_file()]


def report_files(report_dir: Path) -> list[Path]:
    """The report's files and its exported models; FileNotFoundError if the report is missing."""
    missing = [name for name in REQUIRED_REPORT_FILES if not (report_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"archive: {report_dir} has no {', '.join(missing)}; run cnnacc report first")
    files = [report_dir / name for name in REPORT_FILES if (report_dir / name).is_file()]
    files += sorted((report_dir / "figures").glob("*.png"))
    for export in sorted(path.parent for path in report_dir.glob("*/manifest.json")):
        files += sorted(path for path in export.rglob("*") if path.is_file())
    return files


def write_archive(path: str | os.PathLike, *, report_dir: str | os.PathLike = "reports/out", root: Path = ROOT):
    """Write and verify the archive; returns (path, manifest)."""
    path, report = Path(path), Path(report_dir)
    members = [(f"{TOP}/source/{file.relative_to(root).as_posix()}", file) for file in tracked_sources(root)]
    members += [(f"{TOP}/report/{file.relative_to(report).as_posix()}", file) for file in report_files(report)]
    manifest = {"files": {name: sha256(file.read_bytes()) for name, file in members}}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            for name, file in members:
                tar.add(file, arcname=name, recursive=False)
            data = (json.dumps(manifest, indent=2) + "\n").encode()
            info = tarfile.TarInfo(f"{TOP}/MANIFEST.json")
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    verify_archive(path)
    return path, manifest


def verify_archive(path: str | os.PathLike) -> dict:
    """The manifest of the archive at ``path``, after checking every file against it.

    Raises
    ------
    ValueError
        Naming the first file that is missing, extra, or whose SHA-256 differs.
    """
    with tarfile.open(path, "r:gz") as tar:
        manifest_file = tar.extractfile(f"{TOP}/MANIFEST.json")
        if manifest_file is None:
            raise ValueError(f"archive {path}: no {TOP}/MANIFEST.json")
        manifest = json.loads(manifest_file.read())
        seen = set()
        for member in tar.getmembers():
            if member.name == f"{TOP}/MANIFEST.json" or not member.isfile():
                continue
            content = tar.extractfile(member)
            expected = manifest["files"].get(member.name)
            if content is None or expected is None:
                raise ValueError(f"archive {path}: {member.name} is not in the manifest")
            if sha256(content.read()) != expected:
                raise ValueError(f"archive {path}: {member.name} does not match its SHA-256 in the manifest")
            seen.add(member.name)
        missing = sorted(set(manifest["files"]) - seen)
        if missing:
            raise ValueError(f"archive {path}: {missing[0]} is in the manifest but not in the archive")
    return manifest


__all__ = ["ARCHIVE_NAME", "verify_archive", "write_archive"]
