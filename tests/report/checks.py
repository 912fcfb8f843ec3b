"""Checks of a written report: rendering in headless Chromium, spec coverage, numbers traced to results.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=5000",
]
PROBE = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const broken = images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));
  document.body.setAttribute('data-images', String(images.length));
  document.body.setAttribute('data-broken', JSON.stringify(broken));
});
</script>"""
# Spec questions in the spec's order (Part 1 Step 1 .. Part 2 Task 3) and the text each answer carries.
SPEC_QUESTIONS = [
    ("baseline provenance", "**Provenance of the baseline"),
    ("Step 1 Task 1a", "**Task 1a"),
    ("Step 1 Task 1b", "**Task 1b"),
    ("Step 1 Task 1c", "**Task 1c"),
    ("Step 1 Task 2", "**Task 2 (weights + activations)"),
    ("Step 2 Task 1", "**Task 1 (structured pruning"),
    ("Step 2 Task 2a", "**Task 2a"),
    ("Step 2 Task 2b", "**Task 2b"),
    ("Step 3", "**Step 3"),
    ("Part 2 how measured", "**How the numbers of Part 2 were obtained"),
    ("Part 2 Task 1", "**Worked example of the spec"),
    ("Part 2 Task 1 report size", "**The u = w = 64, v = 32 run"),
    ("Part 2 Task 3 matmul resources", "The matmul unit uses"),
    ("Part 2 Task 3 matmul design", "**Design.** The kernel"),
    ("Part 2 Task 2", "**The 32 x 32 x 3, 3 x 3 run"),
    ("Part 2 Task 3 im2col resources", "The im2col unit uses"),
    ("Part 2 Task 3 im2col design", "**Design.** A streaming unit"),
    ("whole network", "**Timing on the accelerator"),
    ("design space", "**Design space."),
    ("Part 3", "**Part 3 (submission)"),
]
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")


def render(html_path: Path, screenshot: Path) -> dict:
    """Load the report in headless Chromium; return image counts and write a PNG screenshot."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium is not installed (make test installs it: apt-get install chromium)")
    probe = html_path.with_name("report.probe.html")
    probe.write_text(html_path.read_text().replace("</body>", PROBE + "</body>"))
    profile = html_path.parent / ".chromium-profile"
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    try:
        dom = subprocess.run(
            [*common, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120, check=True
        ).stdout
        subprocess.run(
            [*common, f"--screenshot={screenshot}", "--window-size=1200,4000", probe.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
    finally:
        probe.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)
    images = int(re.search(r'data-images="(\d+)"', dom).group(1))
    broken = json.loads(re.search(r"data-broken=\"([^\"]*)\"", dom).group(1).replace("&quot;", '"'))
    return {"images": images, "broken": broken}


def numeric_leaves(data) -> list[float]:
    if isinstance(data, bool):
        return []
    if isinstance(data, (int, float)):
        return [float(data)]
    if isinstance(data, dict):
        return [x for value in data.values() for x in numeric_leaves(value)]
    if isinstance(data, list):
        return [x for value in data for x in numeric_leaves(value)]
    if isinstance(data, str):  # numbers quoted inside strings (labels, fingerprints)
        return [float(t.replace(",", "")) for t in NUMBER.findall(data)]
    return []


def prose(markdown: str) -> str:
    """The report text without code blocks, image links and headings."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def untraced_numbers(markdown: str, results: dict) -> list[str]:
    """Numbers of the prose and tables that do not come from results.json, as printed or as
    the percentage of a fraction (constants of the spec and the contract are recorded there
    too, under "constants")."""
    values = numeric_leaves({key: value for key, value in results.items() if key != "measurements"})
    missing = []
    for token in NUMBER.findall(prose(markdown)):
        plain = token.replace(",", "")
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        number = float(plain)
        tolerance = 0.5 * 10**-decimals + 1e-9
        if not any(
            abs(v - number) <= tolerance or abs(100 * v - number) <= tolerance or abs(abs(v) - abs(number)) <= tolerance
            for v in values
        ):
            missing.append(token)
    return missing


# Comparisons of two accuracies: every sentence that uses one of these words must quote the noise
# helper's verdict (``reports.noise.Comparison.text``), and a sentence that says one is higher or
# lower must quote at least one verdict "beyond noise".
COMPARISON_WORD = re.compile(r"\b(helps?|hurts?|better|worse|within)\b", re.I)
DIRECTIONAL_WORD = re.compile(r"\b(helps?|hurts?|better|worse)\b", re.I)
VERDICT = re.compile(r"([+-]\d+\.\d+) pt, (\d+\.\d) SE(?:, McNemar p = [\d.e+-]+)?: (beyond|within) noise")
# The same words about other quantities than accuracy (cycles, output codes, tolerances, latency estimates).
NOT_ACCURACY = re.compile(
    r"within (?:noise|one(?: code)?\b|1e-5|[\d.]+ ?%\)? of the (?:fastest|real top latency)|[\d.]+x of it)"
    r"|far better than kernels they were not|verdicts made worse",
    re.I,
)


def sentences(text: str) -> list[str]:
    """Sentences of the prose; every table row and list item is one."""
    pieces = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[|-] )|\n(?=\|)", text):
        pieces += re.split(r"(?<=[.!?])\s+(?=[A-Z*(])", " ".join(block.split()))
    return [piece for piece in pieces if piece]


def recorded_comparisons(results) -> list[dict]:
    """Every comparison the report recorded (``Comparison.to_json``), anywhere in results.json."""
    if isinstance(results, dict):
        if {"a", "b", "n", "difference_pt", "z", "exceeds", "method"} <= results.keys():
            return [results]
        return [c for value in results.values() for c in recorded_comparisons(value)]
    if isinstance(results, list):
        return [c for value in results for c in recorded_comparisons(value)]
    return []


def unbacked_comparisons(markdown: str, results: dict) -> list[str]:
    """Sentences comparing accuracies without the noise helper's verdict, and verdicts that do
    not match a comparison recorded in results.json or the helper's own judgement of it."""
    from reports.noise import BINOMIAL, compare

    recorded = recorded_comparisons({key: value for key, value in results.items() if key != "measurements"})
    problems = []
    for sentence in sentences(prose(markdown)):
        words = COMPARISON_WORD.findall(NOT_ACCURACY.sub("", sentence))
        verdicts = VERDICT.findall(sentence)
        if words and not verdicts:
            problems.append(f"no noise verdict: {sentence}")
        elif DIRECTIONAL_WORD.search(NOT_ACCURACY.sub("", sentence)) and not any(v[2] == "beyond" for v in verdicts):
            problems.append(f"a higher/lower claim with no difference beyond noise: {sentence}")
        for difference, z, word in verdicts:
            matching = [
                c
                for c in recorded
                if f"{c['difference_pt']:+.2f}" == difference
                and f"{c['z']:.1f}" == z
                and c["exceeds"] == (word == "beyond")
            ]
            if not matching:
                problems.append(f"verdict '{difference} pt, {z} SE: {word} noise' is not recorded: {sentence}")
            elif any(
                c["method"] == BINOMIAL and compare(c["a"], c["b"], c["n"]).exceeds != c["exceeds"] for c in matching
            ):
                problems.append(f"verdict '{difference} pt, {z} SE: {word} noise' is not the helper's: {sentence}")
    return problems
