"""The main job: build every report section and write reports/out/."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from compress.baseline import evaluate_checkpoint, train_baseline
from compress.checkpoint import load_checkpoint
from compress.data import load_fashion_mnist
from compress.observe import QuantSpec
from compress.study import (
    CALIBRATION_IMAGES,
    STUDY_BITS,
    SWEEP_BITS,
    StudyRecord,
    percentile_sweep,
    row_diagnostics,
    run_study,
    weight_ranges,
)
from compress.train import predict
from reports.baseline import baseline_section, measure_baseline
from reports.dataflow import dataflow_section, measure_dataflow_section
from reports.document import page_style, write_report
from reports.estimates import estimates_section, measure_estimates
from reports.network import measure_network_section, network_section
from reports.operators import measure_operators, operators_section
from reports.pruning import pruning_results, pruning_section
from reports.quantization import quantization_section
from reports.quantization_text import falling_rows
from reports.submission import submission_section
from simulator.contract.numerics import V_MAX
from simulator.interop.onnx_agreement import runtime_agreement

TITLE = "cnnacc: a quantized CNN and its accelerator, before synthesis (accuracies measured, hardware estimated)"


QUICK_STUDY_BITS = (2, 4, 8)


def constants() -> dict:
    """Fixed numbers the text quotes: the spec's shapes and targets, the contract's widths."""
    return {
        "study_bits": list(STUDY_BITS),
        "matmul_shape_uvw": [64, 32, 64],
        "im2col_src_mnc_k": [32, 32, 3, 3],
        "accuracy_targets_percent": [80, 85, 90],
        "calibration_images": CALIBRATION_IMAGES,
        "contract": {
            "M0_fraction_bits_N": 31,
            "accumulator_bits": 32,
            "product_bits": 64,
            "v_max": V_MAX,
            "uint8_max": 255,
            "M0_range_exponents": [30, 31],
            "operand_bits": 9,
            "pool": 2,
            "kernel": 3,
        },
        "real_product_first_row": [1.5, 1.0, -4.5, -5.0],
    }


def shipped_low_bit(train_split, test_split) -> dict:
    """The shipped quantization-aware model (``cnnacc quantize --qat``) on the test set, if shipped."""
    from compress.checkpoint import SHIPPED_DIR
    from compress.quantize_commands import LOW_BIT_NAME, evaluate_low_bit

    if not (SHIPPED_DIR / f"{LOW_BIT_NAME}.pt").is_file():
        return {}
    return {"qat": evaluate_low_bit(LOW_BIT_NAME, train_split=train_split, test_split=test_split)}


def measure(
    out_dir: str | Path = "reports/out",
    *,
    retrain: bool = False,
    data_dir=None,
    progress: bool = True,
    quick: bool = False,
) -> dict:
    """Every measurement of the report (training or loading, studies, C++ builds, simulations),
    JSON-ready: the sections render from this alone.

    quick : study only 2, 4 and 8 bits (for tests); everything else is the full report.
    """
    train_split = load_fashion_mnist("train", data_dir)
    test_split = load_fashion_mnist("test", data_dir)
    model_name = "baseline"
    if retrain:
        model_name = str(Path(out_dir) / "baseline")
        train_baseline(output=model_name, data_dir=data_dir, progress=progress)
    evaluation = evaluate_checkpoint(model_name, data_dir=data_dir)
    model, _ = load_checkpoint(model_name)
    records = run_study(
        model, train_split, test_split, progress=progress, bits=QUICK_STUDY_BITS if quick else STUDY_BITS
    )
    sweep_bits = tuple(b for b in SWEEP_BITS if b in QUICK_STUDY_BITS) if quick else SWEEP_BITS
    sweep = percentile_sweep(model, test_split, bits=sweep_bits, progress=progress)
    net = model.save_weights(Path(out_dir) / "export_baseline_w8a8", data_dir=data_dir, onnx=True)
    onnx = {
        rounding: runtime_agreement(dataclasses.replace(net, rounding=rounding), test_split.images)
        for rounding in ("floor", "nearest")
    }
    network = measure_network_section(net, test_split, lambda: predict(model, test_split), evaluation["accuracy"])
    return {
        "baseline": measure_baseline(train_split, test_split, evaluation),
        "quantization": {
            "records": [record.to_json() for record in records],
            "fp32": evaluation["accuracy"],
            "ranges": weight_ranges(model),
            "percentile_sweep": [record.to_json() for record in sweep],
            "row_diagnostics": falling_diagnostics(model, records, len(test_split)),
            **shipped_low_bit(train_split, test_split),
        },
        "pruning": pruning_results(data_dir, train_split=train_split, test_split=test_split) | {"onnx": onnx},
        "operators": measure_operators(),
        "estimates": measure_estimates(),
        "network": network,
        "dataflow": measure_dataflow_section(net, network["timing"], test_split, quick=quick),
    }


def render(measurements: dict, out_dir: str | Path = "reports/out", paper: str = "A4") -> list[Path]:
    """Write the report from ``measure``'s output: pure rendering, nothing is measured."""
    sections = [
        baseline_section(measurements["baseline"]),
        quantization_section(measurements["quantization"], measurements["baseline"]["test_images"]),
        pruning_section(measurements["pruning"]),
        operators_section(measurements["operators"]),
        *([estimates_section(measurements["estimates"])] if "estimates" in measurements else []),
        network_section(measurements["network"]),
        *([dataflow_section(measurements["dataflow"])] if "dataflow" in measurements else []),
    ]
    sections.append(submission_section([section.title for section in sections], paper))
    return write_report(sections, out_dir, TITLE, constants(), measurements, paper=paper)


def build_report(
    out_dir: str | Path = "reports/out",
    *,
    retrain: bool = False,
    data_dir=None,
    progress: bool = True,
    quick: bool = False,
    paper: str = "A4",
) -> list[Path]:
    """Measure everything, then render the report into ``out_dir``."""
    page_style(paper)  # a bad paper size fails before hours of measuring
    measurements = measure(out_dir, retrain=retrain, data_dir=data_dir, progress=progress, quick=quick)
    return render(measurements, out_dir, paper)


def render_from(results_json: str | Path, out_dir: str | Path | None = None, paper: str = "A4") -> list[Path]:
    """Re-render a report from the "measurements" of its results.json, without measuring.

    Raises
    ------
    FileNotFoundError, ValueError
        For a missing file or one without the measurements of a report.
    """
    path = Path(results_json)
    if not path.is_file():
        raise FileNotFoundError(f"report --from: {path} does not exist")
    data = json.loads(path.read_text())
    if "measurements" not in data:
        raise ValueError(f"report --from: {path} has no 'measurements'; it was not written by cnnacc report")
    return render(data["measurements"], path.parent if out_dir is None else out_dir, paper)


def falling_diagnostics(model, records: list[StudyRecord], n: int) -> list[dict]:
    """``compress.study.row_diagnostics`` of every row that falls with more bits
    (``falling_rows``), at the two widths and the next wider one studied."""
    found = []
    for narrow, wide in falling_rows(records, n):
        studied = sorted({r.bits for r in records if r.label == wide.label and r.activations is None})
        widths = (narrow.bits, wide.bits, *[b for b in studied if b > wide.bits][:1])
        spec = QuantSpec(scheme=wide.scheme, range=wide.range, bits=wide.bits, percentile=wide.percentile or 99.99)
        diagnostics = row_diagnostics(model, spec, wide.granularity, widths)
        found.append(
            {"label": wide.label, "bits": wide.bits, "diagnostics": {str(b): v for b, v in diagnostics.items()}}
        )
    return found
