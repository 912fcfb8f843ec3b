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


@pytest.mark.slow
def test_report_re_renders_from_results_json_without_measuring(report, tmp_path, monkeypatch):
    """`cnnacc report --from results.json`: the same report.md, from the saved measurements only."""
    import time

    from cnnacc.main import main
    from reports import build

    def refuse(*arguments, **keywords):
        pytest.fail("re-rendering measured something")

    monkeypatch.setattr(build, "measure", refuse)
    start = time.perf_counter()
    assert main(["report", "--from", str(report / "results.json"), "--out", str(tmp_path)]) == 0
    seconds = time.perf_counter() - start
    print(f"report --from re-rendered in {seconds:.1f} s")
    assert (tmp_path / "report.md").read_text() == (report / "report.md").read_text()
    assert json.loads((tmp_path / "results.json").read_text()) == json.loads((report / "results.json").read_text())
    figures = sorted(path.name for path in (report / "figures").iterdir())
    assert sorted(path.name for path in (tmp_path / "figures").iterdir()) == figures
    assert seconds < 120  # a guard against hangs; the closing note quotes the measured time
