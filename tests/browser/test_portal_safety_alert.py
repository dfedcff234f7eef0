"""End to end in Chromium: a nurse sends PHQ-9 from the chart, the link arrives by SMTP, the patient
answers on a phone-sized screen with item 9 = 1, and a prescriber acknowledges the safety alert on
Today; the audit trail records who and what. Also: refused links, and the trajectory chart."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, InstrumentResponse, SafetyAlert
from ketacare.services import appointments, portal, responses, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web.app import create_app
from tests.browser.conftest import TIMEOUT_MS, sign_in_as
from tests.factories import Clinic, add_patient
from tests.interop.smtp import Inbox, smtp_server
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The README's picture is refreshed only on request, so a test run never changes a tracked file.
README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "trajectory.png"
REFRESH_README_SCREENSHOT = os.environ.get("KETACARE_REFRESH_SCREENSHOTS") == "1"
PHQ9 = [
    "Not at all",
    "Several days",
    "Not at all",
    "Several days",
    "Not at all",
    "Not at all",
    "Several days",
    "Not at all",
    "Several days",
]  # item 9 = 1 ("Several days")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def mail_url(settings: Settings, engine: Engine, inbox: Inbox) -> Iterator[str]:
    """The app under uvicorn, sending email through the local SMTP server."""
    mailing = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_starttls": False,
            "mail_from": "clinic@example.org",
        }
    )
    with live_server(create_app(mailing, engine)) as url:
        yield url


def new_context(browser: Browser, url: str, **options: object) -> BrowserContext:
    opened = browser.new_context(base_url=url, **options)  # type: ignore[arg-type]
    opened.set_default_timeout(TIMEOUT_MS)
    return opened


def send_phq9_as_nurse(
    browser: Browser, url: str, sessions, clinic: Clinic, patient_id: int
) -> None:
    staff_context = new_context(browser, url)
    sign_in_as(staff_context, url, sessions, clinic.users[Role.NURSE])
    page = staff_context.new_page()
    page.goto(f"/patients/{patient_id}")
    page.get_by_role("checkbox", name="PHQ-9").check()
    page.get_by_role("button", name="Send questionnaires").click()
    expect(page.get_by_text("Emailed to ada@example.org.")).to_be_visible()
    staff_context.close()


def link_from(inbox: Inbox) -> str:
    assert len(inbox.messages) == 1
    found = re.search(r"http://127\.0\.0\.1:\d+/p/[\w-]+", inbox.messages[0].get_content())
    assert found is not None, "the email carries the link"
    return found.group(0)


def answer_on_a_phone(browser: Browser, link: str) -> None:
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    page.goto(link)
    page.get_by_label("Date of birth", exact=True).fill("1985-12-10")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile("^Start")).click()
    for number, choice in enumerate(PHQ9, start=1):
        expect(page.locator(".portal-progress")).to_contain_text(f"Question {number} of 10")
        page.get_by_label(choice, exact=True).click()  # htmx saves it and swaps the next one in
    expect(page.locator(".portal-progress")).to_contain_text("Question 10 of 10")
    page.get_by_label("Somewhat difficult").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    text = page.locator("main").inner_text()
    assert not re.search(r"\d|score|mild|moderate|severe", text, re.I), text
    phone.close()


def acknowledge_as_prescriber(browser: Browser, url: str, sessions, clinic: Clinic) -> None:
    context = new_context(browser, url)
    sign_in_as(context, url, sessions, clinic.users[Role.PRESCRIBER])
    page = context.new_page()
    page.goto("/")
    alerts = page.locator(".safety-alerts")
    expect(alerts).to_contain_text("PHQ-9 item 9 answered 1")
    alerts.get_by_label("Action taken").fill("Phoned the patient; safety plan reviewed")
    alerts.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".safety-alerts")).to_have_count(0)
    context.close()


def test_a_link_sent_by_email_answered_on_a_phone_raises_an_alert_a_prescriber_acknowledges(
    browser: Browser, mail_url: str, inbox: Inbox, sessions: sessionmaker[Session], clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    send_phq9_as_nurse(browser, mail_url, sessions, clinic, patient.id)
    answer_on_a_phone(browser, link_from(inbox))
    acknowledge_as_prescriber(browser, mail_url, sessions, clinic)
    with sessions() as db:
        alert = db.scalars(select(SafetyAlert)).one()
        prescriber = staff.by_email(db, clinic.users[Role.PRESCRIBER])
        assert alert.acknowledged_by_id == prescriber.id
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "safety_alert", AuditEvent.action == "update"
            )
        ).one()
        assert event.staff_user_id == prescriber.id
        assert json.loads(event.detail)["action_note"] == "Phoned the patient; safety plan reviewed"


def stored(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    with sessions() as db:
        return tuple(  # type: ignore[return-value]
            db.scalar(select(func.count()).select_from(m)) or 0
            for m in (AuditEvent, InstrumentResponse, SafetyAlert)
        )


def test_expired_spent_and_forged_links_show_a_clear_page_and_store_nothing(
    page: Page, live_url: str, sessions: sessionmaker[Session], clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    now = datetime.now(UTC)
    with sessions() as db, db.begin():
        expired = portal.create_link(db, Actor(None, now - timedelta(days=4)), patient.id, ["gad7"])
        spent = portal.create_link(db, Actor(None, now), patient.id, ["nrs_pain"])
        portal.confirm_date_of_birth(db, spent.token, patient.date_of_birth, now)
        portal.save_answer(db, spent.token, "nrs_pain", 1, 3, now)
        portal.submit(db, spent.token, now)
    before = stored(sessions)
    cases = [
        (expired.token, 410, "expired"),
        (spent.token, 410, "already been sent"),
        ("forged-" + expired.token, 404, "not valid"),
    ]
    for token, status, words in cases:
        response = page.goto(f"/p/{token}")
        assert response is not None
        assert response.status == status
        expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
        expect(page.locator("main")).to_contain_text(words)
    assert stored(sessions) == before


def treated(sessions: sessionmaker[Session], patient_id: int, start: datetime) -> None:
    """Six completed induction treatments over the first three weeks: the chart's markers."""
    system = Actor(None, datetime.now(UTC))
    with sessions() as db, db.begin():
        for n in range(6):
            at = start + timedelta(days=1 + n * 3 + n // 2)
            booking = appointments.Booking(
                patient_id, None, at, at + timedelta(hours=2), "treatment"
            )
            booked = appointments.book(db, system, booking)
            appointments.set_status(db, system, booked.id, "arrived")
            appointments.set_status(db, system, booked.id, "completed")


def test_the_trajectory_chart_renders_thirty_responses(
    page: Page,
    context: BrowserContext,
    live_url: str,
    tmp_path: Path,
    sessions: sessionmaker[Session],
    clinic: Clinic,
):
    patient = add_patient(sessions, clinic.north_site_id)
    start = datetime.now(UTC) - timedelta(days=7 * 30)
    with sessions() as db, db.begin():
        for n in range(30):
            total = max(21 - n, 2 + n % 3)
            answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
            responses.record_clinician_response(
                db,
                Actor(None, datetime.now(UTC)),
                patient.id,
                "phq9",
                answers,
                "baseline" if n == 0 else "scheduled",
                start + timedelta(days=7 * n),
            )
    treated(sessions, patient.id, start)
    sign_in_as(context, live_url, sessions, clinic.users[Role.PRESCRIBER])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/patients/{patient.id}/outcomes")
    chart = page.locator("#trajectory-phq9")
    expect(chart.locator("svg.trajectory-chart")).to_be_visible()
    expect(chart.locator("tbody tr")).to_have_count(30)
    expect(chart.locator("svg.trajectory-chart desc")).to_contain_text("30 scores from")
    box = chart.locator("svg.trajectory-chart").bounding_box()
    assert box is not None
    assert box["width"] >= 400
    shot = README_SCREENSHOT if REFRESH_README_SCREENSHOT else tmp_path / "trajectory.png"
    chart.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
