"""The scheduling set-up page: settings with their "clinic choice" notes, and per site the
opening hours, closed days, rota and absences; admin only, refused forms store nothing."""

from __future__ import annotations

import json
from datetime import time

from sqlalchemy import func, select

from ketacare.core.enums import Role
from ketacare.core.scheduling.defaults import CLINIC_CHOICE
from ketacare.db.models import (
    AuditEvent,
    SiteClosure,
    SiteOpeningHours,
    StaffAbsence,
    StaffRota,
)
from ketacare.services import rota, scheduling_setup, site_hours, staff
from tests.factories import CHAIRS_PER_NURSE, WORKING_DAY, Clinic

PAGE = "/settings/scheduling"


def site_url(site_id: int, tail: str) -> str:
    return f"{PAGE}/sites/{site_id}/{tail}"


def audited(sessions, entity: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with sessions() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def rows(sessions, model: type) -> int:  # type: ignore[no-untyped-def]
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_the_page_shows_the_settings_as_clinic_choices_and_the_sites_week(client_for):
    page = client_for(Role.ADMIN).get(PAGE)
    assert page.status_code == 200
    assert CLINIC_CHOICE in page.text
    assert f'name="chairs_per_nurse" type="number" value="{CHAIRS_PER_NURSE}"' in page.text
    assert 'name="opens_0" type="time" value="08:00"' in page.text
    assert 'name="opens_6" type="time" value=""' in page.text
    assert "Test Nurse" in page.text
    assert "Test Prescriber" in page.text
    assert 'href="/settings/scheduling" aria-current="page"' in page.text  # the settings sub-menu


def test_the_outcome_cut_offs_page_shares_the_settings_sub_menu(client_for):
    page = client_for(Role.ADMIN).get("/settings/outcomes")
    assert '<a href="/settings/scheduling" class="secondary">Scheduling</a>' in page.text


def test_only_an_admin_may_open_it(client_for):
    assert client_for(Role.PRESCRIBER).get(PAGE).status_code == 403
    assert client_for(Role.NURSE).post_form(PAGE, {}).status_code == 403


def test_another_site_is_chosen_by_its_id_and_an_unknown_one_is_not_found(
    client_for, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    south = admin.get(PAGE, params={"site_id": clinic.south_site_id})
    assert "South Nurse" in south.text
    assert "Test Nurse" not in south.text
    assert admin.get(PAGE, params={"site_id": 9999}).status_code == 404


def test_saved_settings_are_stored_audited_and_said_so(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    form = {
        "chairs_per_nurse": "3",
        "check_in_min": "20",
        "slot_step_min": "10",
        "max_shift_days": "5",
        "reminder_hours_before": "48",
        "site_id": str(clinic.south_site_id),
    }
    saved = admin.post_form(PAGE, form)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(f"{PAGE}?site_id={clinic.south_site_id}&")
    assert "Saved the scheduling settings." in admin.get(saved.headers["location"]).text
    with sessions() as db:
        stored = scheduling_setup.scheduling_settings(db, clinic.organization_id)
    assert (stored.chairs_per_nurse, stored.reminder_hours_before) == (3, 48)
    detail = json.loads(audited(sessions, "scheduling_settings")[-1].detail)
    assert (detail["before"]["chairs_per_nurse"], detail["after"]["chairs_per_nurse"]) == (2, 3)


def test_refused_settings_are_redrawn_with_their_messages_and_nothing_changes(
    client_for, sessions, clinic: Clinic
):
    form = {"chairs_per_nurse": "0", "check_in_min": "abc", "slot_step_min": "7"}
    refused = client_for(Role.ADMIN).post_form(PAGE, form)
    assert refused.status_code == 422
    assert "Enter a whole number from 1 to 20." in refused.text
    assert "Enter a whole number." in refused.text
    assert 'value="abc"' in refused.text  # what was typed stays on the page
    with sessions() as db:
        stored = scheduling_setup.scheduling_settings(db, clinic.organization_id)
    assert stored.chairs_per_nurse == CHAIRS_PER_NURSE


def week_form(**days: tuple[str, str]) -> dict[str, str]:
    form = {f"{edge}_{d}": "" for d in range(7) for edge in ("opens", "closes")}
    for key, (opens, closes) in days.items():
        form[f"opens_{key[1:]}"], form[f"closes_{key[1:]}"] = opens, closes
    return form


def test_the_whole_week_of_opening_hours_is_saved_at_once(client_for, sessions, clinic: Clinic):
    form = week_form(d0=("07:30", "19:00"), d5=("09:00", "13:00"))
    saved = client_for(Role.ADMIN).post_form(site_url(clinic.north_site_id, "hours"), form)
    assert saved.status_code == 303
    with sessions() as db:
        week = site_hours.opening_hours(db, clinic.north_site_id)
    assert {d: (o.opens, o.closes) for d, o in week.items()} == {
        0: (time(7, 30), time(19)),
        5: (time(9), time(13)),
    }
    assert json.loads(audited(sessions, "site_opening_hours")[-1].detail)["after"]["1"] == "closed"


def test_opening_hours_closing_before_opening_are_refused_and_the_week_is_kept(
    client_for, sessions, clinic: Clinic
):
    before = rows(sessions, SiteOpeningHours)
    form = week_form(d0=("08:00", "18:00"), d2=("18:00", "08:00"), d3=("8 am", ""))
    refused = client_for(Role.ADMIN).post_form(site_url(clinic.north_site_id, "hours"), form)
    assert refused.status_code == 422
    assert "Closing time must be after 18:00." in refused.text
    assert "Enter a time as HH:MM." in refused.text
    assert rows(sessions, SiteOpeningHours) == before


def test_a_closed_day_is_added_listed_and_removed(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    url = site_url(clinic.north_site_id, "closures")
    added = admin.post_form(url, {"closed_on": "2099-12-25", "reason": "Christmas Day"})
    assert added.status_code == 303
    page = admin.get(added.headers["location"])
    assert "Christmas Day" in page.text
    assert "Added the closed day." in page.text
    twice = admin.post_form(url, {"closed_on": "2099-12-25", "reason": "Again"})
    assert twice.status_code == 422
    assert "already closed on 2099-12-25" in twice.text
    with sessions() as db:
        closure_id = db.scalars(select(SiteClosure.id)).one()
    removed = admin.post_form(f"{url}/{closure_id}/remove", {})
    assert removed.status_code == 303
    assert rows(sessions, SiteClosure) == 0
    assert [e.action for e in audited(sessions, "site_closure")] == ["create", "delete"]


def test_a_closed_day_without_a_reason_is_refused(client_for, sessions, clinic: Clinic):
    url = site_url(clinic.north_site_id, "closures")
    refused = client_for(Role.ADMIN).post_form(url, {"closed_on": "2099-12-25", "reason": ""})
    assert refused.status_code == 422
    assert "Say why the site is closed" in refused.text
    assert rows(sessions, SiteClosure) == 0


def test_a_rota_line_is_added_and_removed(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    with sessions() as db:
        nurse_id = staff.by_email(db, clinic.south_nurse_email).id
    line = {"role": "nurse", "weekday": "5", "starts_at": "09:00", "ends_at": "13:00"}
    url = site_url(clinic.south_site_id, "rota")
    added = admin.post_form(url, {**line, "staff_user_id": str(nurse_id)})
    assert added.status_code == 303
    with sessions() as db:
        saturday = [e for e in rota.rota_of(db, clinic.south_site_id) if e.shift.weekday == 5]
    assert [(e.full_name, e.shift.starts_at) for e in saturday] == [("South Nurse", time(9))]
    assert admin.post_form(f"{url}/{saturday[0].id}/remove", {}).status_code == 303
    assert [e.action for e in audited(sessions, "staff_rota")][-2:] == ["create", "delete"]


def test_a_rota_line_in_a_role_the_person_does_not_hold_there_is_refused(
    client_for, sessions, clinic: Clinic
):
    before = rows(sessions, StaffRota)
    with sessions() as db:
        nurse_id = staff.by_email(db, clinic.south_nurse_email).id
    form = {
        "staff_user_id": str(nurse_id),
        "role": "prescriber",
        "weekday": "5",
        "starts_at": "09:00",
        "ends_at": "13:00",
    }
    refused = client_for(Role.ADMIN).post_form(site_url(clinic.south_site_id, "rota"), form)
    assert refused.status_code == 422
    assert "South Nurse does not hold the prescriber role at South." in refused.text
    assert rows(sessions, StaffRota) == before


def test_an_absence_is_added_listed_and_removed(client_for, sessions, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    with sessions() as db:
        nurse_id = staff.by_email(db, clinic.users[Role.NURSE]).id
    url = site_url(clinic.north_site_id, "absences")
    form = {"absentee": str(nurse_id), "first_on": "2099-03-02", "last_on": "2099-03-06"}
    added = admin.post_form(url, {**form, "note": "Leave"})
    assert added.status_code == 303
    assert "Mon 02 Mar 2099" in admin.get(added.headers["location"]).text
    with sessions() as db:
        absence_id = db.scalars(select(StaffAbsence.id)).one()
    assert admin.post_form(f"{url}/{absence_id}/remove", {}).status_code == 303
    assert rows(sessions, StaffAbsence) == 0


def test_a_refused_absence_is_redrawn_on_the_absence_forms_own_fields(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    with sessions() as db:
        nurse_id = str(staff.by_email(db, clinic.users[Role.NURSE]).id)
    url = site_url(clinic.north_site_id, "absences")
    backwards = {"absentee": nurse_id, "first_on": "2099-03-06", "last_on": "2099-03-02"}
    refused = admin.post_form(url, backwards)
    assert refused.status_code == 422
    assert "The last day cannot be before 2099-03-06." in refused.text
    nobody = admin.post_form(url, {**backwards, "absentee": "", "last_on": "2099-03-06"})
    assert nobody.status_code == 422
    assert '<a href="#f-absentee">Staff user</a>: Choose a staff user' in nobody.text
    assert rows(sessions, StaffAbsence) == 0


def test_removing_something_that_is_not_there_is_not_found(client_for, clinic: Clinic):
    admin = client_for(Role.ADMIN)
    for tail in (
        "closures/9999/remove",
        "rota/9999/remove",
        "absences/9999/remove",
        "rooms/1/remove",
    ):
        assert admin.post_form(site_url(clinic.north_site_id, tail), {}).status_code == 404


def test_the_rota_warns_of_an_open_day_without_a_nurse(client_for, clinic: Clinic, sessions):
    admin = client_for(Role.ADMIN)
    form = week_form(d5=("09:00", "13:00"), d0=tuple(t.strftime("%H:%M") for t in WORKING_DAY))
    admin.post_form(site_url(clinic.south_site_id, "hours"), form)
    page = admin.get(PAGE, params={"site_id": clinic.south_site_id})
    assert page.text.count("No nurse on the rota") == 1  # Saturday; Monday has the South nurse
