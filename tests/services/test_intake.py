"""Intake: drafts saved step by step survive a restart, completed versions are never overwritten,
bad input is refused field by field with nothing stored, and every read and write is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import PermissionDenied, ValidationFailed
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.models import AuditEvent, Intake
from ketacare.services import intake
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, actor_for, complete_intake, with_facts


def rows(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def save_step(sessions, clinic: Clinic, patient_id: int, step: dict) -> Intake:
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        return intake.save_draft_step(db, nurse, patient_id, step)


def test_a_half_filled_draft_is_saved_and_survives_a_restart(
    sessions, clinic: Clinic, database_url: str
):
    patient = add_patient(sessions, clinic.north_site_id)
    save_step(sessions, clinic, patient.id, {"referral": CLEAN["referral"]})
    save_step(sessions, clinic, patient.id, {"vitals": {"systolic_mmHg": 130}})
    restarted = make_engine(database_url)
    try:
        with session_factory(restarted)() as db, db.begin():
            nurse = actor_for(db, clinic.users[Role.NURSE])
            draft = intake.start_or_resume_draft(db, nurse, patient.id)
            assert (draft.version, draft.status) == (1, "draft")
            assert intake.facts_of(draft) == {
                "referral": CLEAN["referral"],
                "vitals": {"systolic_mmHg": 130},
            }
    finally:
        restarted.dispose()


def test_a_later_step_keeps_the_other_answers_of_its_group(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    save_step(sessions, clinic, patient.id, {"medical": {"pregnant": False}})
    draft = save_step(sessions, clinic, patient.id, {"medical": {"seizures": True}})
    assert intake.facts_of(draft) == {"medical": {"pregnant": False, "seizures": True}}


@pytest.mark.parametrize(
    ("step", "fields"),
    [
        (
            {"vitals": {"systolic_mmHg": 400, "diastolic_mmHg": 20}},
            {"vitals.systolic_mmHg", "vitals.diastolic_mmHg"},
        ),
        ({"vitals": {"weight_kg": 0}}, {"vitals.weight_kg"}),
        ({"vitals": {"measured_on": "2026-02-30"}}, {"vitals.measured_on"}),
        ({"vitals": {"measured_on": "2026-03-03"}}, {"vitals.measured_on"}),
        ({"medical": {"pregnant": "perhaps"}}, {"medical.pregnant"}),
        ({"medical": {"pregnancy": True}}, {"medical.pregnancy"}),
        ({"vitalz": {"systolic_mmHg": 120}}, {"vitalz"}),
        ({"medications": [{"name": "Xanax", "class": "pill"}]}, {"medications[0].class"}),
    ],
)
def test_a_bad_step_is_refused_field_by_field_and_nothing_is_stored(
    sessions, clinic: Clinic, step: dict, fields: set[str]
):
    patient = add_patient(sessions, clinic.north_site_id)
    audit_rows = rows(sessions, AuditEvent)
    with pytest.raises(ValidationFailed) as refused:
        save_step(sessions, clinic, patient.id, step)
    assert set(refused.value.by_field()) == fields
    assert rows(sessions, Intake) == 0
    assert rows(sessions, AuditEvent) == audit_rows


def test_a_step_is_checked_against_the_answers_already_saved(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    save_step(sessions, clinic, patient.id, {"vitals": {"systolic_mmHg": 120}})
    with pytest.raises(ValidationFailed) as refused:
        save_step(sessions, clinic, patient.id, {"vitals": {"diastolic_mmHg": 130}})
    assert list(refused.value.by_field()) == ["vitals.diastolic_mmHg"]


def test_completing_creates_a_new_version_and_never_overwrites_the_last(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    first = complete_intake(sessions, clinic, patient.id, CLEAN)
    save_step(sessions, clinic, patient.id, {"medical": {"seizures": True}})
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        second = intake.complete(db, nurse, patient.id)
        assert (second.version, second.status) == (2, "complete")
        assert intake.facts_of(second)["medical"]["seizures"] is True
        versions = intake.history(db, nurse, patient.id)
        assert [(v.version, v.status) for v in versions] == [(2, "complete"), (1, "complete")]
        old = db.get(Intake, first)
        assert old is not None
        assert intake.facts_of(old)["medical"]["seizures"] is False
        assert intake.current_intake(db, nurse, patient.id) is second


def test_a_new_draft_starts_as_a_copy_of_the_latest_complete_version(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, patient.id, CLEAN)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        draft = intake.start_or_resume_draft(db, nurse, patient.id)
        completed = intake.current_intake(db, nurse, patient.id)
        assert completed is not None
        assert (draft.version, intake.facts_of(draft)) == (2, intake.facts_of(completed))


def test_completing_checks_every_field_and_stores_nothing_when_one_is_refused(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    bad = with_facts(vitals={"diastolic_mmHg": 20, "systolic_mmHg": 400, "weight_kg": "0"})
    with pytest.raises(ValidationFailed) as refused:
        complete_intake(sessions, clinic, patient.id, bad)
    assert {"vitals.systolic_mmHg", "vitals.diastolic_mmHg", "vitals.weight_kg"} <= set(
        refused.value.by_field()
    )
    assert rows(sessions, Intake) == 0


def test_a_complete_intake_is_stored_in_its_normalised_form(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    intake_id = complete_intake(sessions, clinic, patient.id, CLEAN)
    with sessions() as db:
        row = db.get(Intake, intake_id)
        assert row is not None
        assert intake.read_facts(row).vitals.weight_kg is not None
        assert json.loads(row.facts)["vitals"]["weight_kg"] == "72.5"


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK])
def test_only_nurses_prescribers_and_admins_record_an_intake(sessions, clinic: Clinic, role: Role):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        someone = actor_for(db, clinic.users[role])
        with pytest.raises(PermissionDenied):
            intake.save_draft_step(db, someone, patient.id, {"medical": {"seizures": False}})


def test_reads_and_writes_of_an_intake_are_audited_with_the_patient_and_site(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    save_step(sessions, clinic, patient.id, {"medical": {"seizures": False}})
    with sessions() as db, db.begin():
        therapist = actor_for(db, clinic.users[Role.THERAPIST])
        assert [v.version for v in intake.history(db, therapist, patient.id)] == [1]
    with sessions() as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.entity == "intake").order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["create", "update", "view"]
    assert {(e.patient_id, e.site_id) for e in events} == {(patient.id, clinic.north_site_id)}
    assert json.loads(events[1].detail)["fields"] == ["medical.seizures"]
