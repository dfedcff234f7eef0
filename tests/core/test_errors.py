"""The domain error tree: field errors from a mapping or a list, and messages fit for a person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketacare.core.errors import (
    AccountLocked,
    AuditChainBroken,
    AuthenticationFailed,
    Conflict,
    FieldError,
    KetacareError,
    ValidationFailed,
)


def test_validation_failed_accepts_a_mapping_of_field_to_message():
    failed = ValidationFailed({"mrn": "This field is required."})
    assert failed.errors == [FieldError("mrn", "This field is required.")]
    assert str(failed) == "mrn: This field is required."


def test_by_field_keeps_the_first_message_of_each_field():
    failed = ValidationFailed(
        [FieldError("email", "first"), FieldError("phone", "other"), FieldError("email", "second")]
    )
    assert failed.by_field() == {"email": "first", "phone": "other"}
    assert str(failed) == "email: first; phone: other; email: second"


@pytest.mark.parametrize(("field", "expected"), [(None, None), ("mrn", "mrn")])
def test_a_conflict_may_name_its_field(field: str | None, expected: str | None):
    conflict = Conflict("That MRN is taken.", field=field)
    assert (conflict.field, str(conflict)) == (expected, "That MRN is taken.")


def test_a_locked_account_says_when_it_unlocks():
    until = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    locked = AccountLocked(until)
    assert isinstance(locked, AuthenticationFailed)
    assert locked.until == until
    assert "2026-03-02 10:15 UTC" in str(locked)


def test_a_broken_audit_chain_names_the_first_broken_event():
    broken = AuditChainBroken(42, "stored fields do not match the stored hash")
    assert isinstance(broken, KetacareError)
    assert broken.event_id == 42
    assert (
        str(broken) == "audit trail broken at event 42: stored fields do not match the stored hash"
    )
