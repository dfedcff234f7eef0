"""The treatment board: every chair of a site with its treatment, vitals, trend and open alerts;
acknowledging an alert from it. Limits are the test clinic's own (clinical-reference §4.2)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.db.models import AuditEvent, Treatment, VitalAlert
from ketacare.services import protocols
from ketacare.web.pages.board import SPARK_H, SPARK_W, sparkline
from tests.factories import Clinic
from tests.services.alerting import measure
from tests.services.monitoring import PROTOCOL, InChair, set_limits, treatment_in_chair
from tests.services.treatment_day import clinic_protocol

NOW = datetime.now(UTC)


@pytest.fixture
def chair(sessions: sessionmaker[Session], clinic: Clinic) -> InChair:
    made = treatment_in_chair(sessions, clinic.north_site_id)
    set_limits(sessions, clinic, {"spo2_percent.act.low": "92"})
    return made


def alert_in(sessions: sessionmaker[Session], chair: InChair) -> VitalAlert:
    for seconds, value in ((-20, "97"), (-10, "95")):
        measure(sessions, chair, NOW + timedelta(seconds=seconds), spo2_percent=value)
    [alert] = measure(sessions, chair, NOW, spo2_percent="85", hr_bpm="88")
    return alert


def test_the_board_shows_each_chair_its_patient_vitals_trend_and_open_alerts(
    client_for, sessions, clinic: Clinic, chair: InChair
):
    alert = alert_in(sessions, chair)
    page = client_for(Role.NURSE).get("/board")
    assert page.status_code == 200
    text = page.text
    assert "Ada L." in text
    assert "Lovelace" not in text
    assert "dosing" in text
    assert "min since dose start" in text
    assert 'class="vital-value">85<' in text
    assert 'class="vital-value">88<' in text
    assert text.count("<polyline") == 1  # SpO2 has a trend; one heart rate has none yet
    assert "SpO2 85 % is below the act limit of 92 %." in text
    assert f'action="/alerts/{alert.id}/acknowledge"' in text
    assert f'href="/treatments/{chair.treatment_id}"' in text
    assert re.search(r"<h3>Chair 2</h3>\s*</header>\s*<p class=\"muted small\">Free</p>", text)
    assert f'data-live-alerts data-site="{clinic.north_site_id}"' in text
    assert "/static/live.js" in text


def test_the_observation_time_left_counts_down_the_protocols_minimum(
    client_for, sessions, clinic: Clinic
):
    clinic_protocol(sessions, clinic)  # the test clinic's own 60 minutes
    chair = treatment_in_chair(sessions, clinic.north_site_id, state=TreatmentState.OBSERVATION)
    with sessions() as db, db.begin():
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        version = protocols.current_version(db, clinic.organization_id, PROTOCOL)
        treatment.protocol_version_id = version.id
        started = datetime.now(UTC) - timedelta(minutes=20, seconds=30)  # the page reads the clock
        treatment.observation_started_at = started
    page = client_for(Role.NURSE).get("/board").text
    assert "40 min of observation left" in page


def test_reading_the_board_is_audited_with_the_patients_shown(
    client_for, sessions, clinic: Clinic, chair: InChair
):
    client_for(Role.NURSE).get("/board")
    with sessions() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "treatment_board")).one()
    assert event.site_id == clinic.north_site_id
    assert json.loads(event.detail)["patient_ids"] == [chair.patient_id]


def test_staff_see_only_the_sites_where_they_read_treatments(
    client_for, sessions, clinic: Clinic, chair: InChair
):
    south = client_for(clinic.south_nurse_email)
    assert "Free" in south.get("/board").text
    assert "Ada L." not in south.get("/board").text
    assert south.get(f"/board?site={clinic.north_site_id}").status_code == 403
    assert south.get(f"/board/chairs?site={clinic.north_site_id}").status_code == 403
    assert client_for(Role.RESEARCHER).get("/board").status_code == 403


def test_the_desk_sees_the_board_but_no_acknowledge_form(
    client_for, sessions, clinic: Clinic, chair: InChair
):
    alert = alert_in(sessions, chair)
    page = client_for(Role.FRONT_DESK).get("/board").text
    assert alert.message in page
    assert "/acknowledge" not in page
    assert 'id="live-alert-ack"' not in page


def test_the_chairs_fragment_is_the_chairs_alone(client_for, sessions, clinic, chair: InChair):
    fragment = client_for(Role.NURSE).get(f"/board/chairs?site={clinic.north_site_id}")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'class="board-chairs"' in fragment.text


def ack(client, alert_id: int, **form: str):  # type: ignore[no-untyped-def]
    return client.post_form(f"/alerts/{alert_id}/acknowledge", {"next": "/board?site=1", **form})


def test_acknowledging_records_the_action_and_returns_to_the_board(
    client_for, sessions, clinic: Clinic, chair: InChair
):
    alert = alert_in(sessions, chair)
    nurse = client_for(Role.NURSE)
    done = ack(nurse, alert.id, action="antihypertensive", note="Labetalol per order")
    assert (done.status_code, done.headers["location"]) == (303, "/board?site=1")
    with sessions() as db:
        stored = db.get(VitalAlert, alert.id)
        assert stored is not None
        assert stored.action == "Antihypertensive given: Labetalol per order"
    assert alert.message not in nurse.get("/board").text


@pytest.mark.parametrize(
    ("form", "message"),
    [({"action": ""}, "Choose the action taken."), ({"action": "other"}, "Describe the action")],
)
def test_an_incomplete_acknowledgement_is_drawn_again_with_its_message(
    client_for, sessions, chair: InChair, form: dict[str, str], message: str
):
    alert = alert_in(sessions, chair)
    refused = ack(client_for(Role.NURSE), alert.id, **form)
    assert refused.status_code == 422
    assert message in refused.text
    assert 'name="next" value="/board?site=1"' in refused.text


def test_an_alert_acknowledged_meanwhile_says_so(client_for, sessions, chair: InChair):
    alert = alert_in(sessions, chair)
    ack(client_for(Role.PRESCRIBER), alert.id, action="observe")
    again = ack(client_for(Role.NURSE), alert.id, action="observe")
    assert again.status_code == 422
    assert "already acknowledged" in again.text


def test_the_acknowledge_page_serves_live_rows_and_the_desk_may_not_use_it(
    client_for, sessions, chair: InChair
):
    alert = alert_in(sessions, chair)
    url = f"/alerts/{alert.id}/acknowledge?next=/treatments/{chair.treatment_id}"
    page = client_for(Role.NURSE).get(url)
    assert page.status_code == 200
    assert f'name="next" value="/treatments/{chair.treatment_id}"' in page.text
    assert client_for(Role.FRONT_DESK).get(url).status_code == 403
    assert ack(client_for(Role.FRONT_DESK), alert.id, action="observe").status_code == 403


def test_a_link_elsewhere_is_not_followed_after_acknowledging(client_for, sessions, chair):
    alert = alert_in(sessions, chair)
    done = client_for(Role.NURSE).post_form(
        f"/alerts/{alert.id}/acknowledge", {"action": "observe", "next": "//evil.example"}
    )
    assert done.headers["location"] == "/board"


def points(values: list[str]) -> list[tuple[float, float]]:
    drawn = sparkline([Decimal(v) for v in values])
    return [(float(x), float(y)) for x, y in (p.split(",") for p in drawn.split())]


def test_a_trend_strip_spans_its_box_with_higher_values_drawn_higher():
    drawn = points(["90", "95", "100"])
    assert [x for x, _ in drawn] == [0.0, SPARK_W / 2, SPARK_W]
    ys = [y for _, y in drawn]
    assert ys == sorted(ys, reverse=True)
    assert min(ys) >= 0
    assert max(ys) <= SPARK_H


def test_a_steady_vital_is_a_flat_line_and_one_reading_draws_nothing():
    assert len({y for _, y in points(["97", "97", "97"])}) == 1
    assert sparkline([Decimal("97")]) == ""
