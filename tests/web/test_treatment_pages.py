"""The treatment pages over HTTP: Today's check-in, the page's checklist, every form storing what
it says or redrawing itself with the message (and storing nothing), the live alert published after
the commit, and the printable instructions. Pages run on the real clock, so the course's first
treatment is moved to start now."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Administration, Reading, Treatment, VitalAlert
from ketacare.services import live
from ketacare.services.treatment_discharge import CRITERIA
from tests.factories import Clinic
from tests.services.treatment_day import (
    IV,
    LOT,
    NORMAL,
    Booked,
    booked_now,
    clinic_protocol,
    set_limits,
)

DAY_AGO = datetime.now(UTC) - timedelta(days=1)


@pytest.fixture
def booked(sessions, clinic: Clinic) -> Booked:
    return booked_now(sessions, clinic)


def checked_in(client_for, booked: Booked) -> tuple[object, int]:
    nurse = client_for(Role.NURSE)
    response = nurse.post_form(f"/appointments/{booked.appointment_id}/check-in", {})
    assert response.status_code == 303
    found = re.fullmatch(r"/treatments/(\d+)", response.headers["location"])
    assert found is not None
    return nurse, int(found.group(1))


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_today_offers_check_in_for_a_course_treatment_then_opens_the_treatment(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    desk = client_for(Role.FRONT_DESK)
    page = desk.get("/").text
    assert f'action="/appointments/{booked.appointment_id}/check-in"' in page
    assert "Mark Ada Lovelace arrived" not in page  # check-in marks a course treatment arrived
    response = desk.post_form(f"/appointments/{booked.appointment_id}/check-in", {})
    assert response.status_code == 303
    treatment_path = response.headers["location"]
    page = desk.get("/").text
    assert f'href="{treatment_path}"' in page
    assert "check-in" not in page.split("Lovelace", 1)[1].split("</li>", 1)[0]


def test_the_page_lists_what_clearing_still_needs_and_refuses_to_clear(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    nurse, treatment_id = checked_in(client_for, booked)
    page = nurse.get(f"/treatments/{treatment_id}")
    assert page.status_code == 200
    assert 'data-requirement="escort_home"' in page.text
    assert "No escort or safe ride home is confirmed" in page.text
    refused = nurse.post_form(f"/treatments/{treatment_id}/transition", {"to": "cleared"})
    assert refused.status_code == 422
    assert "cannot become cleared yet" in refused.text
    with sessions() as db:
        assert db.get(Treatment, treatment_id).state == "checked_in"  # type: ignore[union-attr]


def test_a_vitals_line_is_saved_and_the_next_line_starts_from_its_values(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    nurse, treatment_id = checked_in(client_for, booked)
    response = nurse.post_form(f"/treatments/{treatment_id}/readings", NORMAL)
    assert response.headers["location"].endswith("#vitals")
    page = nurse.get(f"/treatments/{treatment_id}").text
    assert re.search(r'<input name="sbp_mmhg" id="f-sbp_mmhg"[^>]* value="122"', page)
    assert count(sessions, Reading) == 5
    assert '<svg class="vitals-chart"' in page


def test_an_impossible_saturation_redraws_the_line_and_stores_nothing(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    nurse, treatment_id = checked_in(client_for, booked)
    refused = nurse.post_form(
        f"/treatments/{treatment_id}/readings", {**NORMAL, "spo2_percent": "120"}
    )
    assert refused.status_code == 422
    assert "120 % is not a possible oxygen saturation" in refused.text
    assert count(sessions, Reading) == 0


def test_a_typed_low_saturation_raises_an_alert_that_is_published_after_the_commit(
    sessions, clinic: Clinic, client_for, booked: Booked, monkeypatch
):
    set_limits(sessions, clinic, IV, spo2_percent__act__low="92")  # the test clinic's own limit
    published: list[list[int]] = []
    real_publish = live.Broker.publish

    def spy(self, events):  # type: ignore[no-untyped-def]
        with sessions() as db:  # a fresh session sees only what was committed
            published.append([db.get(VitalAlert, e.alert_id).id for e in events])  # type: ignore[union-attr]
        real_publish(self, events)

    monkeypatch.setattr(live.Broker, "publish", spy)
    nurse, treatment_id = checked_in(client_for, booked)
    nurse.post_form(f"/treatments/{treatment_id}/readings", {"spo2_percent": "85"})
    with sessions() as db:
        alert = db.scalars(select(VitalAlert)).one()
    assert published == [[alert.id]]
    assert (
        "SpO2 85 % is below the act limit of 92 %" in nurse.get(f"/treatments/{treatment_id}").text
    )


def test_the_prescriber_orders_the_dose_and_sees_the_pump_rate(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    _, treatment_id = checked_in(client_for, booked)
    prescriber = client_for(Role.PRESCRIBER)
    response = prescriber.post_form(
        f"/treatments/{treatment_id}/order",
        {"dose": "0.5", "stock_mg_per_ml": "100", "bag_ml": "100"},
    )
    assert response.status_code == 303
    page = prescriber.get(f"/treatments/{treatment_id}").text
    assert "150.5 mL/h" in page
    assert "35.0 mg" in page


def test_an_order_without_the_bag_is_redrawn_with_the_message(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    _, treatment_id = checked_in(client_for, booked)
    prescriber = client_for(Role.PRESCRIBER)
    refused = prescriber.post_form(f"/treatments/{treatment_id}/order", {"dose": "0.5"})
    assert refused.status_code == 422
    assert "Enter this to work out the pump rate." in refused.text


def _clear(nurse, prescriber, treatment_id: int) -> None:  # type: ignore[no-untyped-def]
    nurse.post_form(f"/treatments/{treatment_id}/readings", NORMAL)
    prescriber.post_form(
        f"/treatments/{treatment_id}/order",
        {"dose": "0.5", "stock_mg_per_ml": "100", "bag_ml": "100"},
    )
    for code, status, extra in (
        ("escort_home", "confirmed", {"value": "Grace Hopper"}),
        ("weight_recorded", "confirmed", {}),
        ("instruments", "waived", {"note": "On paper; entered later."}),
    ):
        response = nurse.post_form(
            f"/treatments/{treatment_id}/checks", {"code": code, "status": status, **extra}
        )
        assert response.status_code == 303, response.text
    assert (
        nurse.post_form(f"/treatments/{treatment_id}/transition", {"to": "cleared"}).status_code
        == 303
    )


def test_an_expired_lot_is_refused_with_its_expiry_date(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    nurse, treatment_id = checked_in(client_for, booked)
    _clear(nurse, client_for(Role.PRESCRIBER), treatment_id)
    expired = datetime.now(UTC).date() - timedelta(days=1)
    refused = nurse.post_form(
        f"/treatments/{treatment_id}/administration",
        {"product": "Ketamine", "lot_number": LOT, "lot_expiry": expired.isoformat()},
    )
    assert refused.status_code == 422
    assert f"Lot {LOT} expired on {expired.isoformat()}" in refused.text
    assert count(sessions, Administration) == 0


def test_a_whole_treatment_over_http_ends_discharged_with_printable_instructions(
    sessions, clinic: Clinic, client_for
):
    # The test clinic's own observation time of 0 minutes, so the visit runs in one go.
    clinic_protocol(sessions, clinic, IV, DAY_AGO, observation_min="0")
    booked = booked_now(sessions, clinic)
    nurse, treatment_id = checked_in(client_for, booked)
    _clear(nurse, client_for(Role.PRESCRIBER), treatment_id)
    base = f"/treatments/{treatment_id}"
    steps = [
        ("/administration", {"product": "Ketamine", "lot_number": LOT, "lot_expiry": "2099-12-31"}),
        ("/administration/events", {"kind": "pause"}),
        ("/administration/events", {"kind": "resume"}),
        ("/administration/events", {"kind": "stop"}),
        ("/interventions", {"medication": "Ondansetron", "dose_value": "4", "dose_unit": "mg"}),
        ("/notes", {"text": "Comfortable throughout."}),
        ("/discharge-assessment", dict.fromkeys(CRITERIA, "yes")),
        ("/transition", {"to": "ready_for_discharge"}),
        ("/discharge", {"instructions_given": "yes"}),
    ]
    for path, data in steps:
        response = nurse.post_form(base + path, data)
        assert response.status_code == 303, (path, response.text[:2000])
    with sessions() as db:
        assert db.get(Treatment, treatment_id).state == "discharged"  # type: ignore[union-attr]
    printable = nurse.get(base + "/instructions").text
    assert "Do not drive or operate machinery until the next day" in printable
    assert "Grace Hopper" in printable


def test_discharge_without_the_instructions_ticked_is_refused(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    nurse, treatment_id = checked_in(client_for, booked)
    refused = nurse.post_form(f"/treatments/{treatment_id}/discharge", {})
    assert refused.status_code == 422
    assert "Give the discharge instructions first" in refused.text


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_readers_see_the_treatment_without_its_forms(
    sessions, clinic: Clinic, client_for, booked: Booked, role: Role
):
    _, treatment_id = checked_in(client_for, booked)
    page = client_for(role).get(f"/treatments/{treatment_id}")
    assert page.status_code == 200
    assert 'action="/treatments/' not in page.text


def test_a_treatment_at_another_site_is_not_found(
    sessions, clinic: Clinic, client_for, booked: Booked
):
    _, treatment_id = checked_in(client_for, booked)
    assert (
        client_for(clinic.south_nurse_email).get(f"/treatments/{treatment_id}").status_code == 404
    )
