"""SPRAVATO REMS service: enrolment, the Patient Monitoring Form filled from a treatment's record,
answers kept, sign-off blocked while a required answer is missing, submission, and the list of
forms not yet submitted with their 7-day due dates (clinical-reference §3.9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent, Reading, RemsForm, Site, Treatment
from ketacare.services import courses, protocols, rems, rems_pending
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient
from tests.services.assessment import actor_for, complete_intake, with_facts
from tests.services.rems_treatments import (
    STAFF_ANSWERS,
    Given,
    course_treatment_day,
    esketamine_treatment,
    first_device_at,
)

EVENING = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)  # the day of the first treatment


@contextmanager
def acting(
    sessions: sessionmaker[Session], email: str, at: datetime = EVENING
) -> Iterator[tuple[Session, Actor]]:
    with sessions() as db, db.begin():
        yield db, actor_for(db, email, at)


def treated_patient(
    sessions: sessionmaker[Session], clinic: Clinic, given: Given | None = None, **who: object
) -> int:
    patient = add_patient(sessions, clinic.north_site_id, **who)
    return esketamine_treatment(sessions, clinic, patient.id, given)


def test_the_form_is_filled_from_the_treatments_record_saying_where_each_answer_came_from(
    sessions, clinic: Clinic
):
    given = Given(devices=3, events=[("sedation", "resolved"), ("nausea", "not_resolved")])
    treatment_id = treated_patient(sessions, clinic, given)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
    assert {k: form.values[k] for k in ("first_name", "last_name", "date_of_birth", "sex")} == {
        "first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "1985-12-10", "sex": "female"
    }  # fmt: skip
    assert (form.values["first_treatment"], form.values["enrolled"]) == ("yes", "no")
    assert (form.values["dose"], form.values["lot_numbers"]) == ("84", "LOT-4471")
    assert form.sources["dose"] == "3 device(s) recorded, 28 mg each"
    assert (form.values["treatment_on"], form.values["duration_min"]) == ("2026-03-09", "125")
    pressures = [form.values[k] for k in ("bp_before", "bp_40_min", "bp_at_end")]
    assert pressures == ["128/82", "146/91", "124/80"]
    assert form.sources["bp_40_min"].endswith("(41 min after the first device)")
    assert form.sources["bp_before"].endswith("(6 min before the first device)")
    assert (form.values["sedation"], form.values["sedation_resolved"]) == ("yes", "yes")
    assert form.values["other_events"] == "nausea (not resolved)"
    assert (form.values["setting_name"], form.values["provider_email"]) == (
        "North", clinic.users[Role.NURSE]
    )  # fmt: skip
    assert (form.status, form.due_on, form.overdue) == ("not_started", date(2026, 3, 16), False)
    assert set(form.gaps) == set(STAFF_ANSWERS)


def test_an_invalid_reading_is_never_used_for_a_blood_pressure(sessions, clinic: Clinic):
    given = Given(
        pressures=((-6, 128, 82), (46, 150, 95), (115, 124, 80)), invalid_sbp_at_min=(40,)
    )
    treatment_id = treated_patient(sessions, clinic, given)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
    assert form.values["bp_40_min"] == "150/95"
    assert "46 min after" in form.sources["bp_40_min"]


def test_medicines_come_from_the_latest_complete_intake(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    medicines = [
        {"name": "clonazepam", "class": "benzodiazepine", "diazepam_equivalent_mg_per_day": "20"},
        {"name": "methylphenidate", "class": "psychostimulant"},
    ]
    complete_intake(
        sessions, clinic, patient.id, with_facts(medical={}) | {"medications": medicines}
    )
    treatment_id = esketamine_treatment(sessions, clinic, patient.id)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
    answers = [form.values[k] for k in ("benzodiazepines", "psychostimulants", "maois", "opioids")]
    assert answers == ["yes", "yes", "no", "no"]
    assert form.sources["maois"].startswith("Intake version 1, completed 2026-03-02")


def test_a_later_treatment_is_not_the_first_and_enrolment_counts_from_its_day(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    first = esketamine_treatment(sessions, clinic, patient.id)
    with acting(sessions, clinic.users[Role.FRONT_DESK]) as (db, desk):
        rems.record_enrolment(db, desk, patient.id, date(2026, 3, 9), "P-123")
    second_day = _course_appointments(sessions, first)[1]
    second = esketamine_treatment(sessions, clinic, patient.id, appointment_id=second_day)
    with acting(sessions, clinic.users[Role.NURSE], EVENING + timedelta(days=4)) as (db, nurse):
        earlier = rems.monitoring_form(db, nurse, first)
        later = rems.monitoring_form(db, nurse, second)
    assert (earlier.values["first_treatment"], earlier.values["enrolled"]) == ("yes", "yes")
    assert later.values["first_treatment"] == "no"
    assert "enrolled" not in later.gaps  # asked only at the first treatment [REMS-JNJ]


def _course_appointments(sessions: sessionmaker[Session], treatment_id: int) -> list[int]:
    """The appointments of the treatment's course, in order."""
    with sessions() as db:
        treatment = db.get(Treatment, treatment_id)
        assert treatment is not None
        assert treatment.course_id is not None
        return [a.id for a in courses.treatments_of(db, treatment.course_id)]


