"""Response and remission (§5.1): remission first, then a >= 50 % fall from baseline, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.instruments.outcomes import (
    DEFAULT_CUTOFFS,
    MADRS_PRESETS,
    Cutoffs,
    InvalidCutoffs,
    classify,
    cutoffs_for,
    response_line,
)


@pytest.mark.parametrize(
    ("code", "baseline", "current", "outcome"),
    [
        ("phq9", 20, 9, "response"),  # the example: a 55 % fall, not below 5
        ("phq9", 20, 4, "remission"),  # PHQ-9 < 5 [PHQ-METRICS]
        ("phq9", 8, 5, "none"),  # 5 is not < 5; a 37.5 % fall
        ("phq9", 20, 10, "response"),  # exactly 50 %
        ("phq9", 20, 11, "none"),  # 45 %
        ("phq9", 20, 25, "none"),  # worse
        ("qids_sr16", 12, 5, "remission"),  # QIDS-SR16 <= 5 [QIDS-HIBOOP]
        ("qids_sr16", 12, 6, "response"),
        ("qids_sr16", 8, 6, "none"),
        ("gad7", 15, 4, "remission"),  # GAD-7 < 5 (UNVERIFIED default)
        ("gad7", 8, 5, "none"),
        ("madrs", 30, 10, "remission"),  # MADRS <= 10 (issue 3 default)
        ("madrs", 30, 11, "response"),  # 11 is not <= 10, but a 63 % fall
        ("madrs", 14, 11, "none"),
        ("madrs", 30, 15, "response"),
        ("pcl5", 50, 25, "response"),  # no remission cut-off: response only
        ("pcl5", 50, 0, "response"),
        ("pcl5", 50, 26, "none"),
        ("peg", Decimal("6.67"), Decimal("3.33"), "response"),  # 50.07 % fall
        ("peg", Decimal("6.67"), Decimal("3.34"), "none"),  # 49.93 % fall
        ("cssrs_screen", 6, 0, "none"),  # a most-severe-item number is not a scale
    ],
)
def test_default_classification(
    code: str, baseline: int | Decimal, current: int | Decimal, outcome: str
):
    assert classify(code, baseline, current) == outcome


@pytest.mark.parametrize(
    ("baseline", "current", "outcome"),
    [
        (200, 100, "response"),  # exactly 50 %
        (200, 101, "none"),  # 49.5 %
        (Decimal("0.70"), Decimal("0.35"), "response"),  # exactly 50 % in Decimal
        (Decimal("0.70"), Decimal("0.36"), "none"),
    ],
)
def test_response_at_exactly_fifty_percent_and_just_short_of_it(
    baseline: int | Decimal, current: int | Decimal, outcome: str
):
    assert classify("pcl5", baseline, current) == outcome


@pytest.mark.parametrize(("baseline", "current"), [(0, 0), (0, 5)])
def test_a_zero_baseline_is_never_a_response(baseline: int, current: int):
    assert classify("pcl5", baseline, current) == "none"


def test_a_zero_baseline_still_shows_remission_when_below_the_cutoff():
    assert classify("phq9", 0, 0) == "remission"


@pytest.mark.parametrize(
    ("preset", "current", "outcome"),
    [
        ("issue_default_le_10", 10, "remission"),
        ("issue_default_le_10", 11, "none"),
        ("esketamine_trials_le_12", 12, "remission"),  # [SUSTAIN3-T3]
        ("esketamine_trials_le_12", 13, "none"),
        ("hawley_lt_10", 9, "remission"),  # [MADRS-HAWLEY]
        ("hawley_lt_10", 10, "none"),
    ],
)
def test_madrs_presets(preset: str, current: int, outcome: str):
    assert classify("madrs", 13, current, MADRS_PRESETS[preset]) == outcome


def test_a_clinic_override_replaces_the_default_cutoffs():
    strict = Cutoffs("lt", 3, response_drop_percent=60, source="clinic policy")
    assert classify("phq9", 20, 4, strict) == "response"
    assert classify("phq9", 20, 9, strict) == "none"  # 55 % < 60 %
    assert classify("phq9", 20, 2, strict) == "remission"


def test_cutoffs_without_a_response_rule_only_ever_say_remission_or_none():
    remission_only = Cutoffs("le", 5, response_drop_percent=None)
    assert classify("qids_sr16", 27, 6, remission_only) == "none"


def test_defaults_exist_for_every_instrument_and_name_a_source():
    from ketacare.core.instruments import INSTRUMENTS

    assert set(DEFAULT_CUTOFFS) == set(INSTRUMENTS)
    assert all(cutoffs.source for cutoffs in DEFAULT_CUTOFFS.values())
    assert "UNVERIFIED" in DEFAULT_CUTOFFS["gad7"].source


def test_unknown_instrument_cutoffs_name_the_known_ones():
    with pytest.raises(InvalidCutoffs, match=r"No cut-offs for instrument 'phq8'; known .*phq9"):
        cutoffs_for("phq8")


@pytest.mark.parametrize(
    ("operator", "value", "percent", "message"),
    [
        ("gt", 5, 50, "operator 'gt' is not allowed"),
        ("lt", None, 50, "needs both an operator and a value"),
        (None, 5, 50, "needs both an operator and a value"),
        ("lt", 5, 0, "1-100 %; got 0 %"),
        ("lt", 5, 101, "1-100 %; got 101 %"),
    ],
)
def test_impossible_cutoffs_are_refused(
    operator: str | None, value: int | None, percent: int, message: str
):
    with pytest.raises(InvalidCutoffs, match=message):
        Cutoffs(operator, value, percent)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cutoffs", "text"),
    [
        (DEFAULT_CUTOFFS["phq9"], "< 5"),
        (DEFAULT_CUTOFFS["qids_sr16"], "≤ 5"),
        (DEFAULT_CUTOFFS["pcl5"], ""),
    ],
)
def test_the_remission_rule_reads_as_a_comparison(cutoffs: Cutoffs, text: str):
    assert cutoffs.remission_text == text


@pytest.mark.parametrize(
    ("baseline", "cutoffs", "line"),
    [
        (20, DEFAULT_CUTOFFS["phq9"], Decimal(10)),
        (15, DEFAULT_CUTOFFS["phq9"], Decimal("7.5")),
        (20, Cutoffs(None, None, 60), Decimal(8)),
        (Decimal("6.67"), DEFAULT_CUTOFFS["peg"], Decimal("3.335")),
        (0, DEFAULT_CUTOFFS["phq9"], None),
        (5, DEFAULT_CUTOFFS["cssrs_screen"], None),
    ],
)
def test_the_response_line_is_where_a_response_starts(
    baseline: int | Decimal, cutoffs: Cutoffs, line: Decimal | None
):
    assert response_line(baseline, cutoffs) == line


@pytest.mark.parametrize("code", ["cadss", "bprs_positive", "cssrs_screen"])
def test_per_treatment_and_triage_measures_have_no_outcome_class(code: str):
    assert classify(code, baseline_total=20, current_total=2) == "none"
