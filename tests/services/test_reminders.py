"""Appointment e-mails, end to end through the job queue and a real SMTP server: the invitation
carries a calendar file in UTC at the site's local time in the text, a move raises the SEQUENCE
and withdraws the old reminder, a cancellation removes the event, stale news is never sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AppointmentKind, AppointmentStatus
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.models import Appointment, AuditEvent, Job, Location, Site
from ketacare.services import appointments, jobs, reminders
from ketacare.services.context import Actor
from ketacare.settings import Settings
from tests.factories import Clinic, add_patient
from tests.interop.smtp import Inbox, free_port, smtp_server
from tests.services.test_jobs import running_worker, wait_until

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
# 22:00 UTC on Monday 9 March is 09:00 on Tuesday 10 March in Sydney (AEDT, UTC+11).
STARTS = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
HOURS_BEFORE = 24


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_settings(settings: Settings, inbox: Inbox) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_starttls": False,
            "mail_from": "appointments@clinic.test",
        }
    )


@pytest.fixture
def north(sessions: sessionmaker[Session], clinic: Clinic) -> int:
    """North, moved to Sydney's time zone; returns the id of its Chair 1."""
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        site.timezone = "Australia/Sydney"
        return db.scalars(
            select(Location.id).where(Location.site_id == site.id, Location.name == "Chair 1")
        ).one()


def book(
    sessions: sessionmaker[Session],
    patient_id: int,
    chair_id: int | None,
    starts_at: datetime = STARTS,
    kind: str = AppointmentKind.TREATMENT,
    now: datetime = NOW,
) -> tuple[int, bool]:
    """Book as the course service does, telling the reminders; (appointment id, queued?)."""
    booking = appointments.Booking(
        patient_id, chair_id, starts_at, starts_at + timedelta(hours=2), kind
    )
    with sessions() as db, db.begin():
        row = appointments.book(db, Actor(None, now), booking)
        queued = reminders.appointment_booked(db, row, reminder_hours_before=HOURS_BEFORE, now=now)
        return row.id, queued


def move(sessions: sessionmaker[Session], appointment_id: int, by: timedelta) -> None:
    """Move as the course service does: new times, revision up, then tell the reminders."""
    with sessions() as db, db.begin():
        row = db.get(Appointment, appointment_id)
        assert row is not None
        row.starts_at, row.ends_at, row.revision = row.starts_at + by, row.ends_at + by, 1
        reminders.appointment_moved(db, row, reminder_hours_before=HOURS_BEFORE, now=NOW)


def cancel(sessions: sessionmaker[Session], appointment_id: int) -> None:
    with sessions() as db, db.begin():
        row = db.get(Appointment, appointment_id)
        assert row is not None
        row.status, row.revision = AppointmentStatus.CANCELLED, row.revision + 1
        reminders.appointment_cancelled(db, row, now=NOW)


def run(sessions: sessionmaker[Session], settings: Settings, at: datetime = NOW) -> int:
    return jobs.run_pending(sessions, at, reminders.HANDLERS, settings=settings)


def queued(sessions: sessionmaker[Session]) -> list[tuple[str, str, datetime]]:
    with sessions() as db:
        rows = db.scalars(select(Job).order_by(Job.id)).all()
        return [(row.kind, row.status, row.run_at) for row in rows]