def test_saved_answers_are_kept_and_the_rest_still_follows_the_record(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        saved = rems.save_answers(db, nurse, treatment_id, {**STAFF_ANSWERS, "bp_at_end": "124/80"})
    assert saved.status == "draft"
    assert saved.entered == frozenset(STAFF_ANSWERS)  # the record's own answer is not kept
    with sessions() as db, db.begin():  # a reading typed after the form was saved
        _add_pressure(db, treatment_id, minutes=120, sbp=121, dbp=77)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
        row = db.scalar(select(RemsForm).where(RemsForm.treatment_id == treatment_id))
        assert row is not None
        assert (row.ready_after_min, row.due_on) == (95, date(2026, 3, 16))
    assert form.values["bp_at_end"] == "121/77"
    assert form.values["provider_phone"] == "+1 555 0111"
    assert form.gaps == {}


def _add_pressure(db: Session, treatment_id: int, minutes: int, sbp: int, dbp: int) -> None:
    treatment = db.get(Treatment, treatment_id)
    assert treatment is not None
    assert treatment.dosing_started_at is not None
    at = treatment.dosing_started_at + timedelta(minutes=minutes)
    for vital, value in (("sbp_mmhg", sbp), ("dbp_mmhg", dbp)):
        db.add(Reading(treatment_id=treatment.id, site_id=treatment.site_id, vital=vital,
                       value=Decimal(value), valid=True, source="manual", observed_at=at,
                       received_at=at))  # fmt: skip


def test_an_answer_the_form_cannot_hold_is_refused_and_nothing_is_stored(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic)
    answers = {"bp_40_min": "146-91", "maois": "maybe"}
    with (
        acting(sessions, clinic.users[Role.NURSE]) as (db, nurse),
        pytest.raises(ValidationFailed) as refused,
    ):
        rems.save_answers(db, nurse, treatment_id, answers)
    assert set(refused.value.by_field()) == {"bp_40_min", "maois"}
    with sessions() as db:
        assert db.scalar(select(RemsForm)) is None


def test_signing_is_refused_naming_every_missing_answer(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.save_answers(db, nurse, treatment_id, {**STAFF_ANSWERS, "vitals_ok_at_end": ""})
        with pytest.raises(ValidationFailed) as refused:
            rems.sign(db, nurse, treatment_id)
    assert refused.value.by_field() == {"vitals_ok_at_end": "Not answered."}


def test_monitoring_under_two_hours_blocks_signing(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic, Given(ready_min=110))
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.save_answers(db, nurse, treatment_id, STAFF_ANSWERS)
        with pytest.raises(ValidationFailed) as refused:
            rems.sign(db, nurse, treatment_id)
    assert "at least 120 min" in refused.value.by_field()["duration_min"]


def test_a_signed_form_is_frozen_with_the_signer_as_the_monitoring_provider(
    sessions, clinic: Clinic
):
    treatment_id = treated_patient(sessions, clinic)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.save_answers(db, nurse, treatment_id, STAFF_ANSWERS)
    with acting(sessions, clinic.users[Role.PRESCRIBER]) as (db, prescriber):
        row = rems.sign(db, prescriber, treatment_id)
        assert (row.status, row.signed_at) == ("signed", EVENING)
    with sessions() as db, db.begin():
        _add_pressure(db, treatment_id, minutes=121, sbp=170, dbp=100)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
        with pytest.raises(Conflict, match="signed"):
            rems.save_answers(db, nurse, treatment_id, {"vitals_ok_at_end": "no"})
    assert (form.values["provider_first_name"], form.values["provider_last_name"]) == (
        "Test", "Prescriber"
    )  # fmt: skip
    assert form.values["bp_at_end"] == "124/80"  # the later reading does not change it
    assert not form.editable


def test_the_next_form_remembers_the_address_and_the_signers_telephone(sessions, clinic: Clinic):
    first = treated_patient(sessions, clinic)
    second = treated_patient(sessions, clinic, mrn="MRN-0002", given_name="Mary")
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.save_answers(db, nurse, first, STAFF_ANSWERS)
        rems.sign(db, nurse, first)
        form = rems.monitoring_form(db, nurse, second)
    with acting(sessions, clinic.users[Role.PRESCRIBER]) as (db, prescriber):
        other = rems.monitoring_form(db, prescriber, second)
    assert form.values["setting_address_1"] == "1 Harbour Road"
    assert form.sources["setting_zip"] == "The last form signed at this site"
    assert form.values["provider_phone"] == "+1 555 0111"
    assert other.values["setting_city"] == "Portland"
    assert "provider_phone" not in other.values  # the prescriber has signed none yet


def test_only_a_signed_form_is_marked_submitted_on_a_day_from_the_treatment_to_today(
    sessions, clinic: Clinic
):
    treatment_id = treated_patient(sessions, clinic)
    later = EVENING + timedelta(days=2)
    with acting(sessions, clinic.users[Role.NURSE], later) as (db, nurse):
        with pytest.raises(Conflict, match="not started"):
            rems.mark_submitted(db, nurse, treatment_id, date(2026, 3, 10))
        rems.save_answers(db, nurse, treatment_id, STAFF_ANSWERS)
        rems.sign(db, nurse, treatment_id)
        for wrong in (date(2026, 3, 8), date(2026, 3, 12), None):
            with pytest.raises(ValidationFailed):
                rems.mark_submitted(db, nurse, treatment_id, wrong)
        row = rems.mark_submitted(db, nurse, treatment_id, date(2026, 3, 11))
        assert (row.status, row.submitted_on) == ("submitted", date(2026, 3, 11))
        assert rems_pending.pending_forms(db, nurse) == []


def test_pending_forms_list_each_given_treatment_with_its_due_date_and_lateness(
    sessions, clinic: Clinic
):
    first = treated_patient(sessions, clinic)
    second = treated_patient(sessions, clinic, mrn="MRN-0002", family_name="Byron")
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.save_answers(db, nurse, second, {"maois": "no"})
    with acting(sessions, clinic.users[Role.NURSE], EVENING + timedelta(days=8)) as (db, nurse):
        pending = rems_pending.pending_forms(db, nurse)
        events = _audits(db, "rems_form", "view")
    assert [(p.treatment_id, p.status, p.due_on) for p in pending] == [
        (second, "draft", date(2026, 3, 16)),  # Byron before Lovelace on the same due day
        (first, "not_started", date(2026, 3, 16)),
    ]
    assert [(p.overdue, p.days_left) for p in pending] == [(True, -1), (True, -1)]
    [listed] = [json.loads(e.detail) for e in events if "list" in e.detail]
    assert listed["patient_ids"] == sorted(p.patient.id for p in pending)


def _audits(db: Session, entity: str, action: str) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == action)
        )
    )


