"""The patient portal: a one-time link is made and emailed, the patient confirms their date of
birth, answers as they go and submits once; every refusal stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.instruments import InvalidAnswers
from ketacare.core.portal import (
    DateOfBirthMismatch,
    DateOfBirthNeeded,
    LinkExpired,
    LinkLocked,
    LinkNotFound,
    LinkRefused,
    LinkSpent,
)
from ketacare.db.models import AuditEvent, InstrumentResponse, PortalLink, SafetyAlert
from ketacare.interop.mail import SmtpMailer
from ketacare.services import portal, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient
from tests.interop.smtp import smtp_server

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DOB = date(1985, 12, 10)  # tests.factories.patient_details
ITEM_9_ONCE = [0, 1, 0, 1, 0, 0, 1, 0, 1]


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.5")


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def issue(
    sessions: sessionmaker[Session], clinic: Clinic, codes: list[str], **patient: object
) -> tuple[str, int]:
    """A link made by the front desk for a new North patient: (token, patient id)."""
    person = add_patient(sessions, clinic.north_site_id, **patient)
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        issued = portal.create_link(db, desk, person.id, codes)
        return issued.token, person.id


def answer_all(sessions, token: str, code: str, answers: list[int | None], at: datetime) -> None:
    for number, value in enumerate(answers, start=1):
        with sessions() as db, db.begin():
            portal.save_answer(db, token, code, number, value, at)


def confirmed(sessions, token: str, at: datetime = NOW) -> None:
    with sessions() as db, db.begin():
        portal.confirm_date_of_birth(db, token, DOB, at)


def stored_counts(sessions) -> tuple[int, int, int]:
    with sessions() as db:
        return count(db, InstrumentResponse), count(db, SafetyAlert), count(db, AuditEvent)


def test_only_the_tokens_hash_is_stored_and_the_link_is_audited(sessions, clinic: Clinic):
    token, patient_id = issue(sessions, clinic, ["phq9", "gad7", "phq9"])
    with sessions() as db:
        link = db.scalars(select(PortalLink)).one()
        assert link.token_hash == portal.token_digest(token) != token
        assert json.loads(link.instrument_codes) == ["phq9", "gad7"]
        assert link.expires_at == NOW + timedelta(hours=72)
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "portal_link")).one()
        assert (event.action, event.patient_id) == ("create", patient_id)
    assert len(token) >= 43


def test_only_self_report_instruments_go_to_patients_and_researchers_send_nothing(
    sessions, clinic: Clinic
):
    person = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        for codes in (["madrs"], [], ["nonsense"]):
            with pytest.raises(ValidationFailed) as raised:
                portal.create_link(db, desk, person.id, codes)
            assert "codes" in raised.value.by_field()
        researcher = actor_for(db, clinic.users[Role.RESEARCHER])
        with pytest.raises(NotFound):
            portal.create_link(db, researcher, person.id, ["phq9"])
        assert count(db, PortalLink) == 0


def test_a_portal_phq9_with_item_9_answered_1_raises_exactly_one_alert(sessions, clinic: Clinic):
    token, patient_id = issue(sessions, clinic, ["phq9", "gad7"])
    with sessions() as db, db.begin():
        state = portal.open_link(db, token, NOW)
        assert (state.codes, state.dob_confirmed, state.clinic_name) == (
            ("phq9", "gad7"),
            False,
            "Harbour Ketamine Clinic",
        )
    confirmed(sessions, token)
    answer_all(sessions, token, "phq9", ITEM_9_ONCE, NOW)
    answer_all(sessions, token, "gad7", [1] * 7, NOW)
    with sessions() as db, db.begin():
        stored = portal.submit(db, token, NOW + timedelta(minutes=5), "192.0.2.7")
        assert [(r.instrument_code, r.source) for r in stored] == [
            ("phq9", "portal"),
            ("gad7", "portal"),
        ]
    with sessions() as db:
        alert = db.scalars(select(SafetyAlert)).one()
        assert (alert.patient_id, alert.level, alert.reason) == (
            patient_id,
            "ideation",
            "PHQ-9 item 9 answered 1",
        )
        link = db.scalars(select(PortalLink)).one()
        assert link.spent_at == NOW + timedelta(minutes=5)
        portal_events = db.scalars(
            select(AuditEvent).where(AuditEvent.detail.contains('"via": "portal"'))
        ).all()
        assert {e.staff_user_id for e in portal_events} == {None}
        assert {"create", "view", "update"} <= {e.action for e in portal_events}


def test_a_second_submit_is_refused_as_spent_and_stores_nothing(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["gad7"])
    confirmed(sessions, token)
    answer_all(sessions, token, "gad7", [0] * 7, NOW)
    with sessions() as db, db.begin():
        portal.submit(db, token, NOW)
    before = stored_counts(sessions)
    with sessions() as db, db.begin(), pytest.raises(LinkSpent, match="already been sent"):
        portal.submit(db, token, NOW)
    assert stored_counts(sessions) == before


@pytest.mark.parametrize("step", ["open", "confirm", "save", "submit"])
def test_an_expired_link_is_refused_at_every_step_and_stores_nothing(
    sessions, clinic: Clinic, step: str
):
    token, _ = issue(sessions, clinic, ["gad7"])
    confirmed(sessions, token)
    later = NOW + timedelta(hours=72)
    before = stored_counts(sessions)
    calls = {
        "open": lambda db: portal.open_link(db, token, later),
        "confirm": lambda db: portal.confirm_date_of_birth(db, token, DOB, later),
        "save": lambda db: portal.save_answer(db, token, "gad7", 1, 1, later),
        "submit": lambda db: portal.submit(db, token, later),
    }
    with sessions() as db, db.begin(), pytest.raises(LinkExpired, match="has expired"):
        calls[step](db)
    assert stored_counts(sessions) == before


@pytest.mark.parametrize("forged", ["", "not-a-token", "A" * 43])
def test_a_forged_or_unknown_token_is_not_found_and_stores_nothing(
    sessions, clinic: Clinic, forged: str
):
    issue(sessions, clinic, ["gad7"])
    before = stored_counts(sessions)
    with sessions() as db, db.begin(), pytest.raises(LinkNotFound, match="not valid"):
        portal.open_link(db, forged, NOW)
    assert stored_counts(sessions) == before


def test_five_wrong_dates_of_birth_lock_the_link_for_good(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["gad7"])
    for left in (4, 3, 2, 1):
        with sessions() as db, db.begin():  # the failure is committed although it raises
            with pytest.raises(DateOfBirthMismatch) as raised:
                portal.confirm_date_of_birth(db, token, date(1990, 1, 1), NOW)
            assert raised.value.attempts_left == left
    with sessions() as db, db.begin(), pytest.raises(LinkLocked):
        portal.confirm_date_of_birth(db, token, date(1990, 1, 1), NOW)
    with sessions() as db, db.begin(), pytest.raises(LinkLocked, match="contact the clinic"):
        portal.confirm_date_of_birth(db, token, DOB, NOW)
    with sessions() as db:
        assert db.scalars(select(PortalLink)).one().dob_confirmed_until is None


def test_a_right_date_of_birth_resets_the_count(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["gad7"])
    with sessions() as db, db.begin(), pytest.raises(DateOfBirthMismatch):
        portal.confirm_date_of_birth(db, token, date(1990, 1, 1), NOW)
    with sessions() as db, db.begin():
        state = portal.confirm_date_of_birth(db, token, DOB, NOW)
        assert (state.dob_confirmed, state.attempts_left) == (True, 5)


def test_answers_need_a_confirmed_date_of_birth_first(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["gad7"])
    with sessions() as db, db.begin(), pytest.raises(DateOfBirthNeeded):
        portal.save_answer(db, token, "gad7", 1, 1, NOW)
    confirmed(sessions, token)
    idle = NOW + timedelta(hours=2)
    with sessions() as db, db.begin(), pytest.raises(DateOfBirthNeeded):
        portal.save_answer(db, token, "gad7", 1, 1, idle)


def test_answers_saved_as_they_go_survive_a_new_transaction(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["phq9"])
    confirmed(sessions, token)
    answer_all(sessions, token, "phq9", [2, 1, 0], NOW)
    with sessions() as db, db.begin():
        portal.save_answer(db, token, "phq9", 10, 1, NOW)  # the difficulty item
        portal.save_answer(db, token, "phq9", 2, None, NOW)  # taken back
    with sessions() as db, db.begin():
        state = portal.open_link(db, token, NOW + timedelta(minutes=1))
    assert state.answers["phq9"] == (2, None, 0, None, None, None, None, None, None, 1)


@pytest.mark.parametrize(
    ("code", "number", "value", "error"),
    [
        ("phq9", 3, 4, InvalidAnswers),
        ("phq9", 11, 1, LinkRefused),
        ("gad7", 1, 1, LinkRefused),
    ],
)
def test_an_answer_out_of_range_or_outside_the_link_is_refused(
    sessions, clinic: Clinic, code: str, number: int, value: int, error: type[Exception]
):
    token, _ = issue(sessions, clinic, ["phq9"])
    confirmed(sessions, token)
    with sessions() as db, db.begin(), pytest.raises(error):
        portal.save_answer(db, token, code, number, value, NOW)


def test_an_incomplete_submission_stores_nothing_and_leaves_the_link_open(sessions, clinic: Clinic):
    token, _ = issue(sessions, clinic, ["phq9", "gad7"])
    confirmed(sessions, token)
    answer_all(sessions, token, "phq9", ITEM_9_ONCE, NOW)
    answer_all(sessions, token, "gad7", [1] * 6, NOW)
    before = stored_counts(sessions)
    with sessions() as db, db.begin(), pytest.raises(InvalidAnswers, match="GAD-7 item 7"):
        portal.submit(db, token, NOW)
    assert stored_counts(sessions) == before
    with sessions() as db, db.begin():
        assert portal.open_link(db, token, NOW).answers["gad7"][:6] == (1,) * 6


def test_the_link_is_emailed_to_the_patient_plainly_and_kindly(sessions, clinic: Clinic):
    person = add_patient(sessions, clinic.north_site_id, email="ada@example.org")
    with smtp_server() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, "clinic@clinic.test", starttls=False)
        with sessions() as db, db.begin():
            nurse = actor_for(db, clinic.users[Role.NURSE])
            issued = portal.create_link(db, nurse, person.id, ["phq9"])
            portal.send_link_by_email(
                db, nurse, issued.row, issued.token, "https://clinic.example/", mailer
            )
    [message] = inbox.messages
    body = message.get_content()
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Questionnaires from Harbour Ketamine Clinic"
    assert f"https://clinic.example/p/{issued.token}" in body
    assert "expires on Thursday 05 March 2026 at 10:00 (UTC)" in body
    for private in ("Ada", "Lovelace", "MRN", "score", "depress"):
        assert private not in body
    with sessions() as db:
        assert db.scalars(select(PortalLink)).one().emailed_to == "ada@example.org"


def test_a_patient_without_an_email_address_gets_no_email(sessions, clinic: Clinic):
    person = add_patient(sessions, clinic.north_site_id, email="")
    mailer = SmtpMailer("127.0.0.1", 9, "clinic@clinic.test", starttls=False)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        issued = portal.create_link(db, nurse, person.id, ["phq9"])
        with pytest.raises(ValidationFailed) as raised:
            portal.send_link_by_email(db, nurse, issued.row, issued.token, "http://x", mailer)
        assert "email" in raised.value.by_field()
