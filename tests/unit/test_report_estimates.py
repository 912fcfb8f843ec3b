"""The report's section on how far to trust the timing, from a real measurement."""

from __future__ import annotations

import json

import pytest

from reports.estimates import estimates_section, measure_estimates


@pytest.fixture(scope="module")
def measured() -> dict:
    return measure_estimates()


def test_the_section_states_the_assumptions_the_verdicts_on_hls_src_and_both_splits(measured):
    body = estimates_section(measured).body
    assert "vitis_hls:" in body and "64 cycles / 16 outstanding" in body
    for name in ("matmul", "im2col"):  # the C++ is written in idioms Vitis bursts and banks as we say
        verdicts = measured["verdicts"][name]
        assert verdicts["bursts"] and all(entry["inferred"] or entry["within"] for entry in verdicts["bursts"])
        assert verdicts["conflicts"] == []
    assert "Every m_axi access is burst-inferred. No conflict raises an II." in body
    for split in ("calibration", "validation"):
        result = measured["fidelity"][split]
        assert result["cases"] > 0
        assert f"| {result['cases']} | {result['repositories']} | {result['within_10pct']} (" in body
    assert f"{measured['bursts']['agreed']} of {measured['bursts']['sites']} logged access sites" in body
    validation = measured["fidelity"]["validation"]["cases"]
    assert 0 <= measured["consulted"] <= validation
    assert f"{measured['consulted']} of the {validation} were read" in body


def test_the_measurement_names_files_from_the_project_root_only(measured):
    text = json.dumps(measured)
    assert "hls_src/matmul/matmul.cpp" in text
    assert '"/' not in text and "/hls_src" not in text.replace('"hls_src', "")  # no machine path


def test_the_section_sets_every_view_of_a_kernel_beside_its_bound_and_what_worse_verdicts_cost(measured):
    body = estimates_section(measured).body
    for name in ("matmul", "im2col"):
        view = measured["views"][name]
        assert view["memory_bound"] <= view["as_read"] <= view["simpy"]
        assert view["as_read"] < view["bursts_fail"] and view["as_read"] < view["ii_doubled"]
        assert f"| {view['memory_bound']:,} | {view['source']:,} | {view['as_read']:,} | {view['simpy']:,} |" in body


def test_the_designs_where_simpy_and_the_static_rules_part_ways_are_shown_with_their_ratio(measured):
    body = estimates_section(measured).body
    rows = {(row["design"], tuple(row["shape"])): row for row in measured["diverging"]}
    for (design, _), row in rows.items():
        assert row["static"] <= row["simpy"]
        assert f"| {row['static']:,} | {row['simpy']:,} | {row['simpy_over_static']:.2f} |" in body
        if design == "reference design":
            assert row["simpy"] == row["static"]
    # one request in flight: every burst train waits out the round trip the static rules count once
    assert rows[("1 outstanding request", (1, 1568, 256))]["simpy_over_static"] > 2
    assert (
        rows[("one bundle for A, B and out", (64, 32, 64))]["simpy"] > rows[("reference design", (64, 32, 64))]["simpy"]
    )
