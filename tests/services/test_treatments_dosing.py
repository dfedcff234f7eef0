"""The order and the administration: the dose calculator's arithmetic kept with the order, caps and
second signatures, lots that expired, pump events, and esketamine's devices five minutes apart."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.treatments import TreatmentError
from ketacare.db.models import AdministrationEvent, DoseOrder
from ketacare.services import staff, treatment_administration, treatment_dosing, treatments
from ketacare.services.context import Actor
from ketacare.services.treatment_administration import AdministrationRequest
from ketacare.services.treatment_dosing import DoseRequest
from tests.factories import PASSWORD, Clinic
from tests.services.assessment import actor_for
from tests.services.treatment_day import (
    ESKETAMINE,
    LOT,
    Booked,
    book_course,
    check_in,
    enrol_in_rems,
    minutes,
    ready_to_clear,
    run_to,
)

BAG_VALUES = (Decimal(100), Decimal(100))  # 100 mg/mL stock into a 100 mL bag
BAG = DoseRequest(None, *BAG_VALUES)


def order(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    booked: Booked,
    treatment_id: int,
    request: DoseRequest,
    minute: int = 3,
) -> DoseOrder:
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], minutes(booked, minute))
        return treatment_dosing.order_dose(db, prescriber, treatment_id, request)


@pytest.fixture
def iv(sessions, clinic: Clinic) -> tuple[Booked, int]:
    booked = book_course(sessions, clinic)
    return booked, check_in(sessions, clinic, booked)


def test_an_iv_order_keeps_the_worked_example_of_the_dose_calculator(
    sessions, clinic: Clinic, iv: tuple[Booked, int]
):
    booked, treatment_id = iv
    made = order(sessions, clinic, booked, treatment_id, BAG)
    # 70 kg x 0.5 mg/kg = 35.0 mg; 0.35 mL of 100 mg/mL in 100 mL over 40 min = 150.5 mL/h
    # (issue 5 worked example; clinical-reference §10.2 [SINGH] [DUNLOP])
    assert (made.dose, made.dose_unit, made.dosing_weight_kg, made.weight_basis) == (
        Decimal("0.5"),
        "mg/kg",
        Decimal(70),
        "actual",
    )
    assert (made.dose_mg, made.rate_ml_per_h, made.duration_min) == (
        Decimal("35.0"),
        Decimal("150.5"),
        40,
    )


def test_a_dose_above_the_cap_needs_the_prescribers_reason_and_a_second_signature(
    sessions, clinic: Clinic, iv: tuple[Booked, int]
):
    booked, treatment_id = iv
    above = DoseRequest(Decimal("1.2"), *BAG_VALUES)
    with pytest.raises(ValidationFailed, match="above the protocol's cap") as refused:
        order(sessions, clinic, booked, treatment_id, above)
    assert "dose" in refused.value.by_field()
    reasoned = DoseRequest(Decimal("1.2"), *BAG_VALUES, None, "Partial response.")
    made = order(sessions, clinic, booked, treatment_id, reasoned)
    assert (made.dose_mg, made.override_reason) == (Decimal("84.0"), "Partial response.")
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], minutes(booked, 4))
        with pytest.raises(Conflict, match="another prescriber"):
            treatment_dosing.countersign(db, prescriber, treatment_id)
        second = _second_prescriber(db, clinic, minutes(booked, 5))
        assert treatment_dosing.countersign(db, second, treatment_id).second_signature_by_id


def _second_prescriber(db: Session, clinic: Clinic, at: datetime) -> Actor:
    staff.add(
        db,
        Actor(None, at),
        clinic.organization_id,
        "second.prescriber@clinic.test",
        "Second Prescriber",
        PASSWORD,
        [(clinic.north_site_id, Role.PRESCRIBER)],
    )
    return actor_for(db, "second.prescriber@clinic.test", at)


def test_an_order_awaiting_its_second_signature_does_not_clear(
    sessions, clinic: Clinic, iv: tuple[Booked, int]
):
    booked, treatment_id = iv
    ready_to_clear(sessions, clinic, booked, treatment_id)
    order(
        sessions,
        clinic,
        booked,
        treatment_id,
        DoseRequest(Decimal("1.2"), *BAG_VALUES, None, "Why."),
        minute=8,  # after the order ready_to_clear made: the latest order counts
    )
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 9))
        with pytest.raises(TreatmentError, match="not ordered a dose"):
            treatments.advance(db, nurse, treatment_id, "cleared")


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (DoseRequest(stock_mg_per_ml=Decimal(100)), "bag_ml"),
        (DoseRequest(Decimal(0), *BAG_VALUES), "dose"),
        (DoseRequest(Decimal("0.5"), Decimal(0), Decimal(100)), "stock_mg_per_ml"),
    ],
)
def test_an_order_that_cannot_be_worked_out_is_refused_at_its_field(
    sessions, clinic: Clinic, iv: tuple[Booked, int], request_: DoseRequest, field: str
):
    booked, treatment_id = iv
    with pytest.raises(ValidationFailed) as refused:
        order(sessions, clinic, booked, treatment_id, request_)
    assert field in refused.value.by_field()


def test_only_a_prescriber_orders_and_only_before_clearing(
    sessions, clinic: Clinic, iv: tuple[Booked, int]
):
    booked, treatment_id = iv
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 3))
        with pytest.raises(PermissionDenied):
            treatment_dosing.order_dose(db, nurse, treatment_id, BAG)
    run_to(sessions, clinic, booked, treatment_id, "cleared")
    with pytest.raises(Conflict, match="cleared"):
        order(sessions, clinic, booked, treatment_id, BAG)


@pytest.mark.parametrize(
    ("expiry", "accepted"),
    [(date(2026, 3, 8), False), (date(2026, 3, 9), True)],  # the treatment is on 2026-03-09
)
def test_a_lot_is_usable_through_its_expiry_day_and_refused_after(
    sessions, clinic: Clinic, iv: tuple[Booked, int], expiry: date, accepted: bool
):
    booked, treatment_id = iv
    run_to(sessions, clinic, booked, treatment_id, "cleared")
    given = AdministrationRequest("Ketamine hydrochloride injection", LOT, expiry)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 15))
        if accepted:
            started = treatment_administration.start(db, nurse, treatment_id, given)
            assert started.rate_ml_per_h == Decimal("150.5")
            return
        with pytest.raises(ValidationFailed, match=f"Lot {LOT} expired on 2026-03-08"):
            treatment_administration.start(db, nurse, treatment_id, given)


def test_pump_events_pause_resume_and_change_rate_in_order(
    sessions, clinic: Clinic, iv: tuple[Booked, int]
):
    booked, treatment_id = iv
    run_to(sessions, clinic, booked, treatment_id, "dosing")

    def event(kind: str, minute: int, rate: str | None = None) -> None:
        with sessions() as db, db.begin():
            nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, minute))
            rate_value = Decimal(rate) if rate else None
            treatment_administration.record_event(
                db, nurse, treatment_id, kind, rate_ml_per_h=rate_value
            )

    with pytest.raises(Conflict, match="not paused"):
        event("resume", 20)
    event("pause", 20)
    with pytest.raises(Conflict, match="already paused"):
        event("pause", 21)
    event("resume", 22)
    with pytest.raises(ValidationFailed):
        event("rate_change", 23)
    event("rate_change", 23, "120")
    event("stop", 60)
    with sessions() as db:
        kinds = [
            e.kind for e in db.scalars(select(AdministrationEvent).order_by(AdministrationEvent.id))
        ]
    assert kinds == ["start", "pause", "resume", "rate_change", "stop"]
    with sessions() as db:
        system = Actor(None, minutes(booked, 61))
        row = treatments.treatment_for(db, system, treatment_id, Action.READ_TREATMENTS)
        assert (row.state, row.observation_started_at) == ("observation", minutes(booked, 60))


@pytest.fixture
def nasal(sessions, clinic: Clinic) -> tuple[Booked, int]:
    booked = book_course(sessions, clinic, ESKETAMINE)
    enrol_in_rems(sessions, booked)
    return booked, check_in(sessions, clinic, booked)


def test_esketamine_is_ordered_in_devices_and_each_device_is_kept_with_its_time(
    sessions, clinic: Clinic, nasal: tuple[Booked, int]
):
    booked, treatment_id = nasal
    run_to(sessions, clinic, booked, treatment_id, "dosing")  # device 1 at minute 15

    def device(minute: int) -> treatment_administration.Recorded:
        with sessions() as db, db.begin():
            nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, minute))
            return treatment_administration.record_event(db, nurse, treatment_id, "device")

    # 56 mg = 2 devices of 28 mg; 5 minutes between devices (§3.3 [SPR-HCP])
    assert "5 minutes between devices" in device(18).warning
    with pytest.raises(Conflict, match="All 2 devices"):
        device(25)
    with sessions() as db:
        placed = db.scalars(select(DoseOrder)).one()
        numbers = db.scalars(
            select(AdministrationEvent.device_number).order_by(AdministrationEvent.id)
        ).all()
    assert (placed.devices, placed.dose_mg, numbers) == (2, Decimal("56.0"), [1, 2])


def test_a_device_after_the_labels_rest_has_no_warning(
    sessions, clinic: Clinic, nasal: tuple[Booked, int]
):
    booked, treatment_id = nasal
    run_to(sessions, clinic, booked, treatment_id, "dosing")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 20))
        assert (
            treatment_administration.record_event(db, nurse, treatment_id, "device").warning == ""
        )


def test_esketamine_takes_only_its_labelled_doses(
    sessions, clinic: Clinic, nasal: tuple[Booked, int]
):
    booked, treatment_id = nasal
    with pytest.raises(ValidationFailed, match="56 or 84"):
        order(sessions, clinic, booked, treatment_id, DoseRequest(Decimal(70)))
    assert order(sessions, clinic, booked, treatment_id, DoseRequest(Decimal(84))).devices == 3
