"""The outcome cut-offs page: defaults with their sources, an admin's audited override, and a
return to the default."""

from __future__ import annotations

import json

from sqlalchemy import select

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, OutcomeCutoff
from tests.factories import Clinic


def test_the_page_lists_every_instruments_default_with_its_source(client_for):
    page = client_for(Role.ADMIN).get("/settings/outcomes")
    assert page.status_code == 200
    assert "PHQ-9" in page.text
    assert "[PHQ-METRICS] [SUSTAIN3-T3]" in page.text
    assert "[SUSTAIN3-T3] [KET-NMH-T4]" in page.text  # the MADRS <= 12 preset


def test_only_an_admin_may_open_it(client_for):
    assert client_for(Role.PRESCRIBER).get("/settings/outcomes").status_code == 403


def test_an_override_is_stored_audited_and_shown(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    form = {
        "remission_operator": "le",
        "remission_value": "12",
        "response_drop_percent": "50",
        "source": "Clinic protocol 2026 [SUSTAIN3-T3]",
    }
    saved = admin.post_form("/settings/outcomes/madrs", form)
    assert saved.status_code == 303
    assert "≤ 12" in admin.get(saved.headers["location"]).text
    with sessions() as db:
        row = db.scalars(select(OutcomeCutoff)).one()
        assert (row.instrument_code, row.remission_value) == ("madrs", 12)
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "outcome_cutoff")).one()
        assert json.loads(event.detail)["after"]["remission_value"] == 12


def test_an_override_without_a_source_is_refused_and_nothing_changes(client_for, sessions):
    refused = client_for(Role.ADMIN).post_form(
        "/settings/outcomes/phq9",
        {"remission_operator": "lt", "remission_value": "5", "response_drop_percent": "50"},
    )
    assert refused.status_code == 422
    assert "Say where these cut-offs come from" in refused.text
    with sessions() as db:
        assert db.scalars(select(OutcomeCutoff)).all() == []


def test_the_default_can_be_restored(client_for, sessions):
    admin = client_for(Role.ADMIN)
    admin.post_form(
        "/settings/outcomes/gad7",
        {
            "remission_operator": "lt",
            "remission_value": "4",
            "response_drop_percent": "50",
            "source": "Clinic decision",
        },
    )
    assert admin.post_form("/settings/outcomes/gad7/default", {}).status_code == 303
    with sessions() as db:
        assert db.scalars(select(OutcomeCutoff)).all() == []
