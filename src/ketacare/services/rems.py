"""SPRAVATO REMS: each patient's enrolment, and the Patient Monitoring Form for every esketamine
treatment, due 7 days after it (clinical-reference §3.9 [REMS-PMF] [REMS-JNJ]).

The form is filled from the record (``rems_record``) and completed by staff. An answer staff give
that differs from the record's is kept as theirs; the rest keep following the record (a reading
typed later still lands on the form) until the form is signed. Signing (RUN_TREATMENT) freezes
every answer and is refused while a required one is missing; once sent to the REMS, the form is
marked submitted with the day and who sent it. Every read and change is audited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core import rems as pmf
from ketacare.core.enums import AuditAction, RemsFormStatus
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.db.models import (
    Patient,
    RemsEnrolment,
    RemsForm,
    Site,
    StaffUser,
    Treatment,
)
from ketacare.services import audit, rems_record
from ketacare.services.context import Actor
from ketacare.services.responses import patient_for

ENTITY = "rems_form"
NOT_STARTED = "not_started"


@dataclass(frozen=True)
class MonitoringForm:
    """One treatment's form as shown: its answers (frozen once signed), the record's answers and
    their sources, what still stops signing, and when it is due."""

    treatment: Treatment
    patient: Patient
    site: Site
    row: RemsForm | None
    values: dict[str, str]
    record: dict[str, str]
    sources: dict[str, str]
    gaps: dict[str, str]
    treatment_on: date
    due_on: date
    overdue: bool

    @property
    def status(self) -> str:
        return self.row.status if self.row is not None else NOT_STARTED

    @property
    def editable(self) -> bool:
        return self.row is None or self.row.status == RemsFormStatus.DRAFT

    @property
    def entered(self) -> frozenset[str]:
        """The answers staff gave that differ from what the record says."""
        return frozenset(k for k, v in self.values.items() if v != self.record.get(k, ""))


def enrolment_of(db: Session, patient_id: int) -> RemsEnrolment | None:
    """The patient's REMS enrolment, for other services (which audit their own reads)."""
    return db.scalar(select(RemsEnrolment).where(RemsEnrolment.patient_id == patient_id))


def read_enrolment(
    db: Session, actor: Actor, patient_id: int
) -> tuple[Patient, RemsEnrolment | None]:
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    row = enrolment_of(db, patient.id)
    _audit(db, actor, AuditAction.VIEW, "rems_enrolment", row.id if row else None, patient)
    return patient, row


def record_enrolment(
    db: Session, actor: Actor, patient_id: int, enrolled_on: date | None, rems_patient_id: str
) -> RemsEnrolment:
    """Record (or correct) the day the patient's REMS Patient Enrollment Form was submitted and
    the REMS's patient id, if it gave one."""
    patient = patient_for(db, actor, patient_id, Action.WRITE_PATIENT)
    site = db.get(Site, patient.site_id)
    assert site is not None
    errors = {}
    if enrolled_on is None:
        errors["enrolled_on"] = "Enter the day the enrolment form was submitted."
    elif enrolled_on > rems_record.site_day(site, actor.at):
        errors["enrolled_on"] = "The day cannot be in the future."
    if len(rems_patient_id.strip()) > 40:
        errors["rems_patient_id"] = "Use at most 40 characters."
    if errors or enrolled_on is None:
        raise ValidationFailed(errors)
    row = enrolment_of(db, patient.id)
    action = AuditAction.UPDATE if row is not None else AuditAction.CREATE
    if row is None:
        row = RemsEnrolment(patient_id=patient.id, enrolled_on=enrolled_on, recorded_at=actor.at)
        db.add(row)
    row.enrolled_on, row.rems_patient_id = enrolled_on, rems_patient_id.strip()
    row.recorded_by_id, row.recorded_at = actor.staff_user_id, actor.at
    db.flush()
    _audit(db, actor, action, "rems_enrolment", row.id, patient, enrolled_on=enrolled_on)
    return row


def monitoring_form(db: Session, actor: Actor, treatment_id: int) -> MonitoringForm:
    """The treatment's form, filled from the record for the viewer as the signing clinician."""
    form = _build(db, actor, _treatment_for(db, actor, treatment_id))
    _audit_form(db, actor, AuditAction.VIEW, form)
    return form


def save_answers(
    db: Session, actor: Actor, treatment_id: int, posted: Mapping[str, str]
) -> MonitoringForm:
    """Keep the answers staff give that differ from the record (blank included), refusing any
    the form cannot hold; a missing answer is fine until signing."""
    treatment = _treatment_for(db, actor, treatment_id)
    form = _editable(_build(db, actor, treatment))
    given = pmf.clean(posted)
    if errors := pmf.invalid(given):
        raise ValidationFailed(errors)
    answers = {**_answers(form.row), **given}
    kept = {k: v for k, v in answers.items() if v != form.record.get(k, "")}
    row = _stored(db, form, {"answers": kept}, {**form.record, **kept})
    changed = sorted(k for k in given if given[k] != form.values.get(k, ""))
    _audit_form(db, actor, AuditAction.UPDATE, form, row, fields=changed)
    return _build(db, actor, treatment)


