"""Records at the chair: typed vital signs and the alerts they raise under the clinic's own limits,
interventions, adverse events, notes, the discharge assessment with its scales, the instructions,
and the treatment page's audited read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.core.treatments import TreatmentError
from ketacare.db.models import AuditEvent, Reading
from ketacare.services import treatment_discharge, treatment_records, treatment_view
from ketacare.services.treatment_discharge import CRITERIA, DischargeRequest
from ketacare.services.treatment_records import AdverseEventRequest, InterventionRequest
from tests.factories import Clinic
from tests.services.assessment import actor_for
from tests.services.treatment_day import (
    IV,
    Booked,
    book_course,
    check_in,
    minutes,
    readings,
    run_to,
    set_limits,
)

ALDRETE_9 = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2, "spo2": 1}


@pytest.fixture
def running(sessions, clinic: Clinic) -> tuple[Booked, int]:
    booked = book_course(sessions, clinic)
    return booked, check_in(sessions, clinic, booked)


def test_a_typed_line_is_stored_as_manual_readings_in_ucum_units(
    sessions, clinic: Clinic, running: tuple[Booked, int]
):
    booked, treatment_id = running
    recorded = readings(sessions, clinic, treatment_id, minutes(booked, 2))
    with sessions() as db:
        rows = db.scalars(select(Reading).order_by(Reading.id)).all()
    assert recorded.alerts == []  # the clinic has set no limit: nothing fires (§4.2)
    assert {(r.vital, r.value, r.unit_received, r.source) for r in rows} == {
        ("sbp_mmhg", Decimal(122), "mm[Hg]", "manual"),
        ("dbp_mmhg", Decimal(78), "mm[Hg]", "manual"),
        ("hr_bpm", Decimal(70), "/min", "manual"),
        ("spo2_percent", Decimal(98), "%", "manual"),
        ("rr_per_min", Decimal(14), "/min", "manual"),
    }
    assert {r.observed_at for r in rows} == {minutes(booked, 2)}


def test_a_saturation_below_the_clinics_act_limit_raises_one_act_alert(
    sessions, clinic: Clinic, running: tuple[Booked, int]
):
    set_limits(sessions, clinic, IV, spo2_percent__act__low="92")  # the test clinic's choice
    booked, treatment_id = running
    first = readings(sessions, clinic, treatment_id, minutes(booked, 2), spo2_percent="85")
    again = readings(sessions, clinic, treatment_id, minutes(booked, 3), spo2_percent="84")
    assert [(a.level, a.vital, a.value) for a in first.alerts] == [
        ("act", "spo2_percent", Decimal(85))
    ]
    assert again.alerts == []  # no duplicate while the first is open


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"sbp_mmhg": "120", "spo2_percent": "120"}, "spo2_percent"),
        ({"sbp_mmhg": "120", "hr_bpm": "-5"}, "hr_bpm"),
        ({"sbp_mmhg": None}, "readings"),
    ],
)
def test_a_line_that_cannot_be_real_is_refused_whole(
    sessions, clinic: Clinic, running: tuple[Booked, int], line: dict[str, str | None], field: str
):
    booked, treatment_id = running
    values = {code: None if v is None else Decimal(v) for code, v in line.items()}
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 2))
        with pytest.raises(ValidationFailed) as refused:
            treatment_records.record_readings(db, nurse, treatment_id, values)
    assert field in refused.value.by_field()
    with sessions() as db:
        assert db.scalars(select(Reading)).all() == []


def test_a_reading_cannot_be_in_the_future(sessions, clinic: Clinic, running: tuple[Booked, int]):
    booked, treatment_id = running
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 2))
        with pytest.raises(ValidationFailed) as refused:
            treatment_records.record_readings(
                db, nurse, treatment_id, {"hr_bpm": Decimal(70)}, minutes(booked, 10)
            )
    assert "observed_at" in refused.value.by_field()


def test_interventions_adverse_events_and_notes_are_kept_and_audited(
    sessions, clinic: Clinic, running: tuple[Booked, int]
):
    booked, treatment_id = running
    run_to(sessions, clinic, booked, treatment_id, "dosing")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 30))
        given = InterventionRequest("Ondansetron", Decimal(4), "mg", "IV", "Nausea")
        treatment_records.record_intervention(db, nurse, treatment_id, given)
        event = AdverseEventRequest("nausea", 2, "resolved", onset_at=minutes(booked, 25))
        treatment_records.record_adverse_event(db, nurse, treatment_id, event)
        treatment_records.add_note(db, nurse, treatment_id, "Settled after ondansetron.")
        shown = treatment_view.view(db, nurse, treatment_id)
    assert [(i.medication, i.dose_value, i.dose_unit) for i in shown.interventions] == [
        ("Ondansetron", Decimal(4), "mg")
    ]
    assert [(e.category, e.severity_grade, e.serious) for e in shown.adverse_events] == [
        ("nausea", 2, False)
    ]
    assert [n.text for n in shown.notes] == ["Settled after ondansetron."]
    with sessions() as db:
        entities = set(
            db.scalars(select(AuditEvent.entity).where(AuditEvent.patient_id.isnot(None)))
        )
    assert {"intervention", "adverse_event", "treatment_note", "treatment"} <= entities


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (AdverseEventRequest("sneezing", 1, "resolved"), "category"),
        (AdverseEventRequest("other", 1, "resolved"), "description"),
        (AdverseEventRequest("sedation", 6, "resolved"), "severity_grade"),
        (AdverseEventRequest("sedation", 2, "gone"), "outcome"),
    ],
)
def test_an_adverse_event_needs_what_how_severe_and_its_outcome(
    sessions, clinic: Clinic, running: tuple[Booked, int], event: AdverseEventRequest, field: str
):
    booked, treatment_id = running
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 5))
        with pytest.raises(ValidationFailed) as refused:
            treatment_records.record_adverse_event(db, nurse, treatment_id, event)
    assert field in refused.value.by_field()


def test_an_intervention_dose_needs_its_unit(sessions, clinic: Clinic, running: tuple[Booked, int]):
    booked, treatment_id = running
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 5))
        with pytest.raises(ValidationFailed) as refused:
            treatment_records.record_intervention(
                db, nurse, treatment_id, InterventionRequest("Midazolam", Decimal(1))
            )
    assert "dose_value" in refused.value.by_field()


def test_the_front_desk_reads_a_treatment_but_records_nothing_on_it(
    sessions, clinic: Clinic, running: tuple[Booked, int]
):
    booked, treatment_id = running
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK], minutes(booked, 5))
        assert treatment_view.view(db, desk, treatment_id).treatment.id == treatment_id
        with pytest.raises(PermissionDenied):
            treatment_records.add_note(db, desk, treatment_id, "Escort is parking.")


@pytest.mark.parametrize(("spo2_item", "ready"), [(0, False), (1, True)])
def test_a_modified_aldrete_below_nine_holds_discharge(
    sessions, clinic: Clinic, running: tuple[Booked, int], spo2_item: int, ready: bool
):
    booked, treatment_id = running
    run_to(sessions, clinic, booked, treatment_id, "observation")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 120))
        scored = {**ALDRETE_9, "spo2": spo2_item}
        request = DischargeRequest(dict.fromkeys(CRITERIA, True), aldrete=scored)
        assert treatment_discharge.assess(db, nurse, treatment_id, request).aldrete_total == (
            8 + spo2_item
        )
        if ready:
            treatment_discharge.sign_off(db, nurse, treatment_id)
            return
        with pytest.raises(TreatmentError, match="Modified Aldrete total 8 is below"):
            treatment_discharge.sign_off(db, nurse, treatment_id)


def test_an_unticked_criterion_holds_discharge(
    sessions, clinic: Clinic, running: tuple[Booked, int]
):
    booked, treatment_id = running
    run_to(sessions, clinic, booked, treatment_id, "observation")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 120))
        ticked = {**dict.fromkeys(CRITERIA, True), "nausea_controlled": False}
        treatment_discharge.assess(db, nurse, treatment_id, DischargeRequest(ticked))
        with pytest.raises(TreatmentError, match="nausea controlled"):
            treatment_discharge.sign_off(db, nurse, treatment_id)


def test_discharge_needs_an_assessment_and_gives_the_instructions(
    sessions: sessionmaker[Session], clinic: Clinic, running: tuple[Booked, int]
):
    booked, treatment_id = running
    run_to(sessions, clinic, booked, treatment_id, "discharged")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 126))
        shown = treatment_discharge.instructions(db, nurse, treatment_id)
        with pytest.raises(Conflict):
            treatment_discharge.discharge(db, nurse, treatment_id)
        assert treatment_view.view(db, nurse, treatment_id).treatment.state == (
            TreatmentState.DISCHARGED
        )
    assert shown.escort == "Grace Hopper"
    assert any("until the next day, after a restful sleep" in line for line in shown.lines)
