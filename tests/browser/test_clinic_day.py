"""A staff member's day in a real browser: sign in through the form, find a patient by typing
their name, and read the Today page on a tablet without scrolling sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AppointmentKind, Role
from ketacare.services import appointments, clinic
from ketacare.services.context import Actor
from tests.browser.conftest import sign_in_as
from tests.factories import PASSWORD, Clinic, add_patient

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}


def test_the_admin_signs_in_through_the_form_and_lands_on_today(
    page: Page, live_url: str, clinic: Clinic
):
    page.goto("/login")
    page.get_by_label("Email").fill(clinic.users[Role.ADMIN])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_url}/")
    expect(page).to_have_title(re.compile(r"^Today\b"))
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")


def test_a_wrong_password_keeps_the_form_and_says_so(page: Page, live_url: str, clinic: Clinic):
    page.goto("/login")
    page.get_by_label("Email").fill(clinic.users[Role.ADMIN])
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_url}/login")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")


def test_typing_a_name_in_patient_search_finds_the_chart(
    page: Page,
    context: BrowserContext,
    live_url: str,
    sessions: sessionmaker[Session],
    clinic: Clinic,
):
    ada = add_patient(sessions, clinic.north_site_id)
    add_patient(sessions, clinic.north_site_id, mrn="MRN-0002", family_name="Hopper")
    sign_in_as(context, live_url, sessions, clinic.users[Role.NURSE])
    page.goto("/patients")
    page.locator("input[name=q]").press_sequentially("Lovel", delay=30)
    result = page.get_by_role("link", name=re.compile("Lovelace"))
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Hopper"))).to_have_count(0)
    result.click()
    expect(page).to_have_url(f"{live_url}/patients/{ada.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lovelace")


def book_a_busy_morning(sessions: sessionmaker[Session], clinic: Clinic) -> None:
    """Four patients across both North chairs today, so the page has real rows to lay out."""
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    system = Actor(None, start)
    names = [
        ("Lovelace", "Ada"),
        ("Hopper", "Grace"),
        ("Franklin", "Rosalind"),
        ("Noether", "Emmy"),
    ]
    for n, (family, given) in enumerate(names):
        patient = add_patient(
            sessions, clinic.north_site_id, mrn=f"MRN-{n:04}", family_name=family, given_name=given
        )
        with sessions() as db, db.begin():
            chairs = clinic_locations(db, clinic.north_site_id)
            slot = start + timedelta(hours=n // 2 * 2)
            booking = appointments.Booking(
                patient.id,
                chairs[n % 2],
                slot,
                slot + timedelta(hours=2),
                AppointmentKind.TREATMENT,
            )
            appointments.book(db, system, booking)


def clinic_locations(db: Session, site_id: int) -> list[int]:
    return [location.id for location in clinic.locations_of(db, site_id)]


@pytest.fixture
def tablet_page(
    context: BrowserContext, live_url: str, sessions: sessionmaker[Session], clinic: Clinic
) -> Page:
    """A signed-in nurse's page at tablet size (768 x 1024, portrait)."""
    sign_in_as(context, live_url, sessions, clinic.users[Role.NURSE])
    tablet = context.new_page()
    tablet.set_viewport_size(TABLET)
    return tablet


def test_today_fits_a_tablet_screen_without_sideways_scrolling(
    tablet_page: Page, live_url: str, sessions: sessionmaker[Session], clinic: Clinic
):
    book_a_busy_morning(sessions, clinic)
    tablet_page.goto("/")
    expect(tablet_page.get_by_role("link", name=re.compile("Noether"))).to_be_visible()
    overflow = tablet_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the Today page is {overflow}px wider than a 768px tablet"