def sign(db: Session, actor: Actor, treatment_id: int) -> RemsForm:
    """Sign as the clinician who monitored: every answer is frozen as shown; refused, field by
    field, while a required answer is missing or breaks the form's rules."""
    if actor.staff_user_id is None:
        raise PermissionDenied("A staff user signs the monitoring form.")
    form = _editable(_build(db, actor, _treatment_for(db, actor, treatment_id)))
    if form.gaps:
        raise ValidationFailed(form.gaps)
    data = {"answers": _answers(form.row), "values": form.values, "sources": form.sources}
    row = _stored(db, form, data, form.values)
    row.status = RemsFormStatus.SIGNED
    row.signed_by_id, row.signed_at = actor.staff_user_id, actor.at
    db.flush()
    _audit_form(db, actor, AuditAction.UPDATE, form, row, status=row.status)
    return row


def mark_submitted(
    db: Session, actor: Actor, treatment_id: int, submitted_on: date | None
) -> RemsForm:
    """Record the day the signed form went to the REMS (online or by fax) and who sent it."""
    form = _build(db, actor, _treatment_for(db, actor, treatment_id))
    if form.row is None or form.row.status != RemsFormStatus.SIGNED:
        shown = form.status.replace("_", " ")
        raise Conflict(f"The form is {shown}: only a signed form is marked submitted.", "status")
    today = rems_record.site_day(form.site, actor.at)
    if submitted_on is None or not form.treatment_on <= submitted_on <= today:
        message = "Enter the day it was submitted, from the treatment date to today."
        raise ValidationFailed({"submitted_on": message})
    row = form.row
    row.status, row.submitted_on = RemsFormStatus.SUBMITTED, submitted_on
    row.submitted_by_id = actor.staff_user_id
    db.flush()
    _audit_form(db, actor, AuditAction.UPDATE, form, row, status=row.status)
    return row


def _treatment_for(db: Session, actor: Actor, treatment_id: int) -> Treatment:
    """NotFound unless the treatment is at a site the actor works at; PermissionDenied there
    unless the actor runs treatments."""
    row = db.get(Treatment, treatment_id)
    visible = actor.visible_sites(Action.READ_TREATMENTS)
    if row is None or (visible is not None and row.site_id not in visible):
        raise NotFound("No such treatment, or it is at a site you do not work at.")
    actor.require(Action.RUN_TREATMENT, row.site_id)
    return row


def _build(db: Session, actor: Actor, treatment: Treatment) -> MonitoringForm:
    first_at = rems_record.first_device_at(db, treatment.id)
    if first_at is None:
        if not rems_record.is_esketamine(db, treatment):
            raise NotFound("This is not an esketamine treatment; it has no REMS form.")
        raise Conflict("No esketamine device is recorded yet: the form starts with the first.")
    site, patient = db.get(Site, treatment.site_id), db.get(Patient, treatment.patient_id)
    assert site is not None
    assert patient is not None
    row = db.scalar(select(RemsForm).where(RemsForm.treatment_id == treatment.id))
    signer = db.get(StaffUser, actor.staff_user_id) if actor.staff_user_id else None
    found = rems_record.prefill(db, treatment, site, first_at, signer)
    values, sources = {**found.values, **_answers(row)}, found.sources
    if row is not None and row.status != RemsFormStatus.DRAFT:
        values, sources = rems_record.signed_values(row), _data(row).get("sources", {})
    treatment_on = rems_record.site_day(site, first_at)
    due = row.due_on if row is not None else pmf.due_on(treatment_on)
    late = row is None or row.status != RemsFormStatus.SUBMITTED
    overdue = late and pmf.overdue(due, rems_record.site_day(site, actor.at))
    gaps = pmf.gaps(values)
    return MonitoringForm(
        treatment, patient, site, row, values, found.values, sources, gaps, treatment_on, due,
        overdue,
    )  # fmt: skip


def _editable(form: MonitoringForm) -> MonitoringForm:
    if not form.editable:
        raise Conflict(f"The form is {form.status}; its answers no longer change.", "status")
    return form


def _data(row: RemsForm | None) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(row.data or "{}") if row is not None else {}
    return data


def _answers(row: RemsForm | None) -> dict[str, str]:
    return dict(_data(row).get("answers", {}))


def _stored(
    db: Session, form: MonitoringForm, data: Mapping[str, object], values: Mapping[str, str]
) -> RemsForm:
    """The form's row, made on the first save, holding ``data`` and the evaluation answer."""
    row = form.row
    if row is None:
        row = RemsForm(treatment_id=form.treatment.id, status=RemsFormStatus.DRAFT)
        row.due_on = form.due_on
        db.add(row)
    row.data = json.dumps(data, sort_keys=True)
    ready = values.get("ready_after_min", "")  # checked by ``pmf.invalid`` before it is stored
    row.ready_after_min = int(ready) if ready else None
    db.flush()
    return row


def _audit_form(
    db: Session,
    actor: Actor,
    action: AuditAction,
    form: MonitoringForm,
    row: RemsForm | None = None,
    **detail: object,
) -> None:
    stored = row or form.row
    entity_id = stored.id if stored is not None else None
    detail = {"treatment_id": form.treatment.id, **detail}
    _audit(db, actor, action, ENTITY, entity_id, form.patient, **detail)


def _audit(
    db: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    patient: Patient,
    **detail: object,
) -> None:
    audit.record(
        db, actor, action, entity, entity_id,
        patient_id=patient.id, site_id=patient.site_id, detail=detail,
    )  # fmt: skip
