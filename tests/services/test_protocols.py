"""The clinic's protocols: shipped defaults stored once, each change a new audited version that
leaves the earlier ones alone, copies that keep their shipped root, and prescribers only."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import NotFound, PermissionDenied, ValidationFailed
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import ClinicDefault
from ketacare.db.models import AuditEvent, ProtocolVersion
from ketacare.services import protocols
from ketacare.services.context import Actor
from tests.factories import Clinic
from tests.services.assessment import NOW, actor_for

IV = "iv_ketamine_depression"


def events(db: Session) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity == "protocol_version").order_by("id")
    return list(db.scalars(query))


def organization_of(actor: Actor) -> int:
    assert actor.principal is not None
    return actor.principal.organization_id


def save(
    db: Session, actor: Actor, changes: dict[str, str], note: str = "Clinic policy 2026"
) -> ProtocolVersion:
    return protocols.save_version(db, actor, organization_of(actor), IV, changes, note)


def test_shipped_protocols_are_stored_once_as_version_1_and_audited(sessions, clinic: Clinic):
    org = clinic.organization_id
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        assert protocols.ensure_default_protocols(db, nurse, org) == len(DEFAULT_PROTOCOLS)
        assert protocols.ensure_default_protocols(db, nurse, org) == 0
    with sessions() as db:
        rows = db.scalars(select(ProtocolVersion)).all()
        assert sorted(r.code for r in rows) == sorted(DEFAULT_PROTOCOLS)
        assert {(r.version, r.based_on_code == r.code) for r in rows} == {(1, True)}
        assert all(protocols.load(r) == DEFAULT_PROTOCOLS[r.code] for r in rows)
        assert [e.action for e in events(db)] == ["create"] * len(DEFAULT_PROTOCOLS)


def test_asking_for_a_shipped_protocol_stores_the_defaults_first(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        row = protocols.current_version(db, clinic.organization_id, "esketamine_nasal")
        assert (row.version, row.created_by_id) == (1, None)  # stored by ketacare itself
        assert protocols.load(row) == DEFAULT_PROTOCOLS["esketamine_nasal"]


def test_an_unknown_code_is_not_found_and_the_known_codes_are_named(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        protocols.current_version(db, clinic.organization_id, IV)
        with pytest.raises(NotFound, match="The protocols are: esketamine_nasal, im_ketamine"):
            protocols.current_version(db, clinic.organization_id, "iv_ketamine_oops")


def test_a_save_makes_version_2_audits_the_diff_and_keeps_version_1(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        saved = save(db, prescriber, {"dose.default": "0.6", "min_interval_hours": "72"})
    with sessions() as db:
        actor = actor_for(db, clinic.users[Role.NURSE])
        first, second = protocols.versions(db, actor, clinic.organization_id, IV)[::-1]
        assert (second.id, second.version, second.change_note) == (
            saved.id,
            2,
            "Clinic policy 2026",
        )
        assert protocols.load(first) == DEFAULT_PROTOCOLS[IV]
        assert protocols.load(second).dose_rule.default.value == Decimal("0.6")
        assert protocols.load(second).min_interval_hours == ClinicDefault(
            72, "set by the clinic in version 2"
        )
        event = events(db)[-1]
        assert (event.action, event.entity_id, event.staff_user_id) == (
            "update",
            str(saved.id),
            prescriber.staff_user_id,
        )
        assert json.loads(event.detail) == {
            "code": IV,
            "version": 2,
            "changed": {"dose.default": ["0.5", "0.6"], "min_interval_hours": ["48", "72"]},
        }


def test_each_version_can_be_read_as_it_was_stored(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        save(db, prescriber, {"min_observation_min": "90"})
        save(db, prescriber, {"min_observation_min": "120"})
        org = clinic.organization_id
        assert [r.version for r in protocols.versions(db, prescriber, org, IV)] == [3, 2, 1]
        second = protocols.version(db, prescriber, org, IV, 2)
        assert protocols.load(second).min_observation_min.value == 90
        with pytest.raises(NotFound, match="has no version 4"):
            protocols.version(db, prescriber, org, IV, 4)


@pytest.mark.parametrize(
    ("changes", "note", "refused"),
    [
        ({"min_interval_hours": "48"}, "No change", {"changes"}),
        ({"min_interval_hours": "72"}, "  ", {"change_note"}),
        ({"dose.max": "lots"}, "", {"dose.max", "change_note"}),
        ({"instruments.baseline": "phq9, mystery_scale"}, "New scale", {"instruments.baseline"}),
    ],
)
def test_a_refused_save_says_why_and_stores_nothing(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    changes: dict[str, str],
    note: str,
    refused: set[str],
):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(ValidationFailed) as failed:
            save(db, prescriber, changes, note)
        assert set(failed.value.by_field()) == refused
    with sessions() as db:
        assert {r.version for r in db.scalars(select(ProtocolVersion))} == {1}


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMIN, Role.THERAPIST])
def test_only_a_prescriber_changes_a_protocol(sessions, clinic: Clinic, role: Role):
    with sessions() as db, db.begin():
        actor = actor_for(db, clinic.users[role])
        with pytest.raises(PermissionDenied):
            save(db, actor, {"min_interval_hours": "72"})
        with pytest.raises(PermissionDenied):
            protocols.copy_protocol(db, actor, clinic.organization_id, IV, "iv_own", "Own", "x")


def test_front_desk_staff_do_not_read_protocols(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        actor = actor_for(db, clinic.users[Role.FRONT_DESK])
        with pytest.raises(PermissionDenied):
            protocols.current_protocols(db, actor, clinic.organization_id)


def test_another_organizations_protocols_are_not_found(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(NotFound):
            protocols.versions(db, prescriber, clinic.organization_id + 1, IV)


def copy(
    db: Session, actor: Actor, from_code: str, code: str, name: str = "IV (clinic)"
) -> ProtocolVersion:
    org = organization_of(actor)
    return protocols.copy_protocol(db, actor, org, from_code, code, name, "Our own schedule")


def test_a_copy_is_version_1_of_a_new_protocol_rooted_in_the_shipped_one(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        save(db, prescriber, {"min_interval_hours": "72"})
        copied = copy(db, prescriber, IV, "iv_ketamine_clinic")
        again = copy(db, prescriber, "iv_ketamine_clinic", "iv_ketamine_evening", "IV evening")
    with sessions() as db:
        nurse = actor_for(db, clinic.users[Role.NURSE])
        protocol = protocols.load(copied)
        assert (copied.version, protocol.code, protocol.name) == (
            1,
            "iv_ketamine_clinic",
            "IV (clinic)",
        )
        assert protocol.min_interval_hours.value == 72  # the current version was copied
        assert protocol.dose_rule == DEFAULT_PROTOCOLS[IV].dose_rule  # sources kept
        assert copied.change_note == "Copy of iv_ketamine_depression version 2: Our own schedule"
        assert protocols.screening_code(copied) == protocols.screening_code(again) == IV
        event = events(db)[-2]
        assert json.loads(event.detail) == {
            "code": "iv_ketamine_clinic",
            "version": 1,
            "copied_from": {"code": IV, "version": 2},
        }
        listed = [r.code for r, _ in protocols.current_protocols(db, nurse, clinic.organization_id)]
        assert listed == [*DEFAULT_PROTOCOLS, "iv_ketamine_clinic", "iv_ketamine_evening"]


@pytest.mark.parametrize(
    ("code", "name", "field"),
    [
        ("IV Clinic", "IV (clinic)", "code"),
        ("iv", "IV (clinic)", "code"),
        ("esketamine_nasal", "Mine", "code"),
        ("iv_ketamine_clinic", "Again", "code"),
        ("iv_other", " ", "name"),
    ],
)
def test_a_copy_needs_a_new_code_and_a_name(sessions, clinic: Clinic, code, name, field):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        copy(db, prescriber, IV, "iv_ketamine_clinic")
        with pytest.raises(ValidationFailed) as refused:
            copy(db, prescriber, IV, code, name)
        assert set(refused.value.by_field()) == {field}


def test_seeding_at_a_readers_request_is_done_by_ketacare_itself(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], NOW)
        protocols.current_protocols(db, nurse, clinic.organization_id)
        assert {(e.staff_user_id, e.at) for e in events(db)} == {(None, NOW)}
