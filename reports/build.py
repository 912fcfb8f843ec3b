"""The main job: build every report section and write reports/out/."""

from __future__ import annotations

from pathlib import Path

from compress.baseline import evaluate_checkpoint, train_baseline
from compress.data import load_fashion_mnist
from reports.baseline import baseline_section
from reports.document import write_report

TITLE = "cnnacc: a quantized CNN and its accelerator operators, measured before synthesis"


def build_report(out_dir: str | Path = "reports/out", *, retrain: bool = False, data_dir=None) -> list[Path]:
    """Build the report from the shipped checkpoints (or retrain the baseline first)."""
    train_split = load_fashion_mnist("train", data_dir)
    test_split = load_fashion_mnist("test", data_dir)
    if retrain:
        train_baseline(output=str(Path(out_dir) / "baseline"), data_dir=data_dir)
        model_name = str(Path(out_dir) / "baseline")
    else:
        model_name = "baseline"
    evaluation = evaluate_checkpoint(model_name, data_dir=data_dir)
    sections = [baseline_section(train_split, test_split, evaluation)]
    return write_report(sections, out_dir, TITLE)
