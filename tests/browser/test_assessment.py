"""Assessment in a real browser: a prescriber takes the whole intake through the wizard, completes
it, signs an eligibility decision for esketamine, and the patient signs the consent on the same
tablet with the prescriber as witness; the chart then shows both."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.services import consent
from ketacare.services.context import Actor
from tests.browser.conftest import sign_in_as
from tests.factories import Clinic, add_patient

pytestmark = pytest.mark.browser

YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
NO_TO = [
    "Schizophrenia",
    "Current suicidal thoughts or behaviour",
]
MEDICAL_NO = [
    "Aneurysmal vascular disease (brain, aorta or other arteries)",
    "Arteriovenous malformation",
    "History of intracerebral haemorrhage",
    "Raised intracranial pressure",
    "Raised intraocular pressure (e.g. glaucoma)",
    "Seizures",
    "Pregnant",
    "Breastfeeding",
    "Hypersensitivity to ketamine or esketamine",
]


def answer(page: Page, question: str, choice: str) -> None:
    group = page.get_by_role("group", name=question, exact=True)
    group.get_by_label(choice, exact=True).check()


def next_step(page: Page, heading: str) -> None:
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()


def fill_referral(page: Page) -> None:
    page.get_by_label("Referral reason").fill("Treatment-resistant depression, two failed SSRIs")
    page.get_by_role("checkbox", name=re.compile(r"\bF33\.2\b")).check()
    page.get_by_label("Failed adequate antidepressant trials").fill("2")
    answer(page, "Prior ketamine or esketamine", "None")
    next_step(page, "Psychiatric history")


def fill_psychiatric(page: Page) -> None:
    for question in ("Psychosis", "Mania", "Substance use disorder"):
        answer(page, question, "None")
    for question in NO_TO:
        answer(page, question, "No")
    page.get_by_label("Suicide attempts (lifetime count)").fill("0")
    next_step(page, "Medical history")


def fill_medical(page: Page) -> None:
    for question in ("Hypertension", "Cardiovascular disease", "Liver disease"):
        answer(page, question, "None")
    for question in MEDICAL_NO:
        answer(page, question, "No")
    next_step(page, "Medications")


def fill_medications(page: Page) -> None:
    row = page.get_by_role("group", name="Medication 1", exact=True)
    row.get_by_role("textbox", name="Medication 1").fill("Sertraline")
    row.get_by_label("Class").select_option("antidepressant")
    row.get_by_label("Daily dose (mg)").fill("100")
    next_step(page, "Vitals & measurements")


def fill_vitals(page: Page) -> None:
    page.get_by_label("Date measured").fill(YESTERDAY)
    page.get_by_label("Systolic blood pressure (mmHg)").fill("122")
    page.get_by_label("Diastolic blood pressure (mmHg)").fill("78")
    page.get_by_label("Heart rate (beats/min)").fill("70")
    page.get_by_label("SpO₂ (%)").fill("98")
    page.get_by_label("Weight (kg)").fill("64")
    page.get_by_label("Height (cm)").fill("160")
    answer(page, "Pregnancy test", "Negative")
    next_step(page, "Review")


def sign_decision(page: Page, patient_id: int) -> None:
    page.goto(f"/patients/{patient_id}/screening?protocol=esketamine_nasal")
    expect(page.locator(".recommendation")).to_contain_text("Esketamine nasal spray")
    answer(page, "Decision *", "Eligible")
    page.get_by_label("Rationale").fill("Screen reviewed with the patient; no contraindication.")
    page.get_by_role("button", name="Sign decision").click()
    expect(page.get_by_role("heading", name=re.compile("^Signed decision"))).to_be_visible()


def sign_consent(page: Page, patient_id: int) -> None:
    page.goto(f"/patients/{patient_id}/consent?protocol=esketamine_nasal")
    expect(page.get_by_text("Witness: Test Prescriber")).to_be_visible()
    risks = page.get_by_role("group", name=re.compile("^Tick each box"))
    for box in risks.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_role("button", name="Sign consent").click()
    expect(page.get_by_role("heading", name=re.compile("^Signed: "))).to_be_visible()


def test_a_prescriber_takes_the_intake_signs_eligibility_and_witnesses_consent(
    page: Page,
    context: BrowserContext,
    live_url: str,
    sessions: sessionmaker[Session],
    clinic: Clinic,
):
    ada = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        consent.ensure_default_documents(db, Actor(None, datetime.now(UTC)), clinic.organization_id)
    sign_in_as(context, live_url, sessions, clinic.users[Role.PRESCRIBER])
    page.goto(f"/patients/{ada.id}/intake")
    expect(page.locator('[aria-current="step"]')).to_have_text("Referral & diagnoses")
    fill_referral(page)
    fill_psychiatric(page)
    fill_medical(page)
    fill_medications(page)
    fill_vitals(page)
    expect(page.get_by_role("cell", name="Sertraline")).to_be_visible()
    page.get_by_role("button", name="Complete intake").click()
    expect(page).to_have_url(re.compile(rf"/patients/{ada.id}\?intake=complete"))
    expect(page.locator("#assessment")).to_contain_text("complete v1 on")
    sign_decision(page, ada.id)
    sign_consent(page, ada.id)
    page.goto(f"/patients/{ada.id}")
    row = page.locator('#assessment tr[data-protocol="esketamine_nasal"]')
    expect(row).to_contain_text("Eligible")
    expect(row).to_contain_text("by Test Prescriber")
    expect(row).to_contain_text("Signed v1 on")
