"""The intake wizard: each step saved to the draft as it is posted, refused steps redrawn with
field messages and nothing stored, resuming where the person stopped, and completing the version."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Intake
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, complete_intake

TOMORROW = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

PSYCHIATRIC = {
    "psychiatric.psychosis_history": "past",
    "psychiatric.schizophrenia": "no",
    "psychiatric.mania_history": "",
    "psychiatric.substance_use_disorder": "none",
    "psychiatric.suicide_attempts": "1",
    "psychiatric.current_suicidality": "",
}


def post_step(client: Any, patient_id: int, slug: str, data: dict[str, Any], action: str = "next"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/patients/{patient_id}/intake/{slug}",
        data={**data, "action": action, "csrf_token": client.csrf},
    )


def drafts(sessions: sessionmaker[Session], patient_id: int) -> list[dict[str, Any]]:
    with sessions() as db:
        rows = db.scalars(select(Intake).where(Intake.patient_id == patient_id)).all()
        return [json.loads(r.facts) | {"_status": r.status} for r in rows]


def intake_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(Intake)) or 0


def test_opening_the_wizard_starts_at_the_first_step_and_stores_nothing(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    opened = nurse.get(f"/patients/{ada.id}/intake")
    assert opened.headers["location"] == f"/patients/{ada.id}/intake/referral"
    page = nurse.get(opened.headers["location"])
    assert page.status_code == 200
    assert 'aria-current="step"' in page.text
    assert "<progress" in page.text
    assert "Referral &amp; diagnoses" in page.text
    assert intake_count(sessions) == 0


def test_a_step_saves_the_draft_with_yes_no_and_not_known_and_moves_on(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    saved = post_step(client_for(Role.NURSE), ada.id, "psychiatric", PSYCHIATRIC)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/patients/{ada.id}/intake/medical"
    [draft] = drafts(sessions, ada.id)
    assert draft["_status"] == "draft"
    assert draft["psychiatric"]["schizophrenia"] is False
    assert draft["psychiatric"]["current_suicidality"] is None  # "not known" stays unknown
    assert draft["psychiatric"]["mania_history"] is None
    assert draft["psychiatric"]["suicide_attempts"] == 1


def test_save_draft_stays_and_reopening_resumes_after_the_last_answered_step(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    referral = {"referral.referral_reason": "Resistant depression", "referral.diagnoses": "F33.2"}
    assert post_step(nurse, ada.id, "referral", referral).status_code == 303
    stayed = post_step(nurse, ada.id, "psychiatric", PSYCHIATRIC, action="draft")
    assert stayed.headers["location"] == f"/patients/{ada.id}/intake/psychiatric?saved=1"
    # A new app instance (a restarted server) reads the same draft from the database.
    resumed = client_for(Role.PRESCRIBER).get(f"/patients/{ada.id}/intake")
    assert resumed.headers["location"] == f"/patients/{ada.id}/intake/medical"
    page = client_for(Role.NURSE).get(f"/patients/{ada.id}/intake/psychiatric")
    assert 'name="psychiatric.schizophrenia" value="no" checked' in page.text


def test_impossible_vitals_are_refused_field_by_field_and_nothing_is_stored(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    vitals = {
        "vitals.systolic_mmHg": "400",
        "vitals.diastolic_mmHg": "20",
        "vitals.weight_kg": "0",
        "vitals.heart_rate_bpm": "fast",
        "vitals.measured_on": TOMORROW,
    }
    refused = post_step(client_for(Role.NURSE), ada.id, "vitals", vitals)
    assert refused.status_code == 422
    for name in vitals:
        assert f'id="f-{name}" name="{name}"' in refused.text
        assert f'id="e-{name}"' in refused.text, f"no message next to {name}"
    assert "Enter a whole number." in refused.text
    assert 'value="400"' in refused.text  # what was typed is kept
    assert intake_count(sessions) == 0


def test_a_refused_step_leaves_the_saved_draft_as_it_was(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    post_step(nurse, ada.id, "vitals", {"vitals.systolic_mmHg": "120"})
    refused = post_step(
        nurse, ada.id, "vitals", {"vitals.systolic_mmHg": "121", "vitals.spo2_percent": "3"}
    )
    assert refused.status_code == 422
    [draft] = drafts(sessions, ada.id)
    assert draft["vitals"]["systolic_mmHg"] == 120


def test_medication_rows_are_saved_with_class_and_diazepam_equivalent(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    rows = {
        "medications[0].name": "Clonazepam",
        "medications[0].class": "benzodiazepine",
        "medications[0].daily_dose_mg": "2",
        "medications[0].diazepam_equivalent_mg_per_day": "40",
        "medications[1].name": "",
        "medications[1].class": "",
    }
    assert post_step(client_for(Role.NURSE), ada.id, "medications", rows).status_code == 303
    [draft] = drafts(sessions, ada.id)
    assert draft["medications"] == [
        {
            "name": "Clonazepam",
            "class": "benzodiazepine",
            "daily_dose_mg": "2",
            "diazepam_equivalent_mg_per_day": "40",
        }
    ]


def test_a_medication_without_a_class_is_refused_next_to_that_row(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    rows = {"medications[0].name": "Sertraline", "medications[0].class": ""}
    refused = post_step(client_for(Role.NURSE), ada.id, "medications", rows)
    assert refused.status_code == 422
    assert 'id="e-medications[0].class"' in refused.text
    assert intake_count(sessions) == 0


def test_no_rows_means_not_known_unless_no_medications_is_ticked(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    post_step(nurse, ada.id, "medications", {"medications[0].name": ""})
    assert drafts(sessions, ada.id)[0]["medications"] is None
    post_step(nurse, ada.id, "medications", {"medications_none": "yes"})
    assert drafts(sessions, ada.id)[0]["medications"] == []


def test_review_lists_every_answer_and_completing_makes_the_version_final(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    post_step(nurse, ada.id, "psychiatric", PSYCHIATRIC)
    post_step(nurse, ada.id, "vitals", {"vitals.weight_kg": "64", "vitals.height_cm": "160"})
    review = nurse.get(f"/patients/{ada.id}/intake/review")
    assert review.status_code == 200
    assert "Psychosis</dt><dd>Past" in review.text
    assert "Not known" in review.text
    assert "25.0" in review.text  # BMI derived from 64 kg and 160 cm
    done = nurse.post_form(f"/patients/{ada.id}/intake/review", {})
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/patients/{ada.id}")
    [final] = drafts(sessions, ada.id)
    assert final["_status"] == "complete"


def test_completing_without_a_draft_is_refused(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    refused = client_for(Role.NURSE).post_form(f"/patients/{ada.id}/intake/review", {})
    assert refused.status_code == 409
    assert intake_count(sessions) == 1


def test_changing_a_complete_intake_starts_a_new_draft_version(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    nurse = client_for(Role.NURSE)
    page = nurse.get(f"/patients/{ada.id}/intake/vitals")
    assert 'value="122"' in page.text  # the wizard starts from the complete version
    post_step(nurse, ada.id, "vitals", {"vitals.systolic_mmHg": "130"})
    versions = sorted(drafts(sessions, ada.id), key=lambda d: d["_status"])
    assert [v["_status"] for v in versions] == ["complete", "draft"]
    assert versions[1]["vitals"]["systolic_mmHg"] == 130
    assert versions[0]["vitals"]["systolic_mmHg"] == 122


def test_an_unknown_step_is_not_found(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    assert client_for(Role.NURSE).get(f"/patients/{ada.id}/intake/dosing").status_code == 404
