"""A clinic's own remission and response cut-offs: admin only, checked, audited, reversible."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import NotFound, PermissionDenied, ValidationFailed
from ketacare.core.instruments.outcomes import DEFAULT_CUTOFFS, MADRS_PRESETS, Cutoffs
from ketacare.db.models import AuditEvent
from ketacare.services import outcome_settings, staff
from ketacare.services.context import Actor
from tests.factories import Clinic

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def actor_for(db: Session, email: str) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), NOW, "10.0.0.5")


def test_defaults_apply_until_an_admin_sets_the_clinics_own(sessions, clinic: Clinic):
    org = clinic.organization_id
    with sessions() as db, db.begin():
        assert outcome_settings.cutoffs_for(db, org, "madrs") == DEFAULT_CUTOFFS["madrs"]
        admin = actor_for(db, clinic.users[Role.ADMIN])
        preset = MADRS_PRESETS["esketamine_trials_le_12"]
        outcome_settings.set_cutoffs(db, admin, "madrs", "le", 12, 50, preset.source)
    with sessions() as db:
        assert outcome_settings.cutoffs_for(db, org, "madrs") == Cutoffs(
            "le", 12, 50, preset.source
        )
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "outcome_cutoff")).one()
        detail = json.loads(event.detail)
        assert (event.action, detail["instrument"]) == ("update", "madrs")
        assert (detail["before"]["remission_value"], detail["after"]["remission_value"]) == (10, 12)
        [madrs] = [s for s in outcome_settings.all_cutoffs(db, org) if s.code == "madrs"]
        assert (madrs.overridden, madrs.default) == (True, DEFAULT_CUTOFFS["madrs"])


def test_clearing_returns_to_the_default_and_is_audited(sessions, clinic: Clinic):
    org = clinic.organization_id
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        outcome_settings.set_cutoffs(db, admin, "phq9", "lt", 10, 50, "protocol v2")
        outcome_settings.set_cutoffs(db, admin, "phq9", "le", 4, 40, "protocol v3")
        assert outcome_settings.cutoffs_for(db, org, "phq9").remission_value == 4
        outcome_settings.clear_cutoffs(db, admin, "phq9")
        assert outcome_settings.cutoffs_for(db, org, "phq9") == DEFAULT_CUTOFFS["phq9"]
        with pytest.raises(NotFound):
            outcome_settings.clear_cutoffs(db, admin, "phq9")
        actions = db.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "outcome_cutoff")
        ).all()
        assert list(actions) == ["update", "update", "delete"]


@pytest.mark.parametrize(
    ("operator", "value", "percent", "source", "field"),
    [
        ("gt", 5, 50, "x", "remission_operator"),
        ("lt", None, 50, "x", "remission_value"),
        ("lt", 28, 50, "x", "remission_value"),
        ("lt", 5, 0, "x", "response_drop_percent"),
        ("lt", 5, 50, "  ", "source"),
    ],
)
def test_impossible_cut_offs_are_refused_on_the_field_at_fault(
    sessions,
    clinic: Clinic,
    operator: str,
    value: int | None,
    percent: int,
    source: str,
    field: str,
):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        with pytest.raises(ValidationFailed) as raised:
            outcome_settings.set_cutoffs(db, admin, "phq9", operator, value, percent, source)
        assert field in raised.value.by_field()


def test_only_admins_change_cut_offs(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(PermissionDenied):
            outcome_settings.set_cutoffs(db, prescriber, "phq9", "lt", 5, 50, "x")
