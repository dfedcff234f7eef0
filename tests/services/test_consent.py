"""Consent: template documents per protocol, versions that never change, signatures that need every
key risk, a typed name and a clinician witness, and validity that ends with a new version or a
withdrawal. Risk wording restates clinical-reference §3.7 and §11 item 6."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from ketacare.core.enums import KeyRisk, Role
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.core.screening import PROTOCOLS
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import upgrade
from ketacare.db.models import AuditEvent, ConsentDocument, ConsentSignature
from ketacare.services import consent, setup
from ketacare.services.context import Actor
from tests.factories import PASSWORD, Clinic, add_patient
from tests.services.assessment import NOW, actor_for

PROTOCOL = "iv_ketamine_depression"
EVERY_RISK = [risk.value for risk in KeyRisk]
TODAY = NOW.date()


@pytest.fixture
def documents(sessions, clinic: Clinic) -> dict[str, int]:
    """The template documents, as ``ketacare init`` seeds them: protocol code → document id."""
    with sessions() as db, db.begin():
        made = consent.ensure_default_documents(db, Actor(None, NOW), clinic.organization_id)
        return {d.protocol_code: d.id for d in made}


def sign(sessions, clinic: Clinic, patient_id: int, document_id: int, **changes) -> int:
    values = {"typed_name": "Ada Lovelace", "signed_on": TODAY, "risks": EVERY_RISK}
    values.update(changes)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        return consent.sign(db, nurse, patient_id, document_id, **values).id  # type: ignore[arg-type]


def valid(sessions, patient_id: int, protocol: str = PROTOCOL) -> bool:
    with sessions() as db:
        return consent.has_valid_consent(db, patient_id, protocol)


def publish(sessions, clinic: Clinic, title: str = "Consent, second edition") -> int:
    wording = {risk.value: f"Clinic wording for {risk.value}." for risk in KeyRisk}
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        return consent.publish_document_version(
            db, prescriber, clinic.organization_id, PROTOCOL, title, "Our own text.", wording
        ).id


def test_every_protocol_gets_one_template_document_that_says_it_is_a_template(
    sessions, clinic: Clinic, documents: dict[str, int]
):
    assert set(documents) == set(PROTOCOLS)
    with sessions() as db, db.begin():
        document = db.get(ConsentDocument, documents[PROTOCOL])
        assert document is not None
        assert document.version == 1
        assert "TEMPLATE FOR THE CLINIC TO REVIEW" in document.body
        assert [code for code, _ in consent.key_risks_of(document)] == EVERY_RISK
        assert consent.ensure_default_documents(db, Actor(None, NOW), clinic.organization_id) == []


def test_a_signature_with_every_risk_a_name_and_a_witness_is_a_valid_consent(
    sessions, clinic: Clinic, documents: dict[str, int]
):
    patient = add_patient(sessions, clinic.north_site_id)
    assert not valid(sessions, patient.id)
    signature_id = sign(sessions, clinic, patient.id, documents[PROTOCOL])
    assert valid(sessions, patient.id)
    assert not valid(sessions, patient.id, "esketamine_nasal")
    with sessions() as db:
        row = db.get(ConsentSignature, signature_id)
        assert row is not None
        assert (row.typed_name, row.signed_on, row.signed_at) == ("Ada Lovelace", TODAY, NOW)
        assert sorted(json.loads(row.risks_acknowledged)) == sorted(EVERY_RISK)
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "consent_signature")).one()
        assert (event.patient_id, event.site_id) == (patient.id, clinic.north_site_id)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"risks": EVERY_RISK[:-1]}, {"risks"}),
        ({"typed_name": " "}, {"typed_name"}),
        ({"signed_on": date(2026, 3, 3)}, {"signed_on"}),
    ],
)
def test_an_incomplete_signature_is_refused_and_nothing_is_stored(
    sessions, clinic: Clinic, documents: dict[str, int], changes: dict, fields: set[str]
):
    patient = add_patient(sessions, clinic.north_site_id)
    with pytest.raises(ValidationFailed) as refused:
        sign(sessions, clinic, patient.id, documents[PROTOCOL], **changes)
    assert set(refused.value.by_field()) == fields
    assert not valid(sessions, patient.id)


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK, Role.ADMIN])
def test_only_a_nurse_or_prescriber_witnesses_a_consent(
    sessions, clinic: Clinic, documents: dict[str, int], role: Role
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        someone = actor_for(db, clinic.users[role])
        with pytest.raises(PermissionDenied):
            consent.sign(
                db, someone, patient.id, documents[PROTOCOL], "Ada Lovelace", TODAY, EVERY_RISK
            )


def test_a_new_version_leaves_the_old_one_unchanged_and_asks_for_a_new_signature(
    sessions, clinic: Clinic, documents: dict[str, int]
):
    patient = add_patient(sessions, clinic.north_site_id)
    sign(sessions, clinic, patient.id, documents[PROTOCOL])
    second = publish(sessions, clinic)
    assert not valid(sessions, patient.id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        versions = consent.documents_for(db, nurse, clinic.organization_id, PROTOCOL)
        assert [(d.id, d.version) for d in versions] == [(second, 2), (documents[PROTOCOL], 1)]
        assert "TEMPLATE FOR THE CLINIC TO REVIEW" in versions[1].body
    with pytest.raises(Conflict):
        sign(sessions, clinic, patient.id, documents[PROTOCOL])
    sign(sessions, clinic, patient.id, second)
    assert valid(sessions, patient.id)


def test_publishing_needs_wording_for_every_key_risk_and_the_right_role(
    sessions, clinic: Clinic, documents: dict[str, int]
):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(ValidationFailed) as refused:
            consent.publish_document_version(
                db, prescriber, clinic.organization_id, PROTOCOL, "", "Text", {"sedation": "x"}
            )
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(PermissionDenied):
            consent.publish_document_version(
                db, nurse, clinic.organization_id, PROTOCOL, "T", "Text", {"sedation": "x"}
            )
    assert {"title", "key_risks.dissociation", "key_risks.abuse_potential"} <= set(
        refused.value.by_field()
    )


def test_a_withdrawn_consent_is_no_longer_valid_and_cannot_be_withdrawn_twice(
    sessions, clinic: Clinic, documents: dict[str, int]
):
    patient = add_patient(sessions, clinic.north_site_id)
    signature_id = sign(sessions, clinic, patient.id, documents[PROTOCOL])
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        consent.withdraw(db, nurse, signature_id)
    assert not valid(sessions, patient.id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(Conflict):
            consent.withdraw(db, nurse, signature_id)
        (state,) = consent.consents_of(db, nurse, patient.id)
        assert not state.valid
        assert state.signature.withdrawn_at == NOW
    sign(sessions, clinic, patient.id, documents[PROTOCOL])
    assert valid(sessions, patient.id)


def test_setting_up_a_new_clinic_seeds_a_template_document_per_protocol(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    first = setup.FirstRun("New Clinic", "Main", "M", "UTC", "a@new.test", "A", PASSWORD)
    try:
        with session_factory(engine)() as db, db.begin():
            admin = setup.initialize(db, Actor(None, NOW), first)
            codes = {
                d.protocol_code
                for code in PROTOCOLS
                for d in consent.documents_for(db, Actor(None, NOW), admin.organization_id, code)
            }
        assert codes == set(PROTOCOLS)
    finally:
        engine.dispose()