def calendar_of(message: EmailMessage) -> tuple[str, Event, Calendar]:
    """The message's calendar attachment: its Content-Type method, its event, its calendar."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert isinstance(event, Event)
    return str(part.get_param("method")), event, calendar


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_booking_emails_an_invitation_with_a_calendar_file(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, was_queued = book(sessions, patient.id, north)
    assert was_queued
    assert run(sessions, mail_settings) == 1
    [message] = inbox.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Your treatment appointment on Tue 10 Mar at 09:00"
    method, event, calendar = calendar_of(message)
    assert (method, calendar["METHOD"], event["STATUS"]) == ("REQUEST", "REQUEST", "CONFIRMED")
    assert (event.start, event.end) == (STARTS, STARTS + timedelta(hours=2))
    assert event.sequence == 0
    assert event["UID"] == f"appointment-{appointment_id}@clinic.test"
    assert event["LOCATION"] == "North, Chair 1"
    assert event["ORGANIZER"] == "mailto:appointments@clinic.test"


def test_the_text_gives_the_sites_local_time_place_and_discharge_rule_but_no_name(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north)
    run(sessions, mail_settings)
    text = text_of(inbox.messages[0])
    assert "When:  Tuesday 10 March 2026, 09:00 to 11:00 (Australia/Sydney time)" in text
    assert "Where: North, Chair 1" in text
    assert reminders.DISCHARGE_RULE in text
    assert reminders.WHAT_TO_BRING in text
    assert "Harbour Ketamine Clinic" in text
    for private in ("Ada", "Lovelace", "1985", "MRN"):
        assert private not in text


def test_sending_is_audited_as_the_system_reading_the_patients_record(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, _ = book(sessions, patient.id, north)
    run(sessions, mail_settings)
    with sessions() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.entity, event.entity_id) == (
            "view",
            "appointment",
            str(appointment_id),
        )
        assert (event.patient_id, event.staff_user_id) == (patient.id, None)
        assert '"emailed": "appointment.invitation"' in event.detail


def test_a_reminder_goes_out_the_set_number_of_hours_before_the_start(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north)
    remind_at = STARTS - timedelta(hours=HOURS_BEFORE)
    assert [(kind, run_at) for kind, _, run_at in queued(sessions)] == [
        (reminders.INVITATION, NOW),
        (reminders.REMINDER, remind_at),
    ]
    run(sessions, mail_settings)
    assert run(sessions, mail_settings, remind_at - timedelta(seconds=1)) == 0
    assert run(sessions, mail_settings, remind_at) == 1
    reminder = inbox.messages[-1]
    assert reminder["Subject"] == "Reminder: your treatment appointment on Tue 10 Mar at 09:00"
    assert list(reminder.iter_attachments()) == []


def test_no_reminder_is_queued_when_its_time_has_passed(sessions, clinic, north):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north, starts_at=NOW + timedelta(hours=HOURS_BEFORE - 1))
    assert [kind for kind, _, _ in queued(sessions)] == [reminders.INVITATION]


def test_a_move_sends_an_update_with_a_higher_sequence_and_withdraws_the_old_reminder(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, _ = book(sessions, patient.id, north)
    run(sessions, mail_settings)
    move(sessions, appointment_id, timedelta(days=1))
    new_start = STARTS + timedelta(days=1)
    assert queued(sessions)[1:] == [
        (reminders.REMINDER, "cancelled", STARTS - timedelta(hours=HOURS_BEFORE)),
        (reminders.INVITATION, "pending", NOW),
        (reminders.REMINDER, "pending", new_start - timedelta(hours=HOURS_BEFORE)),
    ]
    run(sessions, mail_settings)
    first, update = inbox.messages
    assert update["Subject"] == "Changed: your treatment appointment is now on Wed 11 Mar at 09:00"
    _, old, _ = calendar_of(first)
    method, new, _ = calendar_of(update)
    assert (method, new["UID"], new.start, new.sequence) == ("REQUEST", old["UID"], new_start, 1)


def test_a_cancellation_removes_the_event_and_withdraws_the_reminder(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, _ = book(sessions, patient.id, north)
    run(sessions, mail_settings)
    cancel(sessions, appointment_id)
    assert [status for _, status, _ in queued(sessions)] == ["done", "cancelled", "pending"]
    run(sessions, mail_settings)
    message = inbox.messages[-1]
    assert message["Subject"] == "Cancelled: your treatment appointment on Tue 10 Mar at 09:00"
    assert reminders.DISCHARGE_RULE not in text_of(message)
    method, event, calendar = calendar_of(message)
    assert (method, calendar["METHOD"], event["STATUS"]) == ("CANCEL", "CANCEL", "CANCELLED")
    assert event.sequence == 1


def test_news_that_went_stale_in_a_workers_hands_is_not_sent(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, _ = book(sessions, patient.id, north)
    with sessions() as db, db.begin():  # changed by hand, so its queued jobs stay pending
        row = db.get(Appointment, appointment_id)
        assert row is not None
        row.revision += 1
    assert run(sessions, mail_settings) == 1
    assert inbox.messages == []
    assert queued(sessions)[0][:2] == (reminders.INVITATION, "done")


def test_an_appointment_cancelled_without_telling_the_reminders_gets_no_reminder(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    appointment_id, _ = book(sessions, patient.id, north)
    run(sessions, mail_settings)
    with sessions() as db, db.begin():
        appointments.set_status(db, Actor(None, NOW), appointment_id, "cancelled")
    assert run(sessions, mail_settings, STARTS - timedelta(hours=1)) == 1
    assert len(inbox.messages) == 1  # the invitation only


def test_a_patient_without_an_email_address_gets_no_jobs(sessions, clinic, north):
    patient = add_patient(sessions, clinic.north_site_id, email="")
    appointment_id, was_queued = book(sessions, patient.id, north)
    cancel(sessions, appointment_id)
    assert not was_queued
    assert queued(sessions) == []


def test_a_consultation_is_an_appointment_without_treatment_advice(
    sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north, kind=AppointmentKind.CONSULTATION)
    run(sessions, mail_settings)
    [message] = inbox.messages
    assert message["Subject"] == "Your appointment on Tue 10 Mar at 09:00"
    assert reminders.DISCHARGE_RULE not in text_of(message)
    assert calendar_of(message)[1]["SUMMARY"] == "Appointment at North"


def test_without_email_configured_the_jobs_fail_saying_so(sessions, clinic, north, settings):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north)
    at = NOW
    for _ in range(jobs.MAX_ATTEMPTS):
        run(sessions, settings, at)
        at += timedelta(hours=1)
    with sessions() as db:
        job = db.scalars(select(Job).where(Job.kind == reminders.INVITATION)).one()
        assert (job.status, job.attempts) == ("failed", jobs.MAX_ATTEMPTS)
        assert job.last_error == "E-mail is not configured (KETACARE_SMTP_HOST is empty)."


def test_an_unreachable_mail_server_is_retried_and_no_address_is_kept(
    sessions, clinic, north, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    book(sessions, patient.id, north)
    port = free_port()
    run(sessions, mail_settings.model_copy(update={"smtp_port": port}))
    with sessions() as db:
        job = db.scalars(select(Job).where(Job.kind == reminders.INVITATION)).one()
        assert (job.status, job.run_at) == ("pending", NOW + jobs.BACKOFF[0])
        assert f"127.0.0.1:{port} could not be reached" in job.last_error
        assert "ada@example.org" not in job.last_error


def test_invitations_queued_before_a_restart_are_sent_by_the_next_worker(
    engine, database_url, sessions, clinic, north, inbox, mail_settings
):
    patient = add_patient(sessions, clinic.north_site_id)
    now = datetime.now(UTC)
    book(sessions, patient.id, north, starts_at=now + timedelta(days=3), now=now)
    engine.dispose()  # the server stops before its worker got to the job
    restarted = make_engine(database_url)
    try:
        with running_worker(session_factory(restarted), reminders.HANDLERS, mail_settings):
            wait_until(lambda: len(inbox.messages) == 1)
    finally:
        restarted.dispose()
    assert calendar_of(inbox.messages[0])[0] == "REQUEST"