def test_pending_forms_stay_at_the_sites_the_clinician_works_at(sessions, clinic: Clinic):
    treated_patient(sessions, clinic)
    with acting(sessions, clinic.south_nurse_email) as (db, south_nurse):
        assert rems_pending.pending_forms(db, south_nurse) == []
        with pytest.raises(NotFound):
            rems.monitoring_form(db, south_nurse, 1)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        assert rems_pending.pending_forms(db, nurse, [clinic.south_site_id]) == []
        assert len(rems_pending.pending_forms(db, nurse, [clinic.north_site_id])) == 1


def test_no_form_before_a_device_is_given_and_none_for_other_protocols(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id = course_treatment_day(sessions, clinic, patient.id)
    treatment_id = esketamine_treatment(
        sessions, clinic, patient.id, Given(devices=0), appointment_id
    )
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        with pytest.raises(Conflict, match="No esketamine device"):
            rems.monitoring_form(db, nurse, treatment_id)
        treatment = db.get(Treatment, treatment_id)
        assert treatment is not None
        iv = protocols.current_version(db, clinic.organization_id, "iv_ketamine_depression")
        treatment.protocol_version_id = iv.id
        db.flush()
        with pytest.raises(NotFound, match="not an esketamine treatment"):
            rems.monitoring_form(db, nurse, treatment_id)
        assert rems_pending.pending_forms(db, nurse) == []


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.ADMIN])
def test_only_clinicians_who_run_treatments_open_the_form(sessions, clinic: Clinic, role: Role):
    treatment_id = treated_patient(sessions, clinic)
    with acting(sessions, clinic.users[role]) as (db, someone):
        with pytest.raises(PermissionDenied):
            rems.monitoring_form(db, someone, treatment_id)
        with pytest.raises(PermissionDenied):
            rems_pending.pending_forms(db, someone)


