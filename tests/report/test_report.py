"""The report, built end to end in quick mode, renders with every image, answers every spec
question in the spec's order, and prints only numbers that come from results.json."""

import json

import pytest

from reports.build import build_report
from tests.report.checks import SPEC_QUESTIONS, render, untraced_numbers


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    build_report(out, quick=True, progress=False)
    return out


@pytest.mark.slow
def test_report_files_exist(report):
    for name in ("report.md", "report.html", "results.json"):
        assert (report / name).stat().st_size > 0
    assert json.loads((report / "results.json").read_text())["baseline"]["accuracy"] > 0.9


@pytest.mark.slow
def test_html_renders_with_every_image_loaded(report):
    screenshot = report / "screenshot.png"
    status = render(report / "report.html", screenshot)
    figures = list((report / "figures").glob("*.png"))
    assert status["broken"] == [] and status["images"] == len(figures) >= 8
    assert screenshot.stat().st_size > 10_000


@pytest.mark.slow
def test_every_spec_question_is_answered_in_order(report):
    text = (report / "report.md").read_text()
    positions = []
    for question, marker in SPEC_QUESTIONS:
        assert marker in text, f"no answer to {question} (looked for {marker!r})"
        positions.append(text.index(marker))
    assert positions == sorted(positions), "answers are not in the spec's order"


@pytest.mark.slow
def test_every_number_in_the_text_comes_from_results_json(report):
    text = (report / "report.md").read_text()
    results = json.loads((report / "results.json").read_text())
    assert untraced_numbers(text, results) == []
