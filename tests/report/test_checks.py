"""The report's comparison check on small texts: a claim between two accuracies must quote the
noise helper's verdict, recorded in results.json."""

from reports.noise import compare
from tests.report.checks import sentences, unbacked_comparisons

BEYOND = compare(0.92, 0.90, 10_000, "clipped vs full, 2 bits")  # +2.00 pt, 4.9 SE: beyond noise
WITHIN = compare(0.9202, 0.92, 10_000, "clipped vs full, 5 bits")  # +0.02 pt, 0.1 SE: within noise
RESULTS = {"quantization": {"noise": [BEYOND.to_json(), WITHIN.to_json()]}}


def test_the_old_clipping_sentence_without_verdicts_is_caught():
    text = (
        "Clipping helps (a clipped range beats the full one) for the symmetric scheme at 2, 3, 4 bits "
        "and hurts at 5, 6, 8, 16 bits."
    )
    assert [p.split(":")[0] for p in unbacked_comparisons(text, RESULTS)] == ["no noise verdict"]


def test_a_maximum_loss_written_as_within_is_caught():
    assert unbacked_comparisons("Every scheme is within 0.04 pt of FP32.", RESULTS)


def test_helps_backed_only_by_a_difference_within_noise_is_caught():
    text = f"Clipping helps at 5 bits ({WITHIN.text()})."
    assert unbacked_comparisons(text, RESULTS)[0].startswith("a higher/lower claim")


def test_claims_quoting_recorded_verdicts_pass():
    text = f"Clipping is better at 2 bits ({BEYOND.text()}) and within noise at 5 bits ({WITHIN.text()})."
    assert unbacked_comparisons(text, RESULTS) == []


def test_a_verdict_typed_by_hand_or_with_the_wrong_word_is_caught():
    assert unbacked_comparisons("It is better (+0.30 pt, 2.9 SE: beyond noise).", RESULTS)
    assert unbacked_comparisons(f"It is within noise ({BEYOND.text().replace('beyond', 'within')}).", RESULTS)


def test_a_verdict_recorded_at_another_threshold_is_not_the_helpers():
    loose = compare(0.9202, 0.92, 10_000, z=0.05)  # "beyond noise" at 0.05 standard errors
    text = f"It is better ({loose.text()})."
    problems = unbacked_comparisons(text, {"x": {"noise": [loose.to_json()]}})
    assert problems and "not the helper's" in problems[0]


def test_the_words_about_cycles_codes_and_tolerances_are_not_accuracy_comparisons():
    text = (
        "The schedule is within 1.21x of it. Every output code is within one code (99.99 %). "
        "A smaller array is as fast (within 5 % of the fastest) from 64 DSPs."
    )
    assert unbacked_comparisons(text, RESULTS) == []


def test_sentences_split_at_full_stops_table_rows_and_list_items_not_decimals():
    text = "Accuracy 91.25 % here. Next one.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n- item one\n- item two"
    assert sentences(text) == [
        "Accuracy 91.25 % here.",
        "Next one.",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "- item one",
        "- item two",
    ]


def test_a_one_channel_winner_is_explained_and_a_wider_one_is_not():
    from reports.pruning_text import one_channel_text

    wide = {"conv_channels": [4, 3], "fc_hidden": [256], "accuracy": 0.87}
    narrow = {"conv_channels": [1, 1], "fc_hidden": [256], "accuracy": 0.866}
    assert one_channel_text({"filter": wide, "channel": None}) == ""
    text = one_channel_text({"filter": wide, "channel": narrow})
    assert "channel-wise winner, conv 1/1, fc 256" in text and "86.60 %" in text
