"""Task 1b's sweep of the clip, rendered from records made up so each verdict is known."""

from compress.study import StudyRecord
from reports.noise import compare
from reports.quantization_text import sweep_text


def _record(granularity: str, range_name: str, bits: int, accuracy: float, percentile: float | None = None):
    return StudyRecord("symmetric", granularity, range_name, percentile, bits, None, accuracy)


def test_the_sweep_names_the_best_clip_per_width_and_judges_it_against_the_full_range_by_the_noise():
    records = [_record(g, r, b, 0.80) for g in ("global", "layer") for r in ("full", "mse") for b in (2, 4)]
    sweep = [
        _record("global", "percentile", 2, 0.50, 99.0),
        _record("global", "percentile", 2, 0.70, 99.9),  # 10 points under the full range at 2 bits
        _record("global", "percentile", 4, 0.85, 99.0),  # 5 points over it at 4 bits
        _record("global", "percentile", 4, 0.84, 99.9),
        _record("layer", "percentile", 2, 0.801, 99.0),  # within noise of the full range
        _record("layer", "percentile", 2, 0.60, 99.9),
        _record("layer", "percentile", 4, 0.79, 99.0),
        _record("layer", "percentile", 4, 0.80, 99.9),
    ]
    noted = []

    def versus(a, b, label):
        noted.append(compare(a, b, 10_000, label))
        return noted[-1]

    rows, prose = sweep_text(sweep, records, versus)
    assert rows[0] == ["global / full", "80.00", "80.00"]
    assert rows[1:3] == [["global / p99", "50.00", "85.00"], ["global / p99.9", "70.00", "84.00"]]
    assert [row[0] for row in rows] == [
        f"{g} / {c}" for g in ("global", "layer") for c in ("full", "p99", "p99.9", "mse")
    ]
    assert "the most accurate percentile is p99.9 at 2 bits, p99 at 4 bits" in prose
    assert "better beyond noise at 4 bits" in prose and "worse beyond noise at 2 bits" in prose
    assert "within noise at 2, 4 bits" in prose  # one range per layer: 80.1 and 80.0 against 80
    # every verdict comes from a recorded comparison: two per granularity and the 4-bit gap
    assert len(noted) == 5 and "best per-layer clip (p99.9, 80.00 %)" in prose
