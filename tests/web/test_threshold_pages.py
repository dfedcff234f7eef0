"""The alert threshold page (a prescriber's: thresholds are clinical) and the treatment-day
settings page (an admin's). No numbers are shipped (clinical-reference §4.2): the page says so
and shows the SOP examples as UNVERIFIED text only."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from ketacare.core.enums import Role
from ketacare.db.models import AlertThreshold, AuditEvent, TreatmentSettings
from tests.factories import Clinic

IV = "iv_ketamine_depression"


def test_the_page_says_no_authoritative_numbers_exist_and_prefills_none(client_for):
    page = client_for(Role.PRESCRIBER).get(f"/settings/thresholds?protocol={IV}")
    assert page.status_code == 200
    assert "No authoritative numbers exist" in page.text
    assert "UNVERIFIED" in page.text
    assert 'name="spo2_percent.act.low"' in page.text
    assert 'name="sbp_mmhg.hold.high"' in page.text
    limits = _values(page.text)
    assert len(limits) == 8 * 3 * 2  # every vital, level and side; none filled in
    assert set(limits) == {""}


def _values(html: str) -> list[str]:
    """The values of every limit input on the page."""
    return re.findall(
        r'name="[a-z0-9_]+\.(?:hold|warn|act)\.(?:low|high)"[^>]*value="([^"]*)"', html
    )


def test_a_prescriber_saves_limits_which_are_stored_audited_and_shown(
    client_for, sessions, clinic: Clinic
):
    prescriber = client_for(Role.PRESCRIBER)
    saved = prescriber.post_form(
        f"/settings/thresholds/{IV}",
        {"spo2_percent.act.low": "92", "sbp_mmhg.hold.high": "159", "hr_bpm.warn.high": ""},
    )
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        f"/settings/thresholds?protocol={IV}&saved=changed",
    )
    with sessions() as db:
        rows = {(r.vital, r.level): (r.low, r.high) for r in db.scalars(select(AlertThreshold))}
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "alert_threshold")).one()
    assert set(rows) == {("spo2_percent", "act"), ("sbp_mmhg", "hold")}
    assert json.loads(event.detail)["protocol_code"] == IV
    shown = prescriber.get(saved.headers["location"]).text
    assert 'name="spo2_percent.act.low" inputmode="decimal" size="5" value="92"' in shown
    assert "Saved the thresholds" in shown


def test_contradictory_limits_are_refused_next_to_the_field_and_nothing_is_stored(
    client_for, sessions
):
    refused = client_for(Role.PRESCRIBER).post_form(
        f"/settings/thresholds/{IV}",
        {"hr_bpm.act.low": "130", "hr_bpm.act.high": "50", "rr_per_min.act.low": "ten"},
    )
    assert refused.status_code == 422
    assert 'id="e-hr_bpm.act.low"' in refused.text
    assert "The low limit must be below the high limit." in refused.text
    assert 'id="e-rr_per_min.act.low"' in refused.text
    assert 'value="ten"' in refused.text
    with sessions() as db:
        assert db.scalars(select(AlertThreshold)).all() == []


def test_an_unknown_protocol_cannot_be_saved(client_for):
    answer = client_for(Role.PRESCRIBER).post_form("/settings/thresholds/no_such", {})
    assert answer.status_code == 404


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMIN, Role.FRONT_DESK])
def test_only_prescribers_open_the_threshold_page(client_for, role: Role):
    assert client_for(role).get("/settings/thresholds").status_code == 403


def test_the_treatment_settings_page_shows_ketacares_starting_points_until_saved(client_for):
    page = client_for(Role.ADMIN).get("/settings/treatment")
    assert page.status_code == 200
    assert "starting points, not clinical values" in page.text
    assert 'name="escalate_after_min" type="number" value="5"' in page.text


def test_an_admin_saves_the_treatment_settings(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    saved = admin.post_form(
        "/settings/treatment", {"escalate_after_min": "10", "inbound_retention_days": "14"}
    )
    assert saved.status_code == 303
    assert "starting points" not in admin.get(saved.headers["location"]).text
    with sessions() as db:
        row = db.get(TreatmentSettings, clinic.organization_id)
        assert row is not None
        assert (row.escalate_after_min, row.inbound_retention_days) == (10, 14)


@pytest.mark.parametrize("bad", ["0", "abc", "", "999"])
def test_treatment_settings_out_of_range_are_refused(client_for, sessions, bad: str):
    refused = client_for(Role.ADMIN).post_form(
        "/settings/treatment", {"escalate_after_min": bad, "inbound_retention_days": "14"}
    )
    assert refused.status_code == 422
    assert 'id="e-escalate_after_min"' in refused.text
    with sessions() as db:
        assert db.scalars(select(TreatmentSettings)).all() == []


def test_only_admins_open_the_treatment_settings(client_for):
    assert client_for(Role.PRESCRIBER).get("/settings/treatment").status_code == 403
