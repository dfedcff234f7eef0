"""The chair monitors page: per chair its point-of-care code and monitor device id, unique across
the organization, audited; the latest inbound messages without their raw text; admins only."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from ketacare.core.enums import LocationKind, Role
from ketacare.db.models import AuditEvent, InboundMessage, Location, Site
from ketacare.services import clinic as clinic_service
from ketacare.services.context import Actor
from tests.factories import Clinic

PAGE = "/settings/monitors"


def chair(sessions, site_id: int, name: str) -> Location:  # type: ignore[no-untyped-def]
    with sessions() as db:
        return db.scalars(
            select(Location).where(Location.site_id == site_id, Location.name == name)
        ).one()


def names(sessions, site_id: int, name: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    """How the chair's monitor names it: (point of care, device id)."""
    stored = chair(sessions, site_id, name)
    return stored.point_of_care, stored.monitor_device


def name_chair(admin, chair_id: int, point_of_care: str, device: str = ""):  # type: ignore[no-untyped-def]
    return admin.post_form(
        f"{PAGE}/chairs/{chair_id}", {"point_of_care": point_of_care, "monitor_device": device}
    )


def test_the_page_lists_the_sites_chairs_with_the_names_their_monitors_use(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    first = chair(sessions, clinic.north_site_id, "Chair 1")
    assert name_chair(admin, first.id, "CHAIR-01", "0012a4fffe3b9c11").status_code == 303
    page = admin.get(PAGE)
    assert page.status_code == 200
    assert "Chair 1" in page.text
    assert "Chair 2" in page.text
    assert 'value="CHAIR-01"' in page.text
    assert 'value="0012A4FFFE3B9C11"' in page.text  # stored in upper case, as monitors send it
    assert "No monitor has sent anything yet." in page.text


def test_a_saved_name_is_stored_audited_with_what_it_replaced_and_said_so(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    first = chair(sessions, clinic.north_site_id, "Chair 1")
    name_chair(admin, first.id, "CHAIR-01")
    saved = name_chair(admin, first.id, "BAY-1", "00-12-A4-FF-FE-3B-9C-11")
    assert saved.headers["location"] == (
        f"{PAGE}?site_id={clinic.north_site_id}&saved={first.id}#chair-{first.id}"
    )
    assert names(sessions, clinic.north_site_id, "Chair 1") == ("BAY-1", "0012A4FFFE3B9C11")
    with sessions() as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.entity == "location", AuditEvent.action == "update")
        ).all()
    assert json.loads(events[-1].detail) == {
        "before": {"point_of_care": "CHAIR-01", "monitor_device": None},
        "after": {"point_of_care": "BAY-1", "monitor_device": "0012A4FFFE3B9C11"},
    }
    assert events[-1].site_id == clinic.north_site_id
    assert "Saved the monitor names for Chair 1." in admin.get(saved.headers["location"]).text


def test_blank_names_clear_them(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    first = chair(sessions, clinic.north_site_id, "Chair 1")
    name_chair(admin, first.id, "CHAIR-01", "0012A4FFFE3B9C11")
    assert name_chair(admin, first.id, " ", "").status_code == 303
    assert names(sessions, clinic.north_site_id, "Chair 1") == (None, None)


def test_a_name_another_chair_uses_at_any_site_is_refused_and_nothing_is_stored(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    north = chair(sessions, clinic.north_site_id, "Chair 1")
    south = chair(sessions, clinic.south_site_id, "Chair 2")
    name_chair(admin, north.id, "CHAIR-01", "0012A4FFFE3B9C11")
    refused = name_chair(admin, south.id, "CHAIR-01", "0012a4fffe3b9c11")
    assert refused.status_code == 422
    assert "Chair 1 at North already uses CHAIR-01." in refused.text
    assert "Chair 1 at North already uses this monitor." in refused.text
    assert "South" in refused.text  # redrawn on the chair's own site
    assert names(sessions, clinic.south_site_id, "Chair 2") == (None, None)


def test_codes_a_monitor_could_not_send_are_refused_with_what_to_enter(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    first = chair(sessions, clinic.north_site_id, "Chair 1")
    refused = name_chair(admin, first.id, "CHAIR^01", "12345")
    assert refused.status_code == 422
    assert "as the monitor sends it in PV1-3" in refused.text
    assert "16 hexadecimal digits" in refused.text
    assert 'value="CHAIR^01"' in refused.text.replace("&#34;", '"')  # what was typed is kept
    assert 'aria-invalid="true"' in refused.text
    too_long = name_chair(admin, first.id, "C" * 41)
    assert too_long.status_code == 422


def test_another_site_is_chosen_by_its_id_and_an_unknown_site_or_chair_is_not_found(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    south = admin.get(PAGE, params={"site_id": clinic.south_site_id})
    assert 'aria-current="page">South</a>' in south.text
    assert admin.get(PAGE, params={"site_id": 9999}).status_code == 404
    assert name_chair(admin, 9999, "CHAIR-09").status_code == 404


def test_a_room_is_not_a_chair(client_for, sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        room = clinic_service.add_location(
            db, Actor(None, datetime.now(UTC)), site, "Consulting room", LocationKind.ROOM
        )
    assert name_chair(client_for(Role.ADMIN), room.id, "ROOM-1").status_code == 404


def test_only_an_admin_may_open_it_or_name_a_monitor(client_for, sessions, clinic: Clinic):
    first = chair(sessions, clinic.north_site_id, "Chair 1")
    for role in (Role.PRESCRIBER, Role.NURSE, Role.FRONT_DESK):
        client = client_for(role)
        assert client.get(PAGE).status_code == 403
        assert name_chair(client, first.id, "CHAIR-01").status_code == 403
    assert chair(sessions, clinic.north_site_id, "Chair 1").point_of_care is None


def test_the_latest_messages_show_their_answers_but_never_their_raw_text(client_for, sessions):
    with sessions() as db, db.begin():
        db.add(
            InboundMessage(
                received_at=datetime(2026, 11, 2, 9, 30, 15, tzinfo=UTC),
                peer="10.0.0.7:40112",
                control_id="NW-000731",
                result="AE",
                detail="unknown patient (PID-3)",
                raw="MSH|^~\\&|GW|||||ORU^R01|NW-000731|P|2.6\rPID|||MRN-4242||RIVERA^ANA",
            )
        )
    page = client_for(Role.ADMIN).get(PAGE)
    assert "NW-000731" in page.text
    assert "unknown patient (PID-3)" in page.text
    assert "10.0.0.7:40112" in page.text
    assert "2026-11-02 09:30:15 UTC" in page.text
    assert "RIVERA" not in page.text
    assert "MRN-4242" not in page.text
