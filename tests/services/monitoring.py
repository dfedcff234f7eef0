"""A treatment in progress in a named chair, the limits a test sets, and what the monitor feed
stored, for the monitor feed tests (service, real socket and crash tests)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import hl7
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.db.models import InboundMessage, Location, Reading, Treatment, VitalAlert
from ketacare.services import alert_settings, live, monitor_feed, protocols, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from tests.factories import Clinic, add_patient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hl7"
PROTOCOL = "iv_ketamine_depression"
SYSTEM = Actor(None, datetime(2026, 11, 2, 8, 0, tzinfo=UTC))


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass(frozen=True)
class InChair:
    treatment_id: int
    patient_id: int
    location_id: int
    site_id: int


def treatment_in_chair(
    sessions: sessionmaker[Session],
    site_id: int,
    *,
    mrn: str = "MRN-000001",
    chair: str = "Chair 1",
    point_of_care: str | None = None,
    device: str | None = None,
    state: TreatmentState = TreatmentState.DOSING,
    dosing_started_at: datetime | None = None,
) -> InChair:
    """A patient with a treatment in ``state`` in ``chair`` at the site, the chair named as
    given (the feed's own test of how chairs are named lives in tests/web/test_monitor_pages)."""
    patient = add_patient(sessions, site_id, mrn=mrn)
    with sessions() as db, db.begin():
        location = db.scalars(
            select(Location).where(Location.site_id == site_id, Location.name == chair)
        ).one()
        location.point_of_care, location.monitor_device = point_of_care, device
        version = protocols.current_version(db, patient.organization_id, PROTOCOL, actor=SYSTEM)
        started = dosing_started_at or SYSTEM.at
        treatment = Treatment(
            organization_id=patient.organization_id,
            site_id=site_id,
            patient_id=patient.id,
            protocol_version_id=version.id,
            location_id=location.id,
            state=state.value,
            created_at=started - timedelta(minutes=30),
            checked_in_at=started - timedelta(minutes=30),
            dosing_started_at=started,
            updated_at=started,
        )
        db.add(treatment)
        db.flush()
        return InChair(treatment.id, patient.id, location.id, site_id)


def set_limits(
    sessions: sessionmaker[Session], clinic: Clinic, limits: Mapping[str, str | None]
) -> None:
    """The clinic's limits for the test protocol, set by its prescriber (values the test chooses:
    ketacare ships none, clinical-reference §4.2)."""
    with sessions() as db, db.begin():
        prescriber = staff.by_email(db, clinic.users[Role.PRESCRIBER])
        actor = Actor(staff.principal_for(db, prescriber), SYSTEM.at)
        values = {name: Decimal(v) if v is not None else None for name, v in limits.items()}
        alert_settings.set_thresholds(db, actor, clinic.organization_id, PROTOCOL, values)


def readings_of(sessions: sessionmaker[Session], treatment_id: int) -> list[Reading]:
    with sessions() as db:
        return list(
            db.scalars(
                select(Reading).where(Reading.treatment_id == treatment_id).order_by(Reading.id)
            )
        )


def messages(sessions: sessionmaker[Session]) -> list[InboundMessage]:
    with sessions() as db:
        return list(db.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def alerts_of(sessions: sessionmaker[Session], treatment_id: int) -> list[VitalAlert]:
    with sessions() as db:
        return list(db.scalars(select(VitalAlert).where(VitalAlert.treatment_id == treatment_id)))


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


@contextmanager
def listening(
    sessions: sessionmaker[Session],
    settings: Settings,
    broker: live.Broker | None = None,
) -> Iterator[int]:
    """The monitor feed and its MLLP listener on a free loopback port, served by an event loop of
    their own in a background thread (as in ``ketacare serve``), for blocking clients."""
    loop = asyncio.new_event_loop()
    ready: Future[int] = Future()
    stop = asyncio.Event()

    async def serve() -> None:
        try:
            async with monitor_feed.running(sessions, broker, settings, port=0) as listener:
                ready.set_result(listener.port)
                await stop.wait()
        except BaseException as error:
            if not ready.done():
                ready.set_exception(error)
            raise

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        yield ready.result(timeout=10)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()


def unframed(answer: bytes) -> hl7.Message:
    """The HL7 message in one MLLP frame as received."""
    return hl7.parse(answer.strip(b"\x0b\x1c\r").decode())
