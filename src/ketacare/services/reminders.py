"""Appointment e-mails: an invitation with a calendar file when an appointment is booked, an
update when it moves, a cancellation, and a reminder some hours before it.

Services call ``appointment_booked``, ``appointment_moved`` and ``appointment_cancelled`` in their
own transaction; these only queue jobs (``services.jobs``), so nothing is sent inside a request
and a restart loses nothing. The handlers (``HANDLERS``) run in the job worker and load the
appointment, patient, site and chair fresh: when the news is stale (the appointment moved or was
cancelled since the job was queued, or has begun), they send nothing and the job is done.

Patients without an e-mail address get no jobs (the functions return False). With e-mail not
configured on the server, jobs are queued all the same, because services do not read settings
and a booking must not depend on the mail server; the web app then runs no worker, so they wait
in the job table (``ketacare jobs list``) until e-mail is configured. A ``ketacare jobs run``
with e-mail off fails them after their retries with "E-mail is not configured".

Callers raise ``appointment.revision`` on every change, cancellation included: it is the
calendar SEQUENCE, and a job whose revision is no longer the appointment's is stale.

E-mails name the site, the chair or room and the site-local time, never the patient's name (an
address can be mistyped) nor any drug or dose.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind, AppointmentStatus, AuditAction
from ketacare.core.errors import ConfigurationError
from ketacare.db.models import Appointment, Job, Location, Organization, Patient, Site
from ketacare.interop.ical import Method, invitation
from ketacare.interop.mail import Attachment, SmtpMailer
from ketacare.services import audit, jobs
from ketacare.services.context import Actor

INVITATION = "appointment.invitation"
REMINDER = "appointment.reminder"
CANCELLATION = "appointment.cancellation"

# Source: clinical-reference §3.5 [SPR-PI2019-p21] (verified): no driving or operating machinery
# until the next day after a restful sleep; the patient needs someone to drive them home.
DISCHARGE_RULE = (
    "Someone must drive you home: no driving or operating machinery until the next day after a "
    "restful sleep."
)
WHAT_TO_BRING = "Please bring a list of the medicines you take now."
CONTACT = "To change or cancel, please contact the clinic."

log = logging.getLogger("ketacare.jobs")


def subject_of(appointment: Appointment) -> str:
    """The jobs' subject: how a move or cancellation finds the appointment's queued e-mails."""
    return f"appointment:{appointment.id}"


def appointment_booked(
    db: Session, appointment: Appointment, *, reminder_hours_before: int, now: datetime
) -> bool:
    """Queue the invitation (now) and the reminder (``reminder_hours_before`` the start, unless
    that is past). False, and nothing queued, when the patient has no e-mail address."""
    return _queue_booked(db, appointment, "booked", reminder_hours_before, now)


def appointment_moved(
    db: Session, appointment: Appointment, *, reminder_hours_before: int, now: datetime
) -> bool:
    """Withdraw the appointment's queued e-mails; queue the updated invitation and reminder."""
    jobs.withdraw(db, subject_of(appointment), now=now)
    return _queue_booked(db, appointment, "moved", reminder_hours_before, now)


def appointment_cancelled(db: Session, appointment: Appointment, *, now: datetime) -> bool:
    """Withdraw the appointment's queued e-mails; queue the cancellation (METHOD:CANCEL)."""
    jobs.withdraw(db, subject_of(appointment), now=now)
    if not _has_address(db, appointment):
        return False
    _enqueue(db, CANCELLATION, appointment, "cancelled", now, now)
    return True


def _queue_booked(
    db: Session, appointment: Appointment, news: str, reminder_hours_before: int, now: datetime
) -> bool:
    if not _has_address(db, appointment):
        return False
    _enqueue(db, INVITATION, appointment, news, now, now)
    remind_at = appointment.starts_at - timedelta(hours=reminder_hours_before)
    if remind_at > now:
        _enqueue(db, REMINDER, appointment, "reminder", remind_at, now)
    return True


def _has_address(db: Session, appointment: Appointment) -> bool:
    patient = db.get(Patient, appointment.patient_id)
    return patient is not None and bool(patient.email)


def _enqueue(
    db: Session, kind: str, appointment: Appointment, news: str, run_at: datetime, now: datetime
) -> None:
    payload = {"appointment_id": appointment.id, "revision": appointment.revision, "news": news}
    jobs.enqueue(db, kind, run_at, payload, subject=subject_of(appointment), now=now)


@dataclass(frozen=True)
class Visit:
    """An appointment as the patient is told of it, loaded fresh when the job runs."""

    appointment: Appointment
    email: str
    site: Site
    location: Location | None
    clinic_name: str

    @property
    def is_treatment(self) -> bool:
        return self.appointment.kind == AppointmentKind.TREATMENT

    @property
    def noun(self) -> str:
        return "treatment appointment" if self.is_treatment else "appointment"

    @property
    def place(self) -> str:
        return self.site.name + (f", {self.location.name}" if self.location else "")

    def local(self, at: datetime) -> datetime:
        return at.astimezone(ZoneInfo(self.site.timezone))


