"""REMS pages: the forms not yet submitted with their due dates, a treatment's form filled from the
record with what is missing, saving, signing and marking it submitted, the printable version, and
the patient's REMS enrolment (clinical-reference §3.9)."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.rems import FIELDS
from ketacare.db.models import RemsEnrolment, RemsForm
from ketacare.web.pages.rems import ROWS
from tests.factories import Clinic, add_patient
from tests.services.rems_treatments import (
    STAFF_ANSWERS,
    Given,
    course_treatment_day,
    esketamine_treatment,
)

TODAY = datetime.now(UTC).date()
LAST_MONDAY = TODAY - timedelta(days=TODAY.weekday() + 7)  # always in the past, a working day


def treated(sessions: sessionmaker[Session], clinic: Clinic, **who: object) -> int:
    """An esketamine treatment given last Monday at North; its id."""
    patient = add_patient(sessions, clinic.north_site_id, **who)
    day = course_treatment_day(sessions, clinic, patient.id, LAST_MONDAY)
    return esketamine_treatment(sessions, clinic, patient.id, appointment_id=day)


def stored(sessions: sessionmaker[Session], treatment_id: int) -> RemsForm | None:
    with sessions() as db:
        return db.scalar(select(RemsForm).where(RemsForm.treatment_id == treatment_id))


def checked(page_text: str, name: str) -> str | None:
    """The value of the checked radio button ``name`` on a page, if any."""
    found = re.search(rf'name="{name}" value="([^"]*)" checked', page_text)
    return found[1] if found else None


def test_the_list_shows_forms_not_yet_submitted_with_their_seven_day_due_dates(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    page = client_for(Role.NURSE).get("/rems")
    assert page.status_code == 200
    due = LAST_MONDAY + timedelta(days=7)
    assert f'href="/treatments/{treatment_id}/rems">Lovelace, Ada</a>' in page.text
    assert LAST_MONDAY.isoformat() in page.text
    assert due.isoformat() in page.text
    late = (TODAY - due).days
    assert ("overdue by" in page.text) is (late > 0)
    assert "not started" in page.text


def test_the_list_shows_only_the_site_asked_for(client_for, sessions, clinic: Clinic):
    treated(sessions, clinic)
    nurse = client_for(Role.NURSE)
    south = nurse.get("/rems", params={"site": clinic.south_site_id})
    assert "Every monitoring form is submitted." in south.text
    assert "Lovelace, Ada" in nurse.get("/rems", params={"site": clinic.north_site_id}).text


def test_the_form_shows_the_records_answers_their_sources_and_what_is_missing(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    page = client_for(Role.NURSE).get(f"/treatments/{treatment_id}/rems")
    assert page.status_code == 200
    assert 'name="bp_40_min" type="text" value="146/91"' in page.text
    assert "From the record: Reading at 08:56 (41 min after the first device)." in page.text
    assert checked(page.text, "dose") == "56"
    assert checked(page.text, "first_treatment") == "yes"
    assert checked(page.text, "vitals_ok_before") == ""  # staff confirm it
    assert "Still needed before signing (12)" in page.text
    assert "Vital signs in an acceptable range: Before administration?: Not answered." in page.text
    assert "Signing records you, Test Nurse," in page.text


def test_saving_keeps_the_answers_and_an_impossible_one_redraws_the_form(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    nurse = client_for(Role.NURSE)
    refused = nurse.post_form(f"/treatments/{treatment_id}/rems", {"bp_40_min": "146-91"})
    assert refused.status_code == 422
    assert "Blood pressure: 40 min after administration (mmHg)" in refused.text
    assert 'value="146-91"' in refused.text  # what was typed stays to correct
    assert stored(sessions, treatment_id) is None
    saved = nurse.post_form(f"/treatments/{treatment_id}/rems", {"maois": "yes"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/treatments/{treatment_id}/rems?done=saved"
    page = nurse.get(saved.headers["location"])
    assert "Answers saved." in page.text
    assert checked(page.text, "maois") == "yes"


def test_signing_an_incomplete_form_lists_the_missing_answers_and_signs_nothing(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    answers = {**STAFF_ANSWERS, "ready_after_min": ""}
    refused = client_for(Role.NURSE).post_form(f"/treatments/{treatment_id}/rems/sign", answers)
    assert refused.status_code == 422
    assert html.escape("Treatment (administration and monitoring): Without the 2-hour") in (
        refused.text
    )
    assert stored(sessions, treatment_id) is None  # nor are the answers posted with it


def test_save_and_sign_then_mark_submitted(client_for, sessions, clinic: Clinic):
    treatment_id = treated(sessions, clinic)
    prescriber = client_for(Role.PRESCRIBER)
    signed = prescriber.post_form(f"/treatments/{treatment_id}/rems/sign", STAFF_ANSWERS)
    assert signed.status_code == 303
    page = prescriber.get(signed.headers["location"])
    assert "Form signed." in page.text
    assert "Signed by <strong>Test Prescriber</strong>" in page.text
    assert f'action="/treatments/{treatment_id}/rems/submitted"' in page.text
    assert 'name="bp_40_min"' not in page.text  # no longer editable
    done = prescriber.post_form(
        f"/treatments/{treatment_id}/rems/submitted", {"submitted_on": TODAY.isoformat()}
    )
    assert done.status_code == 303
    row = stored(sessions, treatment_id)
    assert row is not None
    assert (row.status, row.submitted_on) == ("submitted", TODAY)
    assert "Lovelace" not in prescriber.get("/rems").text


def test_a_submission_day_before_the_treatment_is_refused_on_the_page(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    nurse = client_for(Role.NURSE)
    nurse.post_form(f"/treatments/{treatment_id}/rems/sign", STAFF_ANSWERS)
    before = (LAST_MONDAY - timedelta(days=1)).isoformat()
    refused = nurse.post_form(
        f"/treatments/{treatment_id}/rems/submitted", {"submitted_on": before}
    )
    assert refused.status_code == 422
    assert "from the treatment date to today" in refused.text


def test_the_printable_version_has_every_field_print_css_and_says_how_to_save_a_pdf(
    client_for, sessions, clinic: Clinic
):
    treatment_id = treated(sessions, clinic)
    page = client_for(Role.NURSE).get(f"/treatments/{treatment_id}/rems/print")
    assert page.status_code == 200
    assert "@page { size: auto;" in page.text
    assert "Save as PDF" in page.text
    assert 'class="topbar"' not in page.text
    for label in ("Lot number", "40 min after administration (mmHg)", "Psychostimulants"):
        assert html.escape(label) in page.text
    assert "146/91 mmHg" in page.text
    assert "Not signed; still needed:" in page.text


def test_a_treatment_with_no_device_yet_says_so(client_for, sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    day = course_treatment_day(sessions, clinic, patient.id, LAST_MONDAY)
    treatment_id = esketamine_treatment(sessions, clinic, patient.id, Given(devices=0), day)
    page = client_for(Role.NURSE).get(f"/treatments/{treatment_id}/rems")
    assert page.status_code == 409
    assert "No esketamine device is recorded yet" in page.text


def test_enrolment_is_recorded_on_the_patients_rems_page(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    desk = client_for(Role.FRONT_DESK)
    assert "No REMS enrolment recorded." in desk.get(f"/patients/{ada.id}/rems").text
    refused = desk.post_form(f"/patients/{ada.id}/rems", {"enrolled_on": "", "rems_patient_id": ""})
    assert refused.status_code == 422
    assert "Enter the day the enrolment form was submitted." in refused.text
    on = (TODAY - timedelta(days=1)).isoformat()
    saved = desk.post_form(
        f"/patients/{ada.id}/rems", {"enrolled_on": on, "rems_patient_id": "P-9"}
    )
    assert saved.status_code == 303
    page = desk.get(saved.headers["location"])
    assert f"<strong>Enrolled</strong> on {on}" in page.text
    with sessions() as db:
        row = db.scalar(select(RemsEnrolment))
        assert row is not None
        assert (row.enrolled_on, row.rems_patient_id) == (date.fromisoformat(on), "P-9")


def test_a_therapist_reads_the_enrolment_but_gets_no_form_to_change_it(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.THERAPIST).get(f"/patients/{ada.id}/rems")
    assert page.status_code == 200
    assert f'action="/patients/{ada.id}/rems"' not in page.text


def test_the_form_page_lays_out_every_field_once_in_the_forms_order():
    laid_out = [key for row in ROWS for key in row]
    assert laid_out == [f.key for f in FIELDS]