def test_every_form_read_and_change_is_audited_with_the_patient(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic)
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        rems.monitoring_form(db, nurse, treatment_id)
        rems.save_answers(db, nurse, treatment_id, STAFF_ANSWERS)
        rems.sign(db, nurse, treatment_id)
    with sessions() as db:
        treatment = db.get(Treatment, treatment_id)
        assert treatment is not None
        rows = db.scalars(select(AuditEvent).where(AuditEvent.entity == "rems_form")).all()
    assert [(e.action, e.patient_id, e.site_id) for e in rows] == [
        ("view", treatment.patient_id, clinic.north_site_id),
        ("update", treatment.patient_id, clinic.north_site_id),
        ("update", treatment.patient_id, clinic.north_site_id),
    ]
    assert json.loads(rows[1].detail)["fields"] == sorted(STAFF_ANSWERS)
    assert "Portland" not in "".join(e.detail for e in rows)  # the answers stay in the form


def test_enrolment_is_recorded_corrected_and_read_with_an_audit(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with acting(sessions, clinic.users[Role.FRONT_DESK]) as (db, desk):
        with pytest.raises(ValidationFailed) as refused:
            rems.record_enrolment(db, desk, patient.id, date(2026, 3, 10), "x" * 41)
        assert set(refused.value.by_field()) == {"enrolled_on", "rems_patient_id"}
        rems.record_enrolment(db, desk, patient.id, date(2026, 3, 2), "")
        rems.record_enrolment(db, desk, patient.id, date(2026, 3, 3), " P-123 ")
    with acting(sessions, clinic.users[Role.THERAPIST]) as (db, therapist):
        _, row = rems.read_enrolment(db, therapist, patient.id)
        with pytest.raises(PermissionDenied):
            rems.record_enrolment(db, therapist, patient.id, date(2026, 3, 3), "")
        assert rems.enrolment_of(db, patient.id) is row
        actions = [e.action for e in _audits(db, "rems_enrolment", "view")]
    assert row is not None
    assert (row.enrolled_on, row.rems_patient_id) == (date(2026, 3, 3), "P-123")
    assert actions == ["view"]


def test_the_treatment_day_and_due_date_are_the_sites_own(sessions, clinic: Clinic):
    treatment_id = treated_patient(sessions, clinic)
    first_at = first_device_at(sessions, treatment_id)
    with sessions() as db, db.begin():  # 08:15 UTC is the evening before in Honolulu
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        site.timezone = "Pacific/Honolulu"
    with acting(sessions, clinic.users[Role.NURSE]) as (db, nurse):
        form = rems.monitoring_form(db, nurse, treatment_id)
    assert first_at.date() == date(2026, 3, 9)
    assert (form.values["treatment_on"], form.due_on) == ("2026-03-08", date(2026, 3, 15))
    assert form.sources["bp_before"].startswith("Reading at 22:09 ")