def _fresh_visit(db: Session, job: Job, now: datetime, status: AppointmentStatus) -> Visit | None:
    """The job's appointment if its news still holds: same revision, in ``status``, not begun,
    and the patient still has an address. None means: send nothing."""
    payload = json.loads(job.payload)
    row = db.get(Appointment, payload["appointment_id"])
    if row is None or row.revision != payload["revision"] or row.status != status:
        return None
    patient = db.get(Patient, row.patient_id)
    if row.starts_at <= now or patient is None or not patient.email:
        return None
    site = db.get(Site, row.site_id)
    assert site is not None
    organization = db.get(Organization, site.organization_id)
    assert organization is not None
    location = db.get(Location, row.location_id) if row.location_id is not None else None
    return Visit(row, patient.email, site, location, organization.name)


def letter(visit: Visit, news: str) -> tuple[str, str]:
    """The subject and plain-text body for ``news`` (booked, moved, reminder or cancelled)."""
    starts, ends = visit.local(visit.appointment.starts_at), visit.local(visit.appointment.ends_at)
    on = f"{starts:%a} {starts.day} {starts:%b} at {starts:%H:%M}"
    subjects = {
        "booked": f"Your {visit.noun} on {on}",
        "moved": f"Changed: your {visit.noun} is now on {on}",
        "reminder": f"Reminder: your {visit.noun} on {on}",
        "cancelled": f"Cancelled: your {visit.noun} on {on}",
    }
    leads = {
        "booked": f"Your {visit.noun} is booked. The calendar file attached adds it to your "
        "calendar.",
        "moved": f"Your {visit.noun} has changed; the new time and place are below. The calendar "
        "file attached updates your calendar.",
        "reminder": f"This is a reminder of your {visit.noun}.",
        "cancelled": f"Your {visit.noun} below is cancelled. The calendar file attached removes "
        "it from your calendar.",
    }
    when = f"{starts:%A} {starts.day} {starts:%B %Y}, {starts:%H:%M} to {ends:%H:%M}"
    lines = [
        "Hello,",
        leads[news],
        f"When:  {when} ({visit.site.timezone} time)\nWhere: {visit.place}",
        *_advice(visit, news),
        visit.clinic_name,
    ]
    return subjects[news], "\n\n".join(lines) + "\n"


def _advice(visit: Visit, news: str) -> list[str]:
    if news == "cancelled":
        return ["If you have questions, please contact the clinic."]
    if not visit.is_treatment:
        return [CONTACT]
    return [WHAT_TO_BRING, DISCHARGE_RULE, CONTACT]


def _calendar_file(visit: Visit, method: Method, mailer: SmtpMailer, now: datetime) -> Attachment:
    row = visit.appointment
    ics = invitation(
        # Stable for the appointment's life (calendars match updates by UID), unless the clinic
        # changes the domain of KETACARE_MAIL_FROM.
        uid=f"appointment-{row.id}@{mailer.sender.rpartition('@')[2]}",
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        summary=f"{visit.noun.capitalize()} at {visit.site.name}",
        location=visit.place,
        description=" ".join(_advice(visit, "cancelled" if method == "CANCEL" else "booked")),
        sequence=row.revision,
        method=method,
        stamp_at=now,
        organizer_email=mailer.sender,
        attendee_email=visit.email,
    )
    return Attachment("invite.ics", ics, "text/calendar", {"method": method})


def _send(db: Session, job: Job, ctx: jobs.JobContext, status: AppointmentStatus) -> None:
    """Send the job's e-mail if its news still holds; audited as a read of the patient's
    record by the system (the address and the appointment leave the server)."""
    visit = _fresh_visit(db, job, ctx.now, status)
    if visit is None:
        log.info("job %d (%s): the appointment changed; nothing sent", job.id, job.kind)
        return
    if ctx.mailer is None:
        raise ConfigurationError("E-mail is not configured (KETACARE_SMTP_HOST is empty).")
    news = json.loads(job.payload)["news"]
    method: Method = "CANCEL" if status == AppointmentStatus.CANCELLED else "REQUEST"
    files = [] if job.kind == REMINDER else [_calendar_file(visit, method, ctx.mailer, ctx.now)]
    subject, body = letter(visit, news)
    row = visit.appointment
    audit.record(
        db,
        Actor(None, ctx.now),
        AuditAction.VIEW,
        "appointment",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail={"emailed": job.kind, "job_id": job.id, "sequence": row.revision},
    )
    ctx.mailer.send(visit.email, subject, body, attachments=files)


def _send_booked(db: Session, job: Job, ctx: jobs.JobContext) -> None:
    _send(db, job, ctx, AppointmentStatus.BOOKED)


def _send_cancelled(db: Session, job: Job, ctx: jobs.JobContext) -> None:
    _send(db, job, ctx, AppointmentStatus.CANCELLED)


HANDLERS: Mapping[str, jobs.Handler] = {
    INVITATION: _send_booked,
    REMINDER: _send_booked,
    CANCELLATION: _send_cancelled,
}
