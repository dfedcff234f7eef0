"""The outcomes pages: sending questionnaires from the chart (link, QR code, email), clinician
entry with field messages, trajectories as inline SVG with a table, and schedules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import InstrumentResponse, InstrumentSchedule, PortalLink
from ketacare.services import responses, schedules
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web import csrf
from ketacare.web.app import create_app
from ketacare.web.deps import SESSION_COOKIE
from tests.conftest import TEST_SECRET, StaffClient, sign_in_directly
from tests.factories import Clinic, add_patient
from tests.interop.smtp import smtp_server


def stored(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_the_chart_offers_the_send_form_and_a_link_to_outcomes(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.NURSE).get(f"/patients/{patient.id}").text
    assert f'action="/patients/{patient.id}/portal-links"' in page
    assert 'value="phq9"' in page
    assert 'value="madrs"' not in page
    assert f'href="/patients/{patient.id}/outcomes"' in page


def test_the_front_desk_may_send_but_not_read_outcomes(client_for, sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    desk = client_for(Role.FRONT_DESK)
    page = desk.get(f"/patients/{patient.id}").text
    assert "Send questionnaires" in page
    assert f"/patients/{patient.id}/outcomes" not in page
    assert desk.get(f"/patients/{patient.id}/outcomes").status_code == 403


def test_sending_without_email_shows_the_link_the_qr_code_and_why_nothing_was_emailed(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    sent = client_for(Role.NURSE).post_form(
        f"/patients/{patient.id}/portal-links", {"codes": "phq9"}
    )
    assert sent.status_code == 200
    link = re.search(r'value="(http://testserver/p/[\w-]+)"', sent.text)
    assert link is not None
    assert "<svg" in sent.text
    assert "QR code of the link" in sent.text
    assert "Email is not set up on this server" in sent.text
    assert stored(sessions, PortalLink) == 1


def test_choosing_no_questionnaire_redraws_the_form_and_stores_no_link(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    sent = client_for(Role.NURSE).post_form(f"/patients/{patient.id}/portal-links", {})
    assert sent.status_code == 422
    assert "Choose at least one questionnaire" in sent.text
    assert stored(sessions, PortalLink) == 0


def test_with_smtp_set_up_the_link_is_emailed_to_the_patient(
    settings: Settings, engine, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with smtp_server() as inbox:
        mailing = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": inbox.port,
                "smtp_starttls": False,
                "mail_from": "clinic@example.org",
                "public_base_url": "https://clinic.example",
            }
        )
        token = sign_in_directly(sessions, clinic.users[Role.NURSE])
        with StaffClient(create_app(mailing, engine), follow_redirects=False) as nurse:
            nurse.cookies.set(SESSION_COOKIE, token)
            nurse.csrf = csrf.token_for(TEST_SECRET, token)
            sent = nurse.post_form(f"/patients/{patient.id}/portal-links", {"codes": "gad7"})
        assert "Emailed to ada@example.org." in sent.text
        assert len(inbox.messages) == 1
        body = inbox.messages[0].get_content()
        assert re.search(r"https://clinic\.example/p/[\w-]+", body)
        assert 'value="https://clinic.example/p/' in sent.text


def add_responses(sessions: sessionmaker[Session], patient_id: int, count: int) -> None:
    start = datetime.now(UTC) - timedelta(days=7 * count)
    system = Actor(None, datetime.now(UTC))
    with sessions() as db, db.begin():
        for n in range(count):
            total = max(20 - n, 0)
            answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
            point = "baseline" if n == 0 else "scheduled"
            responses.record_clinician_response(
                db, system, patient_id, "phq9", answers, point, start + timedelta(days=7 * n)
            )


def test_the_outcomes_page_draws_a_chart_and_a_table_per_instrument(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    add_responses(sessions, patient.id, 30)
    page = client_for(Role.PRESCRIBER).get(f"/patients/{patient.id}/outcomes")
    assert page.status_code == 200
    assert page.text.count('class="trajectory-chart"') == 1
    assert "<title>PHQ-9 over time</title>" in page.text
    assert "30 scores from" in page.text
    assert "remission" in page.text
    assert "response" in page.text
    assert page.text.count("<tr><td><time") == 30


def test_a_clinician_enters_a_madrs_at_a_time_point(client_for, sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    form = nurse.get(f"/patients/{patient.id}/outcomes", params={"instrument": "madrs"}).text
    assert form.count('name="item-') == 10 * 7
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    answers = {f"item-{n}": "2" for n in range(1, 11)}
    saved = nurse.post_form(
        f"/patients/{patient.id}/responses",
        {"code": "madrs", "time_point": "pre_dose", "completed_at": when, **answers},
    )
    assert saved.status_code == 303
    with sessions() as db:
        row = db.scalars(select(InstrumentResponse)).one()
        assert (row.total, row.time_point, row.source) == (20, "pre_dose", "clinician")


def test_missing_items_are_named_next_to_their_fields_and_nothing_is_stored(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    answers = {f"item-{n}": "1" for n in range(1, 9)}
    refused = client_for(Role.NURSE).post_form(
        f"/patients/{patient.id}/responses",
        {"code": "phq9", "time_point": "baseline", "completed_at": when, **answers},
    )
    assert refused.status_code == 422
    assert 'id="e-item-9"' in refused.text
    assert 'id="e-item-10"' not in refused.text  # the difficulty item is optional
    assert stored(sessions, InstrumentResponse) == 0


def test_an_out_of_range_answer_is_refused_by_scoring_on_its_item(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    answers = {f"item-{n}": "1" for n in range(1, 10)} | {"item-3": "7"}
    refused = client_for(Role.NURSE).post_form(
        f"/patients/{patient.id}/responses",
        {"code": "phq9", "time_point": "baseline", "completed_at": when, **answers},
    )
    assert refused.status_code == 422
    assert re.search(
        r'id="e-item-3" class="field-error">PHQ-9 item 3: 7 is not allowed', refused.text
    )
    assert stored(sessions, InstrumentResponse) == 0


def test_schedules_are_added_listed_and_ended(client_for, sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    today = datetime.now(UTC).date().isoformat()
    added = nurse.post_form(
        f"/patients/{patient.id}/schedules",
        {
            "instrument_code": "phq9",
            "rule": "every_n_days",
            "interval_days": "7",
            "starts_on": today,
        },
    )
    assert added.status_code == 303
    page = nurse.get(f"/patients/{patient.id}/outcomes").text
    assert "Every 7 days" in page
    with sessions() as db:
        schedule_id = db.scalars(select(InstrumentSchedule.id)).one()
    assert nurse.post_form(f"/schedules/{schedule_id}/end", {}).status_code == 303
    with sessions() as db:
        assert db.get(InstrumentSchedule, schedule_id).active is False


def test_a_schedule_without_an_interval_is_refused_with_a_field_message(
    client_for, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    refused = client_for(Role.NURSE).post_form(
        f"/patients/{patient.id}/schedules",
        {"instrument_code": "phq9", "rule": "every_n_days", "starts_on": "2026-03-01"},
    )
    assert refused.status_code == 422
    assert 'id="e-interval_days"' in refused.text
    assert stored(sessions, InstrumentSchedule) == 0


def test_today_lists_questionnaires_due_at_each_site(client_for, sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        schedules.add_schedule(
            db,
            Actor(None, datetime.now(UTC)),
            patient.id,
            "gad7",
            "every_n_days",
            datetime.now(UTC).date() - timedelta(days=30),
            7,
        )
    page = client_for(Role.FRONT_DESK).get("/").text
    assert "Questionnaires due / overdue" in page
    assert re.search(r"GAD-7 <span class=\"badge badge-overdue\">overdue", page)
