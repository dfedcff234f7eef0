"""Patient pages: search as you type, the chart, and forms that redraw with field messages."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, AuditEvent, BodyMeasurement, Location, Patient
from ketacare.services import patients
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

TODAY = datetime.now(UTC).date()


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def audit_events(sessions: sessionmaker[Session], action: str) -> list[AuditEvent]:
    with sessions() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def new_patient_form(site_id: int, **overrides: str) -> dict[str, str]:
    form = {
        "mrn": "MRN-0100",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1985-12-10",
        "sex_at_birth": "female",
        "site_id": str(site_id),
        "email": "ada@example.org",
        "weight_kg": "61.5",
        "height_cm": "165.0",
    }
    form.update(overrides)
    return form


@pytest.mark.parametrize("typed", ["love", "Lovelace, Ada", "MRN-0001", "1985-12-10"])
def test_search_partial_finds_a_patient_by_name_mrn_or_date_of_birth(
    client_for, sessions, clinic: Clinic, typed: str
):
    ada = add_patient(sessions, clinic.north_site_id)
    add_patient(
        sessions,
        clinic.north_site_id,
        mrn="MRN-2",
        given_name="Grace",
        family_name="Hopper",
        date_of_birth=date(1906, 12, 9),
    )
    rows = client_for(Role.FRONT_DESK).get("/patients/search", params={"q": typed})
    assert rows.status_code == 200
    assert f'href="/patients/{ada.id}"' in rows.text
    assert "Hopper" not in rows.text
    assert "<html" not in rows.text


def test_search_page_without_javascript_shows_results_in_the_whole_page(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.NURSE).get("/patients", params={"q": "ada"})
    assert "<html" in page.text
    assert f'href="/patients/{ada.id}"' in page.text
    assert 'hx-get="/patients/search"' in page.text


def test_search_does_not_show_patients_at_sites_the_viewer_does_not_work_at(
    client_for, sessions, clinic: Clinic
):
    add_patient(sessions, clinic.north_site_id)
    south = add_patient(sessions, clinic.south_site_id, mrn="S-1", given_name="Adele")
    rows = client_for(clinic.south_nurse_email).get("/patients/search", params={"q": "ad"}).text
    assert f'href="/patients/{south.id}"' in rows
    assert "Lovelace, Ada<" not in rows


def test_chart_shows_demographics_and_weight_history_with_bmi_and_audits_the_view(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(
        sessions,
        clinic.north_site_id,
        allergies="Penicillin: rash",
        emergency_contact_name="Charles Babbage",
    )
    with sessions() as db, db.begin():
        system = Actor(None, datetime.now(UTC))
        patients.record_measurement(db, system, ada.id, date(2025, 1, 2), Decimal("70.0"), None)
        patients.record_measurement(
            db, system, ada.id, date(2025, 6, 1), Decimal("64.0"), Decimal("160.0")
        )
    page = client_for(Role.THERAPIST).get(f"/patients/{ada.id}")
    assert page.status_code == 200
    for shown in ("Lovelace, Ada", "MRN-0001", "1985-12-10", "Penicillin: rash", "Charles Babbage"):
        assert shown in page.text
    assert page.text.index("2025-06-01") < page.text.index("2025-01-02")  # newest first
    assert "25.0" in page.text  # 64 kg / (1.60 m)²
    views = audit_events(sessions, "view")
    assert [(v.entity, v.patient_id) for v in views] == [("patient", ada.id)]


def test_chart_of_a_patient_at_another_site_is_not_found(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    assert client_for(clinic.south_nurse_email).get(f"/patients/{ada.id}").status_code == 404


def test_registering_a_patient_redirects_to_the_chart_with_the_first_measurement(
    client_for, sessions, clinic: Clinic
):
    created = client_for(Role.NURSE).post_form("/patients", new_patient_form(clinic.north_site_id))
    assert created.status_code == 303
    with sessions() as db:
        patient = db.scalars(select(Patient)).one()
        measured = db.scalars(select(BodyMeasurement)).one()
    assert created.headers["location"] == f"/patients/{patient.id}"
    assert (measured.weight_kg, measured.height_cm) == (Decimal("61.5"), Decimal("165.0"))


def field_message(html: str, field: str) -> str:
    """The message drawn next to ``field``, after checking the input points at it."""
    tag = re.search(rf'<(?:input|select|textarea) id="f-{field}"[^>]*>', html)
    assert tag is not None, f"no input for {field}"
    assert 'aria-invalid="true"' in tag.group(0)
    assert f"e-{field}" in tag.group(0)  # aria-describedby
    found = re.search(rf'<small id="e-{field}" class="field-error">([^<]*)</small>', html)
    assert found is not None, f"no message for {field}"
    return found.group(1)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date_of_birth", (TODAY + timedelta(days=1)).isoformat(), "cannot be in the future"),
        ("weight_kg", "500", "between 1 and 400 kg"),
        ("weight_kg", "61.25", "at most 1 decimal"),
        ("email", "ada-at-example", "Enter an email address"),
    ],
)
def test_a_refused_registration_redraws_the_form_with_the_message_and_stores_nothing(
    client_for, sessions, clinic: Clinic, field: str, typed: str, message: str
):
    form = new_patient_form(clinic.north_site_id, **{field: typed})
    page = client_for(Role.NURSE).post_form("/patients", form)
    assert page.status_code == 422
    assert message in field_message(page.text, field)
    assert f'value="{typed}"' in page.text  # what was typed is shown again
    assert 'value="Lovelace"' in page.text
    assert count(sessions, Patient) == 0
    assert count(sessions, BodyMeasurement) == 0


def test_a_duplicate_mrn_is_refused_on_the_mrn_field_and_nothing_more_is_stored(
    client_for, sessions, clinic: Clinic
):
    add_patient(sessions, clinic.north_site_id, mrn="MRN-0100", given_name="Grace")
    nurse = client_for(Role.NURSE)
    before = count(sessions, AuditEvent)
    page = nurse.post_form("/patients", new_patient_form(clinic.north_site_id))
    assert page.status_code == 422
    assert "already belongs to another patient" in field_message(page.text, "mrn")
    assert count(sessions, Patient) == 1
    assert count(sessions, BodyMeasurement) == 0
    assert count(sessions, AuditEvent) == before


def test_several_problems_are_all_shown_at_once(client_for, sessions, clinic: Clinic):
    form = new_patient_form(clinic.north_site_id, email="nope", weight_kg="500", given_name="")
    page = client_for(Role.NURSE).post_form("/patients", form)
    assert page.status_code == 422
    for field in ("email", "weight_kg", "given_name"):
        assert field_message(page.text, field)
    assert 'role="alert"' in page.text


def test_editing_demographics_audits_an_update_naming_the_changed_fields(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    form_page = nurse.get(f"/patients/{ada.id}/edit")
    assert 'value="Lovelace"' in form_page.text
    form = new_patient_form(
        clinic.north_site_id,
        mrn="MRN-0001",
        phone="+1 555 0100",
        allergies="Latex",
        email="ada@example.org",
    )
    saved = nurse.post_form(f"/patients/{ada.id}", form)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/patients/{ada.id}"
    updates = [e for e in audit_events(sessions, "update") if e.entity == "patient"]
    assert [json.loads(e.detail) for e in updates] == [{"fields": ["allergies"]}]


def test_a_refused_edit_keeps_the_stored_record(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    form = new_patient_form(
        clinic.north_site_id, mrn="MRN-0001", family_name="Byron", date_of_birth="not a date"
    )
    page = client_for(Role.NURSE).post_form(f"/patients/{ada.id}", form)
    assert page.status_code == 422
    assert "YYYY-MM-DD" in field_message(page.text, "date_of_birth")
    assert 'value="Byron"' in page.text
    with sessions() as db:
        assert db.get(Patient, ada.id).family_name == "Lovelace"
    assert [e for e in audit_events(sessions, "update") if e.entity == "patient"] == []


def test_adding_a_measurement_on_the_chart_stores_it(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    form = {"measured_on": TODAY.isoformat(), "weight_kg": "72.5", "height_cm": ""}
    added = client_for(Role.NURSE).post_form(f"/patients/{ada.id}/measurements", form)
    assert added.status_code == 303
    with sessions() as db:
        assert db.scalars(select(BodyMeasurement.weight_kg)).one() == Decimal("72.5")


def test_a_refused_measurement_redraws_the_chart_with_the_message(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    form = {"measured_on": TODAY.isoformat(), "weight_kg": "0.5"}
    page = client_for(Role.NURSE).post_form(f"/patients/{ada.id}/measurements", form)
    assert page.status_code == 422
    assert "between 1 and 400" in field_message(page.text, "weight_kg")
    assert count(sessions, BodyMeasurement) == 0


def test_booking_from_the_chart_reads_times_in_the_site_clock(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    with sessions() as db:
        chair = db.scalars(select(Location).where(Location.site_id == clinic.north_site_id)).first()
    day = TODAY + timedelta(days=3)
    form = {
        "location_id": str(chair.id),
        "kind": "treatment",
        "starts_at": f"{day.isoformat()}T09:30",
        "ends_at": f"{day.isoformat()}T11:30",
    }
    nurse = client_for(Role.NURSE)
    booked = nurse.post_form(f"/patients/{ada.id}/appointments", form)
    assert booked.status_code == 303
    with sessions() as db:
        row = db.scalars(select(Appointment)).one()
    assert row.starts_at == datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)
    assert (row.location_id, row.kind) == (chair.id, "treatment")
    assert f"{day.isoformat()} 09:30" in nurse.get(f"/patients/{ada.id}").text


def test_a_booking_that_ends_before_it_starts_is_refused(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    form = {"kind": "treatment", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T09:00"}
    page = client_for(Role.NURSE).post_form(f"/patients/{ada.id}/appointments", form)
    assert page.status_code == 422
    assert "after the start" in field_message(page.text, "ends_at")
    assert count(sessions, Appointment) == 0


def test_a_therapist_sees_no_edit_or_booking_forms_and_may_not_register(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    therapist = client_for(Role.THERAPIST)
    chart = therapist.get(f"/patients/{ada.id}").text
    assert "Edit demographics" not in chart
    assert "Book appointment" not in chart
    assert therapist.get("/patients/new").status_code == 403
    refused = therapist.post_form("/patients", new_patient_form(clinic.north_site_id))
    assert refused.status_code == 403
    assert count(sessions, Patient) == 1
