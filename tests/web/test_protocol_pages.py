"""The protocol pages: the list with what still needs the clinic's settings, a protocol's values
with their sources or clinic notes, the edit form's round trip, copying, and who may change."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, ProtocolVersion

IV = "iv_ketamine_depression"


class FormFields(HTMLParser):
    """The values a browser would post from a page's forms: inputs, selected options, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in found:
            self.values[found["name"]] = found.get("value", "")
        elif tag == "select":
            self._select = found["name"]
        elif (
            tag == "option"
            and self._select
            and ("selected" in found or self._select not in self.values)
        ):
            self.values[self._select] = found["value"]
        elif tag == "textarea":
            self._textarea = found["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("select", "textarea"):
            self._select = self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.values


def versions_of(sessions: sessionmaker[Session], code: str) -> list[int]:
    with sessions() as db:
        query = select(ProtocolVersion.version).where(ProtocolVersion.code == code)
        return sorted(db.scalars(query))


def test_the_list_shows_each_protocol_and_what_the_clinic_must_still_set(client_for):
    page = client_for(Role.NURSE).get("/protocols")
    assert page.status_code == 200
    assert "Esketamine nasal spray (SPRAVATO)" in page.text
    assert "IV ketamine for chronic pain" in page.text
    row = page.text.split("IM ketamine for depression")[1].split("</tr>")[0]
    assert "needs clinic settings" in row
    assert "dose default, dose min, dose max, dose cap" in row


def test_a_protocol_shows_sourced_values_and_clinic_settings_apart(client_for):
    page = client_for(Role.NURSE).get("/protocols/esketamine_nasal")
    assert page.status_code == 200
    assert "§3.5: at least 2 hours [SPR-PI2019] [SPR-HCP]" in page.text  # a sourced value
    assert "48 h is a clinic choice" in page.text  # a clinic setting's note
    assert page.text.count('badge-booked">source') > 5
    assert page.text.count('badge-arrived">clinic setting') > 5
    assert "Shipped with ketacare" in page.text  # the version history
    assert "Change values" not in page.text  # nurses read, prescribers change


def test_the_edit_form_round_trip_saves_only_what_changed(client_for, sessions):
    prescriber = client_for(Role.PRESCRIBER)
    form = prescriber.get(f"/protocols/{IV}/edit")
    assert form.status_code == 200
    assert "Source: [SINGH] [DUNLOP]" in form.text
    values = form_fields(form.text)
    assert values["dose.default"] == "0.5"
    values |= {"dose.default": "0.6", "change_note": "Clinic policy 2026"}
    saved = prescriber.post(f"/protocols/{IV}/edit", data=values)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/protocols/{IV}?saved=2"
    page = prescriber.get(saved.headers["location"]).text
    assert "Version 2 saved." in page
    assert "set by the clinic in version 2; departs from 0.5 mg/kg ([SINGH] [DUNLOP])" in page
    with sessions() as db:
        query = select(AuditEvent).where(AuditEvent.entity == "protocol_version")
        event = db.scalars(query.where(AuditEvent.action == "update")).one()
        assert json.loads(event.detail)["changed"] == {"dose.default": ["0.5", "0.6"]}


def test_an_earlier_version_is_shown_as_it_was(client_for):
    prescriber = client_for(Role.PRESCRIBER)
    prescriber.post_form(
        f"/protocols/{IV}/edit", {"min_interval_hours": "72", "change_note": "Longer gap"}
    )
    first = prescriber.get(f"/protocols/{IV}/versions/1").text
    assert "This is version 1, kept exactly as it was saved." in first
    assert "§1.2 software rule example (&gt;= 48 h), configurable" in first
    assert f'href="/protocols/{IV}/versions/1"' in prescriber.get(f"/protocols/{IV}").text
    assert prescriber.get(f"/protocols/{IV}/versions/9").status_code == 404


def test_a_refused_form_shows_its_messages_and_saves_nothing(client_for, sessions):
    prescriber = client_for(Role.PRESCRIBER)
    refused = prescriber.post_form(
        f"/protocols/{IV}/edit",
        {"dose.default": "1.5", "min_observation_min": "soon", "change_note": ""},
    )
    assert refused.status_code == 422
    assert "The usual dose (1.5 mg/kg) is above the maximum (1.0 mg/kg)." in refused.text
    assert "Enter a whole number." in refused.text
    assert "Say what changed and why" in refused.text
    assert 'value="soon"' in refused.text  # what was typed is kept
    assert versions_of(sessions, IV) == [1]


def test_a_nurse_may_not_open_or_post_the_edit_form(client_for, sessions):
    nurse = client_for(Role.NURSE)
    assert nurse.get(f"/protocols/{IV}/edit").status_code == 403
    posted = nurse.post_form(f"/protocols/{IV}/edit", {"dose.default": "0.6", "change_note": "x"})
    assert posted.status_code == 403
    assert versions_of(sessions, IV) == []  # turned away before anything was read


def test_a_copy_opens_its_edit_page_and_keeps_its_shipped_root(client_for, sessions):
    prescriber = client_for(Role.PRESCRIBER)
    copied = prescriber.post_form(
        f"/protocols/{IV}/copy",
        {"code": "iv_ketamine_clinic", "name": "IV ketamine (clinic)", "change_note": "Ours"},
    )
    assert copied.status_code == 303
    assert copied.headers["location"] == f"/protocols/iv_ketamine_clinic/edit?copied={IV}"
    assert "Copied from" in prescriber.get(copied.headers["location"]).text
    page = prescriber.get("/protocols/iv_ketamine_clinic").text
    assert f'Based on</span> <a href="/protocols/{IV}">{IV}</a>' in page
    assert versions_of(sessions, "iv_ketamine_clinic") == [1]


def test_a_refused_copy_shows_why_on_the_protocol_page(client_for, sessions):
    refused = client_for(Role.PRESCRIBER).post_form(
        f"/protocols/{IV}/copy", {"code": "esketamine_nasal", "name": "", "change_note": ""}
    )
    assert refused.status_code == 422
    assert "There is already a protocol esketamine_nasal" in refused.text
    assert "Name the copy" in refused.text
    assert versions_of(sessions, "esketamine_nasal") == [1]  # the shipped one alone


def test_an_unknown_protocol_is_a_404(client_for):
    assert client_for(Role.NURSE).get("/protocols/no_such_thing").status_code == 404
