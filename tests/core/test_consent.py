"""Consent rules (issue 4): every key risk ticked, a typed name, no future date; a signature is
valid only for the latest active document version and until it is withdrawn. Risk wording
restates clinical-reference §3.7 and §11 item 6."""

from __future__ import annotations

from datetime import date

import pytest

from ketacare.core.consent import (
    DEFAULT_KEY_RISKS,
    LatestDocument,
    SignedConsent,
    check_signature,
    default_body,
    is_valid,
)
from ketacare.core.enums import KeyRisk
from ketacare.core.errors import ValidationFailed

TODAY = date(2026, 3, 2)
ALL_RISKS = [risk.value for risk in KeyRisk]


def test_every_key_risk_has_default_wording_and_the_template_says_it_is_one():
    assert set(DEFAULT_KEY_RISKS) == set(KeyRisk)
    assert "next day" in DEFAULT_KEY_RISKS[KeyRisk.NO_DRIVING_UNTIL_NEXT_DAY]
    body = default_body("IV ketamine for depression")
    assert body.startswith("TEMPLATE FOR THE CLINIC TO REVIEW")
    assert "IV ketamine for depression" in body


def test_a_complete_signature_passes():
    check_signature(ALL_RISKS, reversed(ALL_RISKS), "Ada Lovelace", TODAY, TODAY)


@pytest.mark.parametrize(
    ("ticked", "name", "signed_on", "fields"),
    [
        (ALL_RISKS[:-1], "Ada Lovelace", TODAY, {"risks"}),
        (ALL_RISKS, "  ", TODAY, {"typed_name"}),
        (ALL_RISKS, "Ada Lovelace", date(2026, 3, 3), {"signed_on"}),
        ([], "", date(2027, 1, 1), {"risks", "typed_name", "signed_on"}),
    ],
)
def test_an_incomplete_signature_is_refused_naming_each_field(ticked, name, signed_on, fields):
    with pytest.raises(ValidationFailed) as refused:
        check_signature(ALL_RISKS, ticked, name, signed_on, TODAY)
    assert set(refused.value.by_field()) == fields


def test_the_missing_risk_is_named_in_the_message():
    with pytest.raises(ValidationFailed) as refused:
        check_signature(ALL_RISKS, ALL_RISKS[1:], "Ada", TODAY, TODAY)
    assert "dissociation" in refused.value.by_field()["risks"]


LATEST = LatestDocument(7, frozenset(ALL_RISKS))
GOOD = SignedConsent(7, "Ada Lovelace", frozenset(ALL_RISKS), withdrawn=False)


def test_a_signature_of_the_latest_version_with_every_risk_is_valid():
    assert is_valid(GOOD, LATEST)


@pytest.mark.parametrize(
    "signed",
    [
        SignedConsent(6, "Ada Lovelace", frozenset(ALL_RISKS), withdrawn=False),
        SignedConsent(7, "Ada Lovelace", frozenset(ALL_RISKS), withdrawn=True),
        SignedConsent(7, "", frozenset(ALL_RISKS), withdrawn=False),
        SignedConsent(7, "Ada Lovelace", frozenset(ALL_RISKS[1:]), withdrawn=False),
    ],
    ids=["older version", "withdrawn", "no name", "a risk unticked"],
)
def test_a_signature_is_not_valid_when(signed: SignedConsent):
    assert not is_valid(signed, LATEST)


def test_no_signature_is_valid_when_the_protocol_has_no_active_document():
    assert not is_valid(GOOD, None)
