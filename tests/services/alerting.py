"""Helpers for the alert tests: readings stored the way the treatment page and the monitor feed
store them, passed through ``vital_alerts.raise_alerts`` in the same transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import Reading, Treatment, VitalAlert
from ketacare.services import vital_alerts
from tests.services.monitoring import InChair


def reading_row(
    chair: InChair,
    vital: str,
    value: str | None,
    at: datetime,
    *,
    source: str = "manual",
    valid: bool = True,
    received_at: datetime | None = None,
) -> Reading:
    return Reading(
        treatment_id=chair.treatment_id,
        site_id=chair.site_id,
        location_id=chair.location_id,
        vital=vital,
        value=None if value is None else Decimal(value),
        valid=valid,
        source=source,
        observed_at=at,
        received_at=received_at or at,
    )


def store(
    sessions: sessionmaker[Session], chair: InChair, at: datetime, *rows: Reading
) -> list[VitalAlert]:
    """Store ``rows`` and the alerts they raise in one transaction; the alerts raised."""
    with sessions() as db, db.begin():
        db.add_all(rows)
        db.flush()
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        return vital_alerts.raise_alerts(db, treatment, list(rows), at)


def measure(
    sessions: sessionmaker[Session], chair: InChair, at: datetime, **values: str
) -> list[VitalAlert]:
    """One manual reading per vital (``spo2_percent="85"``) at ``at``; the alerts raised."""
    return store(sessions, chair, at, *(reading_row(chair, v, x, at) for v, x in values.items()))
