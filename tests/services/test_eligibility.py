"""Eligibility: screening the current intake, the signed decision's snapshot, overriding an absolute
contraindication, and expiry by time (design default 12 months) or by a changed fact.

Worked case from issue 4: a prior intracerebral haemorrhage is an absolute contraindication to
esketamine ([SPR-ISI] clinical-reference §3.6)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent, EligibilityDecision
from ketacare.services import eligibility, intake
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, NOW, actor_for, complete_intake, with_facts

ESKETAMINE = "esketamine_nasal"
ICH = with_facts(medical={"intracerebral_haemorrhage_history": True})


def sign(sessions, clinic: Clinic, patient_id: int, decision: str, **extra) -> int:
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        row = eligibility.sign_decision(
            db, prescriber, patient_id, ESKETAMINE, decision, "Reviewed with the patient.", **extra
        )
        return row.id


def current(sessions, clinic: Clinic, patient_id: int, at=NOW) -> EligibilityDecision | None:
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], at)
        return eligibility.current_decision(db, nurse, patient_id, ESKETAMINE)


def test_screening_reads_the_current_complete_intake(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    complete_intake(sessions, clinic, patient.id, ICH)
    with sessions() as db, db.begin():
        therapist = actor_for(db, clinic.users[Role.THERAPIST])
        result = eligibility.screen(db, therapist, patient.id, ESKETAMINE)
    assert result.recommendation == "ineligible"
    assert any(f.kind == "absolute" for f in result.findings)


def test_screening_without_a_complete_intake_or_with_an_unknown_protocol_is_refused(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(Conflict):
            eligibility.screen(db, nurse, patient.id, ESKETAMINE)
        with pytest.raises(ValidationFailed) as refused:
            eligibility.screen(db, nurse, patient.id, "laughing_gas")
    assert list(refused.value.by_field()) == ["protocol"]


def test_a_signed_decision_keeps_the_findings_and_the_facts_the_rules_read(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, ICH)
    decision_id = sign(sessions, clinic, patient.id, "not_eligible")
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        shown = eligibility.screen(db, prescriber, patient.id, ESKETAMINE)
        row = db.get(EligibilityDecision, decision_id)
        assert row is not None
        assert eligibility.findings_of(row) == [f.to_dict() for f in shown.findings]
        snapshot = json.loads(row.facts_read)
        assert set(snapshot) == set(shown.facts_read)
        assert snapshot["medical.intracerebral_haemorrhage_history"] is True
        assert (row.recommendation, row.overrides_absolute) == ("ineligible", False)
        assert row.expires_at == NOW.replace(year=2027)


@pytest.mark.parametrize("decision", ["eligible", "eligible_with_precautions"])
def test_going_ahead_despite_an_absolute_finding_needs_a_justification_and_is_marked(
    sessions, clinic: Clinic, decision: str
):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, ICH)
    with pytest.raises(ValidationFailed) as refused:
        sign(sessions, clinic, patient.id, decision)
    assert list(refused.value.by_field()) == ["override_justification"]
    decision_id = sign(
        sessions, clinic, patient.id, decision, override_justification="Neurosurgery cleared."
    )
    with sessions() as db:
        row = db.get(EligibilityDecision, decision_id)
        assert row is not None
        assert (row.overrides_absolute, row.override_justification) == (
            True,
            "Neurosurgery cleared.",
        )
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.entity == "eligibility_decision")
        ).one()
    detail = json.loads(event.detail)
    assert detail["overrides_absolute"] is True
    assert detail["absolute_findings"]
    assert (event.patient_id, event.site_id) == (patient.id, clinic.north_site_id)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.NURSE, Role.THERAPIST])
def test_only_a_prescriber_signs_a_decision(sessions, clinic: Clinic, role: Role):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    with sessions() as db, db.begin():
        someone = actor_for(db, clinic.users[role])
        with pytest.raises(PermissionDenied):
            eligibility.sign_decision(db, someone, patient.id, ESKETAMINE, "eligible", "Fine.")


def test_a_decision_is_refused_when_the_intake_changed_since_the_screening_was_shown(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    shown = complete_intake(sessions, clinic, patient.id, CLEAN)
    complete_intake(sessions, clinic, patient.id, ICH)
    with pytest.raises(Conflict):
        sign(sessions, clinic, patient.id, "eligible", intake_id=shown)


def test_a_decision_expires_twelve_months_after_signing(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    decision_id = sign(sessions, clinic, patient.id, "eligible")
    almost = NOW.replace(year=2027) - timedelta(minutes=1)
    found = current(sessions, clinic, patient.id, almost)
    assert found is not None
    assert found.id == decision_id
    assert current(sessions, clinic, patient.id, NOW.replace(year=2027)) is None


def test_a_new_intake_that_changes_a_fact_the_rules_read_expires_the_decision(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    decision_id = sign(sessions, clinic, patient.id, "eligible")
    complete_intake(sessions, clinic, patient.id, with_facts(medical={"pregnant": True}))
    assert current(sessions, clinic, patient.id) is None
    with sessions() as db, db.begin():
        row = db.get(EligibilityDecision, decision_id)
        assert row is not None
        assert row.invalidated_at == NOW
        assert "medical.pregnant" in row.invalidated_reason
        nurse = actor_for(db, clinic.users[Role.NURSE])
        (state,) = eligibility.decisions_of(db, nurse, patient.id)
        assert not state.current
        assert "medical.pregnant" in state.stale_reason


def test_a_new_intake_that_changes_only_unread_facts_keeps_the_decision(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    decision_id = sign(sessions, clinic, patient.id, "eligible")
    with sessions() as db:
        row = db.get(EligibilityDecision, decision_id)
        assert row is not None
        assert "referral.referral_reason" not in json.loads(row.facts_read)
    changed = with_facts(referral={"referral_reason": "Referred again by the GP"})
    complete_intake(sessions, clinic, patient.id, changed)
    found = current(sessions, clinic, patient.id)
    assert found is not None
    assert found.id == decision_id


def test_a_decision_is_stale_when_the_current_intake_differs_even_without_a_mark(
    sessions, clinic: Clinic
):
    """Belt and braces: the snapshot is compared on every read, not only when completing."""
    patient = add_patient(sessions, clinic.north_site_id)
    first = complete_intake(sessions, clinic, patient.id, CLEAN)
    decision_id = sign(sessions, clinic, patient.id, "eligible")
    with sessions() as db, db.begin():
        row = db.get(EligibilityDecision, decision_id)
        assert row is not None
        facts = json.loads(row.facts_read)
        facts["medical.pregnant"] = True
        row.facts_read = json.dumps(facts)
    assert current(sessions, clinic, patient.id) is None
    with sessions() as db:
        assert intake.latest_complete(db, patient.id).id == first  # type: ignore[union-attr]


def test_eligible_is_refused_while_an_absolute_contraindication_could_not_be_checked(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    unasked = with_facts(medical={"intracerebral_haemorrhage_history": None})
    complete_intake(sessions, clinic, patient.id, unasked)
    with pytest.raises(ValidationFailed) as refused:
        sign(sessions, clinic, patient.id, "eligible")
    assert "could not be checked" in refused.value.by_field()["decision"]
    assert sign(sessions, clinic, patient.id, "not_eligible")  # deciding against stays possible


def test_a_clean_intake_can_be_signed_eligible(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    assert sign(sessions, clinic, patient.id, "eligible")
