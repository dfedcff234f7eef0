"""The demo's treatments of today: every state across the chairs, each built through the treatment
services, with no chair booked twice and no reading after its patient left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentStatus, TreatmentState
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import upgrade
from ketacare.db.models import (
    AdverseEvent,
    Appointment,
    Intervention,
    Reading,
    Treatment,
)
from ketacare.services import setup
from ketacare.services.context import Actor

HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A small demo clinic built now; the build seeds today's treatments."""
    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    system = Actor(None, datetime.now(UTC))
    with session_factory(engine)() as db:
        with db.begin():
            setup.build_demo_clinic(db, system, 90)
        yield db
    engine.dispose()


def test_every_state_of_a_treatment_is_on_the_demo_today(demo: Session):
    states = set(demo.scalars(select(Treatment.state)))
    assert states == {s.value for s in TreatmentState} - {"scheduled", "aborted"}


def test_no_chair_holds_two_appointments_at_once(demo: Session):
    rows = demo.scalars(select(Appointment).where(Appointment.status.in_(HOLDING))).all()
    clashes = [
        (a.id, b.id)
        for a, b in combinations(rows, 2)
        if a.location_id is not None
        and a.location_id == b.location_id
        and a.starts_at < b.ends_at
        and b.starts_at < a.ends_at
    ]
    assert clashes == []


def test_no_reading_is_taken_after_the_patient_was_signed_off(demo: Session):
    for treatment in demo.scalars(select(Treatment).where(Treatment.ready_at.isnot(None))):
        last = demo.scalar(
            select(func.max(Reading.observed_at)).where(Reading.treatment_id == treatment.id)
        )
        assert last is not None
        assert last <= treatment.ready_at


def test_the_clinic_has_one_intervention_and_one_adverse_event_today(demo: Session):
    assert demo.scalar(select(func.count(Intervention.id))) == 1
    assert demo.scalar(select(func.count(AdverseEvent.id))) == 1


def test_a_discharged_treatments_appointment_is_completed_and_the_others_arrived(demo: Session):
    for treatment in demo.scalars(select(Treatment)):
        booked = demo.get(Appointment, treatment.appointment_id)
        assert booked is not None
        wanted = "completed" if treatment.state == "discharged" else "arrived"
        assert (treatment.state, booked.status) == (treatment.state, wanted)
