"""A prescriber orders an esketamine course in a real browser: the proposal lists every induction
treatment, booking stores them, and the site's week calendar shows them in their chairs."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from tests.browser.conftest import sign_in_as
from tests.factories import Clinic, add_patient

pytestmark = pytest.mark.browser


def test_a_prescriber_orders_a_course_and_sees_it_on_the_week_calendar(
    page: Page,
    context: BrowserContext,
    live_url: str,
    sessions: sessionmaker[Session],
    clinic: Clinic,
):
    ada = add_patient(sessions, clinic.north_site_id)
    sign_in_as(context, live_url, sessions, clinic.users[Role.PRESCRIBER])
    page.goto(f"/patients/{ada.id}")
    page.get_by_role("button", name="Order a course").click()
    page.get_by_label("Protocol").select_option("esketamine_nasal")
    page.get_by_label("Dose").fill("56")
    start = date.fromisoformat(page.get_by_label("First day of the course").input_value())
    page.get_by_role("button", name="Propose treatments").click()

    rows = page.locator("table.proposal tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.first.get_by_label("Treatment 1 day")).to_have_value(start.isoformat())
    page.get_by_role("button", name="Book these treatments").click()

    expect(page).to_have_url(re.compile(r"/courses/\d+\?booked=8$"))
    expect(page.get_by_role("status")).to_contain_text("8 treatment(s) booked")
    expect(page.locator("ol.timeline > li")).to_have_count(8)

    page.goto(f"/calendar?site={clinic.north_site_id}&week={start.isoformat()}")
    week = page.locator("table.calendar-week")
    expect(week.get_by_role("columnheader", name="Chair 1")).to_be_visible()
    expect(week.get_by_role("link", name=re.compile("Lovelace"))).to_have_count(2)  # Mon + Thu
