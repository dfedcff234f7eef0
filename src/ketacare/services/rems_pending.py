"""The SPRAVATO REMS monitoring forms not yet submitted, at the sites a clinician works at, with
their due dates: 7 days after the treatment (clinical-reference §3.9 [REMS-PMF]).

A form is due for every treatment in which an esketamine device was given, whether or not anyone
has opened it yet; it leaves the list once marked submitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ketacare.core import rems as pmf
from ketacare.core.enums import AuditAction, RemsFormStatus
from ketacare.core.permissions import Action
from ketacare.db.models import (
    Administration,
    AdministrationEvent,
    Patient,
    RemsForm,
    Site,
    Treatment,
)
from ketacare.services import audit, rems_record
from ketacare.services.context import Actor
from ketacare.services.rems import ENTITY, NOT_STARTED


@dataclass(frozen=True)
class PendingForm:
    """A form not yet submitted: whose, which treatment, its state and due date."""

    treatment_id: int
    patient: Patient
    site: Site
    treatment_on: date
    status: str
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def pending_forms(
    db: Session, actor: Actor, site_ids: Iterable[int] | None = None
) -> list[PendingForm]:
    """Every esketamine treatment given at the actor's sites (among ``site_ids`` when given)
    whose form is not submitted yet, soonest due first; the list read is audited per site."""
    actor.require(Action.RUN_TREATMENT)
    sites = {s.id: s for s in _sites(db, actor, site_ids)}
    rows = db.execute(
        select(Treatment, RemsForm, AdministrationEvent.at)
        .join(Administration, Administration.treatment_id == Treatment.id)
        .join(AdministrationEvent, AdministrationEvent.administration_id == Administration.id)
        .outerjoin(RemsForm, RemsForm.treatment_id == Treatment.id)
        .where(
            AdministrationEvent.kind == rems_record.DEVICE,
            Treatment.site_id.in_(sites),
            or_(RemsForm.id.is_(None), RemsForm.status != RemsFormStatus.SUBMITTED),
        )
        .order_by(AdministrationEvent.at)
    ).all()
    first: dict[int, tuple[Treatment, RemsForm | None, date]] = {}
    for treatment, row, at in rows:  # oldest device first: the first one sets the day
        on = rems_record.site_day(sites[treatment.site_id], at)
        first.setdefault(treatment.id, (treatment, row, on))
    patients = _patients(db, {t.patient_id for t, _, _ in first.values()})
    pending = [
        _pending(sites[t.site_id], patients[t.patient_id], t, row, on, actor)
        for t, row, on in first.values()
    ]
    pending.sort(key=lambda p: (p.due_on, p.patient.family_name, p.treatment_id))
    _audit_list(db, actor, pending)
    return pending


def _sites(db: Session, actor: Actor, site_ids: Iterable[int] | None) -> list[Site]:
    visible = actor.visible_sites(Action.RUN_TREATMENT)
    chosen = set(site_ids) if site_ids is not None else None
    query = select(Site)
    if actor.principal is not None:
        query = query.where(Site.organization_id == actor.principal.organization_id)
    return [
        s
        for s in db.scalars(query)
        if (visible is None or s.id in visible) and (chosen is None or s.id in chosen)
    ]


def _patients(db: Session, ids: set[int]) -> dict[int, Patient]:
    return {p.id: p for p in db.scalars(select(Patient).where(Patient.id.in_(ids)))}


def _pending(
    site: Site,
    patient: Patient,
    treatment: Treatment,
    row: RemsForm | None,
    on: date,
    actor: Actor,
) -> PendingForm:
    due = row.due_on if row is not None else pmf.due_on(on)
    days_left = (due - rems_record.site_day(site, actor.at)).days
    status = row.status if row is not None else NOT_STARTED
    return PendingForm(treatment.id, patient, site, on, status, due, days_left)


def _audit_list(db: Session, actor: Actor, pending: list[PendingForm]) -> None:
    """One VIEW per site naming every patient shown; nothing when nobody was shown."""
    by_site: dict[int, set[int]] = {}
    for item in pending:
        by_site.setdefault(item.site.id, set()).add(item.patient.id)
    for site_id, patient_ids in sorted(by_site.items()):
        audit.record(
            db, actor, AuditAction.VIEW, ENTITY, None,
            site_id=site_id, detail={"list": "pending", "patient_ids": sorted(patient_ids)},
        )  # fmt: skip
