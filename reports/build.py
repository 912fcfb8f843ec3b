"""The main job: build every report section and write reports/out/."""

from __future__ import annotations

from pathlib import Path

from compress.baseline import evaluate_checkpoint, train_baseline
from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.study import run_study
from reports.baseline import baseline_section
from reports.document import write_report
from reports.quantization import quantization_section

TITLE = "cnnacc: a quantized CNN and its accelerator operators, measured before synthesis"


def build_report(out_dir: str | Path = "reports/out", *, retrain: bool = False, data_dir=None,
                 progress: bool = True) -> list[Path]:  # fmt: skip
    """Build the report from the shipped checkpoints (or retrain the baseline first)."""
    train_split = load_fashion_mnist("train", data_dir)
    test_split = load_fashion_mnist("test", data_dir)
    model_name = "baseline"
    if retrain:
        model_name = str(Path(out_dir) / "baseline")
        train_baseline(output=model_name, data_dir=data_dir, progress=progress)
    evaluation = evaluate_checkpoint(model_name, data_dir=data_dir)
    model, _ = load_checkpoint(model_name)
    records = run_study(model, train_split, test_split, progress=progress)
    sections = [
        baseline_section(train_split, test_split, evaluation),
        quantization_section(records, evaluation["accuracy"]),
    ]
    return write_report(sections, out_dir, TITLE)
