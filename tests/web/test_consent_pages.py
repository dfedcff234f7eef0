"""Consent on a tablet: the document and a box per key risk, typed name and date, the signed-in
witness; read-only once signed, withdrawable; and the clinic publishing new document versions."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import KeyRisk, Role
from ketacare.db.models import ConsentDocument, ConsentSignature
from ketacare.services import consent
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

PROTOCOL = "esketamine_nasal"
ALL_RISKS = [risk.value for risk in KeyRisk]
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def documents(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, ConsentDocument]:
    """The shipped template documents, as ``ketacare init`` publishes them."""
    with sessions() as db, db.begin():
        made = consent.ensure_default_documents(
            db, Actor(None, datetime.now(UTC)), clinic.organization_id
        )
        return {d.protocol_code: d for d in made}


def signatures(sessions: sessionmaker[Session]) -> list[ConsentSignature]:
    with sessions() as db:
        return list(db.scalars(select(ConsentSignature)))


def consent_url(patient_id: int) -> str:
    return f"/patients/{patient_id}/consent?protocol={PROTOCOL}"


def sign(client, patient_id: int, document_id: int, risks: list[str], typed_name: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/patients/{patient_id}/consent/{PROTOCOL}",
        data={
            "document_id": str(document_id),
            "risks": risks,
            "typed_name": typed_name,
            "signed_on": TODAY,
            "csrf_token": client.csrf,
        },
    )


def valid(sessions: sessionmaker[Session], patient_id: int) -> bool:
    with sessions() as db:
        return consent.has_valid_consent(db, patient_id, PROTOCOL)


def test_the_signing_page_shows_the_document_each_risk_and_the_witness(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.NURSE).get(consent_url(ada.id))
    assert page.status_code == 200
    document = documents[PROTOCOL]
    assert html.escape(document.title) in page.text
    assert f"Version {document.version}" in page.text
    for code, text in consent.key_risks_of(document):
        assert f'name="risks" value="{code}"' in page.text
        assert html.escape(text) in page.text
    assert "Witness: <strong>Test Nurse</strong>" in page.text


def test_a_signature_needs_every_risk_ticked_and_a_typed_name(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    refused = sign(client_for(Role.NURSE), ada.id, documents[PROTOCOL].id, ALL_RISKS[:-1], " ")
    assert refused.status_code == 422
    assert 'id="e-risks"' in refused.text
    assert 'id="e-typed_name"' in refused.text
    assert f'value="{ALL_RISKS[0]}" checked' in refused.text  # the ticks are kept
    assert signatures(sessions) == []


def test_a_signed_consent_is_shown_read_only_and_is_valid(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    signed = sign(nurse, ada.id, documents[PROTOCOL].id, ALL_RISKS, "Ada Lovelace")
    assert signed.status_code == 303
    page = nurse.get(consent_url(ada.id))
    assert "Ada Lovelace" in page.text
    assert "Test Nurse" in page.text
    assert "Sign consent" not in page.text
    assert "Withdraw this consent" in page.text
    assert valid(sessions, ada.id)


def test_withdrawing_keeps_the_signature_and_asks_for_a_new_one(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    nurse = client_for(Role.NURSE)
    sign(nurse, ada.id, documents[PROTOCOL].id, ALL_RISKS, "Ada Lovelace")
    [row] = signatures(sessions)
    url = f"/patients/{ada.id}/consent/signatures/{row.id}/withdraw?protocol={PROTOCOL}"
    withdrawn = nurse.post_form(url, {})
    assert withdrawn.status_code == 303
    page = nurse.get(withdrawn.headers["location"])
    assert "The consent was withdrawn" in page.text
    assert "Sign consent" in page.text
    assert not valid(sessions, ada.id)
    assert [s.withdrawn_at is not None for s in signatures(sessions)] == [True]


def test_front_desk_sees_the_status_but_cannot_witness(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    desk = client_for(Role.FRONT_DESK)
    assert "Sign consent" not in desk.get(consent_url(ada.id)).text
    refused = sign(desk, ada.id, documents[PROTOCOL].id, ALL_RISKS, "Ada Lovelace")
    assert refused.status_code == 403
    assert signatures(sessions) == []


def test_publishing_a_new_version_keeps_the_old_and_asks_patients_to_sign_again(
    client_for, sessions, clinic: Clinic, documents
):
    ada = add_patient(sessions, clinic.north_site_id)
    sign(client_for(Role.NURSE), ada.id, documents[PROTOCOL].id, ALL_RISKS, "Ada Lovelace")
    admin = client_for(Role.ADMIN)
    assert "Publish version 2" in admin.get("/settings/consent").text
    wording = {f"key_risks.{code}": f"Plain words about {code}." for code in ALL_RISKS}
    form = {"title": "Esketamine consent", "body": "Our clinic's text.", **wording}
    published = admin.post_form(f"/settings/consent/{PROTOCOL}", form)
    assert published.status_code == 303
    page = admin.get("/settings/consent")
    assert "Earlier versions (1)" in page.text
    assert "Publish version 3" in page.text
    assert not valid(sessions, ada.id)
    patient_page = client_for(Role.NURSE).get(consent_url(ada.id))
    assert "Plain words about sedation." in patient_page.text


def test_a_version_without_wording_for_a_risk_is_refused_and_nothing_published(
    client_for, sessions, clinic: Clinic, documents
):
    form = {"title": "Esketamine consent", "body": "Our clinic's text."}
    refused = client_for(Role.PRESCRIBER).post_form(f"/settings/consent/{PROTOCOL}", form)
    assert refused.status_code == 422
    assert "Describe this risk" in refused.text
    with sessions() as db:
        count = db.scalar(
            select(func.count())
            .select_from(ConsentDocument)
            .where(ConsentDocument.protocol_code == PROTOCOL)
        )
    assert count == 1
