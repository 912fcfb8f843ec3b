"""Task 1b's sweep of the clip, rendered from records made up so each verdict is known."""

from compress.study import StudyRecord
from reports.noise import compare
from reports.quantization_text import falling_rows, falling_text, sweep_text


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


def _rows(accuracies: dict[int, float], scheme="asymmetric", granularity="global", range_name="mse"):
    return [StudyRecord(scheme, granularity, range_name, None, b, None, a) for b, a in accuracies.items()]


def _layer(zero_point: int, real: float, outside: float, shift: float) -> dict:
    return {"zero_point": zero_point, "real_zero_point": real, "low": -0.3, "high": 0.2, "outside": outside,
            "summed_error": shift}  # fmt: skip


def test_a_row_falls_only_when_the_drop_to_the_wider_width_exceeds_the_noise():
    records = _rows({3: 0.81, 4: 0.74, 5: 0.80}) + _rows({3: 0.88, 4: 0.879}, granularity="layer")
    records += [StudyRecord("asymmetric", "channel", "mse", None, b, None, a) for b, a in ((3, 0.9), (4, 0.5))]
    falls = falling_rows(records, 10_000)
    assert [(a.bits, b.bits, b.granularity) for a, b in falls] == [(3, 4, "global")]  # per channel: not diagnosed


def test_the_text_of_a_falling_row_names_the_width_with_the_largest_shift():
    (fall,) = falling_rows(_rows({3: 0.81, 4: 0.74, 5: 0.80}), 10_000)
    noted = []

    def versus(a, b, label):
        noted.append(compare(a, b, 10_000, label))
        return noted[-1]

    shifts = {"3": (4, 4.48, 0.21), "4": (10, 9.59, -0.92), "5": (20, 19.83, -0.12)}
    found = {w: {"conv1": _layer(z, r, 0.5, 0.1), "fc1": _layer(z, r, 0.01, s)} for w, (z, r, s) in shifts.items()}
    text = falling_text([fall], [found], versus)
    assert "falls from 3 to 4 bits* (81.00 -> 74.00 %" in text and noted[0].text() in text
    assert "| fc1 | 1.0 / +0.21 | 1.0 / -0.92 | 1.0 / -0.12 |" in text
    assert "at 4 bits fc1's pre-activations move by -0.92" in text
    assert "rounds down by 0.48 of a step at 3 bits and up by 0.41 of a step at 4 bits" in text
    found["5"]["fc1"]["summed_error"] = -2.0  # the largest shift elsewhere: no cause claimed
    assert "do not single out the width" in falling_text([fall], [found], versus)
    assert falling_text([], [], versus).startswith("*Rows that fall with more bits.* None")
