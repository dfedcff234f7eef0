"""Synthetic clinic data: repeatable from its seed, plausible, bulk-inserted and audited once."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AppointmentKind, AppointmentStatus, LocationKind
from ketacare.core.errors import NotFound
from ketacare.core.search import search_key
from ketacare.db.models import Appointment, AuditEvent, BodyMeasurement, Location, Patient
from ketacare.services import audit, patients, synth
from ketacare.services import clinic as clinics
from ketacare.services.context import Actor
from tests.factories import Clinic

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday noon; the seeded sites run on UTC
SYSTEM = Actor(None, NOW)


def generate(db: Session, clinic_: Clinic, count: int = 60, seed: int = 11) -> synth.SynthSummary:
    return synth.generate(db, SYSTEM, clinic_.organization_id, count, seed)


def people(db: Session) -> list[tuple[str, ...]]:
    rows = db.execute(
        select(
            Patient.mrn, Patient.given_name, Patient.family_name, Patient.date_of_birth
        ).order_by(Patient.mrn)
    ).all()
    return [tuple(str(v) for v in row) for row in rows]


def test_the_same_seed_gives_the_same_patients(sessions: sessionmaker[Session], clinic: Clinic):
    runs = []
    for _ in range(2):
        with sessions() as db:
            db.begin()
            generate(db, clinic)
            runs.append(people(db))
            db.rollback()
    assert runs[0] == runs[1]
    assert len(runs[0]) == 60


def test_a_different_seed_gives_different_patients(sessions: sessionmaker[Session], clinic: Clinic):
    runs = []
    for seed in (1, 2):
        with sessions() as db:
            db.begin()
            generate(db, clinic, seed=seed)
            runs.append(people(db))
            db.rollback()
    assert runs[0] != runs[1]


def test_one_audit_event_records_the_whole_batch_and_the_chain_still_holds(
    sessions: sessionmaker[Session], clinic: Clinic
):
    with sessions() as db, db.begin():
        before = db.scalar(select(func.count()).select_from(AuditEvent))
        summary = generate(db, clinic)
    with sessions() as db, db.begin():
        events = db.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
        assert [(e.action, e.entity) for e in events] == [("create", "synthetic_data")]
        assert json.loads(events[0].detail) == {
            "seed": 11,
            "patients": 60,
            "measurements": summary.measurements,
            "appointments": summary.appointments,
        }
        assert audit.verify(db)[1] is None


def test_names_carry_their_search_keys_so_search_finds_them(
    sessions: sessionmaker[Session], clinic: Clinic
):
    with sessions() as db, db.begin():
        generate(db, clinic, count=200)
    with sessions() as db, db.begin():
        stored = db.scalars(select(Patient)).all()
        for p in stored:
            assert p.search_given_name == search_key(p.given_name)
            assert p.search_family_name == search_key(p.family_name)
            assert p.email.endswith(("@example.org", "@example.com"))
        first = stored[0]
        found = patients.search(
            db, SYSTEM, clinic.organization_id, f"{first.family_name}, {first.given_name}"
        )
        assert first.id in [p.id for p in found]


def test_patients_are_adults_with_one_to_four_measurements_and_a_first_height(
    sessions: sessionmaker[Session], clinic: Clinic
):
    with sessions() as db, db.begin():
        generate(db, clinic, count=100)
    with sessions() as db:
        for p in db.scalars(select(Patient)):
            assert NOW.date() - p.date_of_birth >= timedelta(days=18 * 365)
            assert p.emergency_contact_name
            assert p.emergency_contact_relation in synth.ESCORT_RELATIONS
            assert p.allergies in synth.ALLERGIES.values
        per_patient = Counter(db.scalars(select(BodyMeasurement.patient_id)))
        assert set(per_patient.values()) <= {1, 2, 3, 4}
        assert len(per_patient) == 100
        heights = db.scalar(select(func.count()).where(BodyMeasurement.height_cm.is_not(None)))
        assert heights == 100
        latest = db.scalar(select(func.max(BodyMeasurement.measured_on)))
        assert latest is not None
        assert latest < NOW.date()


def test_every_chair_has_treatments_today_and_statuses_follow_the_clock(
    sessions: sessionmaker[Session], clinic: Clinic
):
    with sessions() as db, db.begin():
        generate(db, clinic, count=80)
    with sessions() as db:
        rows = db.execute(select(Appointment, Location).join(Location)).all()
        chairs = db.scalars(select(Location.id).where(Location.kind == LocationKind.CHAIR)).all()
    today = [a for a, _ in rows if a.starts_at.date() == NOW.date()]
    assert {a.location_id for a in today} == set(chairs)
    for appointment, location in rows:
        assert (appointment.kind == AppointmentKind.TREATMENT) == (location.kind == "chair")
        if appointment.ends_at <= NOW:
            assert appointment.status in {"completed", "no_show", "cancelled"}
        elif appointment.starts_at <= NOW:
            assert appointment.status == AppointmentStatus.ARRIVED
        else:
            assert appointment.status in {"booked", "cancelled"}
    monday = NOW.date() - timedelta(days=NOW.weekday())
    assert {a.starts_at.date() for a, _ in rows} == {monday + timedelta(days=d) for d in range(7)}


def test_rooms_hold_consultations_and_other_visits(sessions: sessionmaker[Session], clinic: Clinic):
    with sessions() as db, db.begin():
        north = clinics.sites_of(db, clinic.organization_id)[0]
        clinics.add_location(db, SYSTEM, north, "Room 1", LocationKind.ROOM)
        generate(db, clinic, count=80)
    with sessions() as db:
        kinds = set(
            db.scalars(
                select(Appointment.kind).join(Location).where(Location.kind == LocationKind.ROOM)
            )
        )
    assert kinds
    assert AppointmentKind.TREATMENT not in kinds


def test_a_second_run_continues_the_mrns_and_never_double_books_a_chair(
    sessions: sessionmaker[Session], clinic: Clinic
):
    for seed in (1, 1):
        with sessions() as db, db.begin():
            generate(db, clinic, count=30, seed=seed)
    with sessions() as db:
        mrns = db.scalars(select(Patient.mrn).order_by(Patient.mrn)).all()
        booked = db.execute(
            select(Appointment.location_id, Appointment.starts_at, Appointment.ends_at).where(
                Appointment.status != "cancelled"
            )
        ).all()
    assert mrns == [f"SYN{n:07d}" for n in range(1, 61)]
    for i, (loc, start, end) in enumerate(booked):
        for other_loc, other_start, other_end in booked[i + 1 :]:
            assert not (loc == other_loc and start < other_end and other_start < end)


def test_progress_is_reported_after_every_batch(
    sessions: sessionmaker[Session], clinic: Clinic, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(synth, "BATCH_SIZE", 10)
    seen: list[tuple[int, int]] = []
    with sessions() as db, db.begin():
        synth.generate(db, SYSTEM, clinic.organization_id, 25, 3, lambda d, t: seen.append((d, t)))
    assert seen == [(10, 25), (20, 25), (25, 25)]


def test_an_organization_without_a_site_is_refused(sessions: sessionmaker[Session]):
    with sessions() as db, db.begin():
        org = clinics.create_organization(db, SYSTEM, "Empty Clinic")
        with pytest.raises(NotFound):
            synth.generate(db, SYSTEM, org.id, 5, 1)
