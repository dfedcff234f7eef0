"""Eligibility decision rules (issue 4): an override of an absolute contraindication needs a
written justification; a decision expires after the design-default 12 months, or at once when a
fact it read changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketacare.core.eligibility import (
    DEFAULT_VALID_MONTHS,
    changed_facts,
    check_decision,
    expiry,
    stale_reason,
)
from ketacare.core.errors import ValidationFailed

SIGNED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("signed_at", "months", "expires"),
    [
        (SIGNED, DEFAULT_VALID_MONTHS, datetime(2027, 3, 2, 10, 0, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 11, 15, tzinfo=UTC), 3, datetime(2027, 2, 15, tzinfo=UTC)),
    ],
)
def test_a_decision_expires_whole_calendar_months_after_signing(signed_at, months, expires):
    assert expiry(signed_at, months) == expires


def test_a_validity_of_less_than_a_month_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        expiry(SIGNED, 0)
    assert refused.value.by_field().keys() == {"valid_months"}


@pytest.mark.parametrize("decision", ["eligible", "eligible_with_precautions"])
def test_going_ahead_despite_an_absolute_finding_needs_a_justification(decision: str):
    with pytest.raises(ValidationFailed) as refused:
        check_decision(decision, ["relative", "absolute"], "Reviewed.", "  ")
    assert list(refused.value.by_field()) == ["override_justification"]
    assert check_decision(decision, ["absolute"], "Reviewed.", "Cardiology cleared.") is True


@pytest.mark.parametrize(
    ("decision", "kinds"),
    [
        ("not_eligible", ["absolute"]),
        ("eligible", ["relative", "interaction", "caution"]),
        ("eligible_with_precautions", []),
    ],
)
def test_no_justification_is_needed_without_an_override(decision: str, kinds: list[str]):
    assert check_decision(decision, kinds, "Reviewed.", "") is False


def test_a_decision_needs_a_known_choice_and_a_rationale():
    with pytest.raises(ValidationFailed) as refused:
        check_decision("maybe", [], " ", "")
    assert set(refused.value.by_field()) == {"decision", "rationale"}


def test_changed_facts_lists_every_fact_whose_value_differs_including_one_now_unknown():
    snapshot = {"medical.pregnant": False, "vitals.systolic_mmHg": 120, "medications": []}
    current = {"medical.pregnant": True, "vitals.systolic_mmHg": 120}
    assert changed_facts(snapshot, current) == ["medical.pregnant", "medications"]
    assert changed_facts(snapshot, dict(snapshot)) == []


def test_a_decision_is_current_until_it_expires_or_a_fact_it_read_changes():
    expires = expiry(SIGNED)
    snapshot = {"medical.pregnant": False}
    assert stale_reason(SIGNED, expires, snapshot, {"medical.pregnant": False}) == ""
    assert "Expired on 2027-03-02" in stale_reason(expires, expires, snapshot, snapshot)
    assert "medical.pregnant" in stale_reason(SIGNED, expires, snapshot, {"medical.pregnant": True})
    assert "no complete intake" in stale_reason(SIGNED, expires, snapshot, None)
