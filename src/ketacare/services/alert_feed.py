"""What a live staff page is told about an alert: no more than the treatment board shows.

An event names the chair, the patient as the board shows them (given name and family initial),
the vital, value, level, message and times; the page links to the treatment for the rest. Rows are
re-read from the ``vital_alert`` table, the source of truth, for every event and for catching up
after a reconnect (``Last-Event-ID``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import NotFound
from ketacare.core.permissions import Action
from ketacare.core.vitals.codes import describe
from ketacare.db.models import Location, Patient, Site, Treatment, VitalAlert
from ketacare.services import audit
from ketacare.services.context import Actor

CATCH_UP_LIMIT = 500  # a page away longer than this many alerts reloads instead


def patient_label(patient: Patient) -> str:
    """How the board names a patient: given name and family initial ("Ada L.")."""
    initial = patient.family_name[:1]
    return f"{patient.given_name} {initial}." if initial else patient.given_name


@dataclass(frozen=True)
class LiveAlert:
    """One alert as a live page shows it (see the module docstring)."""

    alert: VitalAlert
    patient: str
    chair: str

    def as_json(self) -> dict[str, Any]:
        a = self.alert
        code = describe(a.vital) if a.vital else None
        return {
            "id": a.id,
            "treatment_id": a.treatment_id,
            "site_id": a.site_id,
            "chair": self.chair,
            "patient": self.patient,
            "kind": a.kind,
            "vital": a.vital,
            "vital_name": code.short if code else None,
            "unit": code.unit if code else None,
            "value": None if a.value is None else f"{a.value.normalize():f}",
            "level": a.level,
            "message": a.message,
            "raised_at": a.raised_at.isoformat(),
            "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
            "action": a.action,
            "escalated_at": a.escalated_at.isoformat() if a.escalated_at else None,
        }


def check_site(db: Session, actor: Actor, site_id: int) -> Site:
    """The site, when the actor reads treatments there."""
    actor.require(Action.READ_TREATMENTS, site_id)
    site = db.get(Site, site_id)
    if site is None:
        raise NotFound("No such site.")
    return site


def newest_alert_id(db: Session, site_id: int) -> int:
    """The id of the site's newest alert (0 when none): where a fresh page starts listening."""
    return db.scalar(select(func.max(VitalAlert.id)).where(VitalAlert.site_id == site_id)) or 0


def alerts_after(db: Session, actor: Actor, site_id: int, after_id: int) -> list[LiveAlert]:
    """The site's alerts newer than ``after_id``, oldest first (a page catching up); audited."""
    check_site(db, actor, site_id)
    found = alerts_newer(db, site_id, after_id)
    if found:
        detail = {"alert_ids": [v.alert.id for v in found], "live": True}
        patients = sorted({v.alert.patient_id for v in found})
        audit.record(
            db,
            actor,
            AuditAction.VIEW,
            "vital_alert",
            site_id=site_id,
            detail=detail | {"patient_ids": patients},
        )
    return found


def alerts_newer(db: Session, site_id: int, after_id: int) -> list[LiveAlert]:
    """The site's alerts newer than ``after_id``, oldest first, for a stream already opened and
    audited by ``alerts_after`` that missed some events."""
    query = _query().where(VitalAlert.site_id == site_id, VitalAlert.id > after_id)
    return _views(db, query.order_by(VitalAlert.id).limit(CATCH_UP_LIMIT))


def alerts_by_id(db: Session, site_id: int, alert_ids: Iterable[int]) -> list[LiveAlert]:
    """These alerts of the site, oldest first: what a live event re-reads (the stream that asks
    was opened, checked and audited by ``alerts_after``)."""
    ids = sorted(set(alert_ids))
    if not ids:
        return []
    query = _query().where(VitalAlert.site_id == site_id, VitalAlert.id.in_(ids))
    return _views(db, query.order_by(VitalAlert.id))


def _query() -> Select[VitalAlert, Patient, Location]:
    return (
        select(VitalAlert, Patient, Location)
        .join(Patient, Patient.id == VitalAlert.patient_id)
        .join(Treatment, Treatment.id == VitalAlert.treatment_id)
        .outerjoin(Location, Location.id == Treatment.location_id)
    )


def _views(db: Session, query: Select[VitalAlert, Patient, Location]) -> list[LiveAlert]:
    return [
        LiveAlert(alert, patient_label(patient), chair.name if chair else "No chair")
        for alert, patient, chair in db.execute(query).all()
    ]
