"""The screening page and the chart's assessment panel: findings by kind with their sources, the
recommendation, and the prescriber's signed decision (an override needs a justification)."""

from __future__ import annotations

import html

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.screening import IntakeFacts, evaluate
from ketacare.db.models import EligibilityDecision
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, complete_intake, with_facts

ESKETAMINE = "esketamine_nasal"
HAEMORRHAGE = with_facts(medical={"intracerebral_haemorrhage_history": True})


def decision_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(EligibilityDecision)) or 0


def screening_url(patient_id: int, protocol: str = ESKETAMINE) -> str:
    return f"/patients/{patient_id}/screening?protocol={protocol}"


def sign(client, patient_id: int, **fields: str):  # type: ignore[no-untyped-def]
    return client.post_form(f"/patients/{patient_id}/screening/{ESKETAMINE}/decision", fields)


def test_the_page_lists_every_finding_with_its_source_and_the_recommendation(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, HAEMORRHAGE)
    expected = evaluate(IntakeFacts.from_dict(HAEMORRHAGE), ESKETAMINE)
    page = client_for(Role.NURSE).get(screening_url(ada.id))
    assert page.status_code == 200
    assert "badge-rec-ineligible" in page.text
    absolute = page.text[page.text.index('id="k-absolute"') : page.text.index('id="k-relative"')]
    assert 'data-rule="' in absolute
    for finding in expected.findings:
        assert html.escape(finding.message) in page.text
        assert html.escape(finding.source) in page.text
    assert any(f.kind == "absolute" for f in expected.findings)


def test_a_patient_without_a_complete_intake_has_nothing_to_screen(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.PRESCRIBER).get(screening_url(ada.id))
    assert page.status_code == 200
    assert "no complete intake" in page.text
    assert "Sign decision" not in page.text


def test_a_nurse_sees_no_decision_form_and_cannot_sign(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    nurse = client_for(Role.NURSE)
    assert "Sign decision" not in nurse.get(screening_url(ada.id)).text
    refused = sign(nurse, ada.id, decision="eligible", rationale="Looks fine")
    assert refused.status_code == 403
    assert decision_count(sessions) == 0


def test_a_prescriber_signs_and_the_page_shows_who_when_and_until_when(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    prescriber = client_for(Role.PRESCRIBER)
    page = prescriber.get(screening_url(ada.id))
    assert "badge-rec-eligible" in page.text
    assert "override_justification" not in page.text  # no absolute finding, no override field
    signed = sign(prescriber, ada.id, decision="eligible", rationale="Clean screen.")
    assert signed.status_code == 303
    shown = prescriber.get(signed.headers["location"])
    assert "Signed decision" in shown.text
    assert "Test Prescriber" in shown.text
    assert "Valid until" in shown.text
    assert decision_count(sessions) == 1


def test_going_ahead_despite_an_absolute_finding_needs_a_justification(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, HAEMORRHAGE)
    prescriber = client_for(Role.PRESCRIBER)
    page = prescriber.get(screening_url(ada.id))
    assert "Absolute contraindication found" in page.text
    refused = sign(prescriber, ada.id, decision="eligible_with_precautions", rationale="Old bleed")
    assert refused.status_code == 422
    assert 'id="e-override_justification"' in refused.text
    assert decision_count(sessions) == 0
    justified = sign(
        prescriber,
        ada.id,
        decision="eligible_with_precautions",
        rationale="Old bleed",
        override_justification="Neurology cleared in writing, 2026-02-20.",
    )
    assert justified.status_code == 303
    shown = prescriber.get(screening_url(ada.id))
    assert "overrides an absolute contraindication" in shown.text


def test_deciding_not_eligible_needs_no_justification(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, HAEMORRHAGE)
    signed = sign(client_for(Role.PRESCRIBER), ada.id, decision="not_eligible", rationale="ICH")
    assert signed.status_code == 303
    assert decision_count(sessions) == 1


def test_a_decision_without_a_choice_or_rationale_is_refused_per_field(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    refused = sign(client_for(Role.PRESCRIBER), ada.id, decision="", rationale="")
    assert refused.status_code == 422
    assert 'id="e-decision"' in refused.text
    assert 'id="e-rationale"' in refused.text
    assert decision_count(sessions) == 0


def test_an_unknown_protocol_is_refused(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    assert client_for(Role.NURSE).get(screening_url(ada.id, "laughing_gas")).status_code == 422


def test_the_chart_panel_shows_intake_decision_and_missing_consent(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    prescriber = client_for(Role.PRESCRIBER)
    chart = prescriber.get(f"/patients/{ada.id}")
    assert f'hx-get="/patients/{ada.id}/assessment"' in chart.text
    panel = prescriber.get(f"/patients/{ada.id}/assessment", headers={"HX-Request": "true"})
    assert "<html" not in panel.text
    assert "<strong>Intake:</strong>" in panel.text
    assert "none" in panel.text
    complete_intake(sessions, clinic, ada.id, CLEAN)
    sign(prescriber, ada.id, decision="eligible", rationale="Clean screen.")
    panel = prescriber.get(f"/patients/{ada.id}/assessment", headers={"HX-Request": "true"})
    assert "complete v1 on" in panel.text
    row = panel.text[panel.text.index(f'data-protocol="{ESKETAMINE}"') :]
    row = row[: row.index("</tr>")]
    assert "badge-decision-eligible" in row
    assert "by Test Prescriber" in row
    assert "Missing" in row
    assert f"/patients/{ada.id}/consent?protocol={ESKETAMINE}" in row


def test_the_panel_asks_for_review_when_a_new_intake_changes_a_fact_read(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    complete_intake(sessions, clinic, ada.id, CLEAN)
    prescriber = client_for(Role.PRESCRIBER)
    sign(prescriber, ada.id, decision="eligible", rationale="Clean screen.")
    complete_intake(sessions, clinic, ada.id, with_facts(medical={"pregnant": True}))
    panel = prescriber.get(f"/patients/{ada.id}/assessment")
    assert "<html" in panel.text  # without htmx, a whole page
    assert "Review needed" in panel.text
