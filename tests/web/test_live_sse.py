"""The live alert stream over a real socket: the app under uvicorn, a real HTTP client reading
server-sent events. An alert stored and published reaches a subscribed page within one second; a
page that reconnects with Last-Event-ID first receives what it missed from the alerts table; on
PostgreSQL an event sent by another process's broker (NOTIFY) reaches this one's pages.
Limits are the test clinic's own (ketacare ships none, clinical-reference §4.2)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, VitalAlert
from ketacare.services import live, live_postgres
from ketacare.settings import Settings
from ketacare.web import csrf
from ketacare.web.app import create_app
from ketacare.web.deps import SESSION_COOKIE
from tests.conftest import TEST_SECRET, USE_POSTGRES, sign_in_directly
from tests.factories import Clinic
from tests.services.alerting import measure
from tests.services.monitoring import InChair, set_limits, treatment_in_chair
from tests.support.live_server import live_server

AT = datetime.now(UTC)
LIMITS = {"spo2_percent.act.low": "92", "hr_bpm.act.high": "119"}
READ_S = 5.0  # a stream that stays silent this long has failed (keep-alives come every 10 s)


class Events:
    """Server-sent events read off an open stream, one at a time."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.iter_lines()

    def next(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for line in self._lines:
            if not line:
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                continue  # a keep-alive comment
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        raise AssertionError("the stream ended")

    def next_alert(self) -> dict[str, str]:
        while (event := self.next()).get("event") != "alert":
            pass
        return event


@pytest.fixture
def chair(sessions: sessionmaker[Session], clinic: Clinic) -> InChair:
    made = treatment_in_chair(sessions, clinic.north_site_id)
    set_limits(sessions, clinic, LIMITS)
    return made


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def base(app: FastAPI) -> Iterator[str]:
    with live_server(app) as url:
        yield url


def signed_in(sessions: sessionmaker[Session], base: str, email: str) -> httpx.Client:
    token = sign_in_directly(sessions, email)
    client = httpx.Client(base_url=base, timeout=READ_S, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, token)
    client.headers[csrf.HEADER] = csrf.token_for(TEST_SECRET, token)
    return client


@contextmanager
def stream(
    sessions: sessionmaker[Session], base: str, site_id: int, email: str, **headers: str
) -> Iterator[Events]:
    """An open alert stream, read up to its first message (so it is subscribed)."""
    with signed_in(sessions, base, email) as client:
        url = f"/live/alerts?site={site_id}"
        with client.stream("GET", url, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = Events(response)
            assert events.next() == {"retry": "1000"}
            yield events


def test_an_alert_reaches_a_subscribed_page_within_one_second_of_the_reading_being_stored(
    app: FastAPI, base: str, sessions, clinic: Clinic, chair: InChair
):
    with stream(sessions, base, chair.site_id, clinic.users[Role.NURSE]) as events:
        started = time.monotonic()
        alerts = measure(sessions, chair, AT, spo2_percent="85")
        live.publish(app.state.broker, alerts)
        event = events.next_alert()
        elapsed_s = time.monotonic() - started
    assert elapsed_s < 1.0
    data = json.loads(event["data"])
    assert event["id"] == str(alerts[0].id)
    assert (data["id"], data["change"], data["level"], data["vital"], data["value"]) == (
        alerts[0].id,
        "raised",
        "act",
        "spo2_percent",
        "85",
    )
    assert (data["chair"], data["patient"], data["treatment_id"]) == (
        "Chair 1",
        "Ada L.",
        chair.treatment_id,
    )
    assert "Lovelace" not in event["data"]
    assert "MRN" not in event["data"]


@pytest.mark.parametrize("how", ["header", "query"])
def test_a_page_that_reconnects_first_receives_the_alerts_it_missed(
    base: str, sessions, clinic: Clinic, chair: InChair, how: str
):
    [seen] = measure(sessions, chair, AT, spo2_percent="85")
    [missed] = measure(sessions, chair, AT + timedelta(seconds=5), hr_bpm="130")
    headers = {"Last-Event-ID": str(seen.id)} if how == "header" else {}
    with signed_in(sessions, base, clinic.users[Role.NURSE]) as client:
        url = f"/live/alerts?site={chair.site_id}" + (f"&after={seen.id}" if how == "query" else "")
        with client.stream("GET", url, headers=headers) as response:
            event = Events(response).next_alert()
    assert event["id"] == str(missed.id)
    assert json.loads(event["data"])["vital"] == "hr_bpm"
    with sessions() as db:
        reads = db.scalars(select(AuditEvent).where(AuditEvent.entity == "vital_alert")).all()
    assert any(json.loads(r.detail).get("alert_ids") == [missed.id] for r in reads)


def test_an_acknowledgement_reaches_open_pages_without_moving_their_place(
    base: str, sessions, clinic: Clinic, chair: InChair
):
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    with stream(sessions, base, chair.site_id, clinic.users[Role.PRESCRIBER]) as events:
        with signed_in(sessions, base, clinic.users[Role.NURSE]) as nurse:
            answer = nurse.post(
                f"/alerts/{alert.id}/acknowledge",
                data={"action": "remeasured", "next": "/board"},
            )
            assert answer.status_code == 303
        event = events.next_alert()
    data = json.loads(event["data"])
    assert "id" not in event
    assert (data["id"], data["change"], data["action"]) == (alert.id, "acknowledged", "Re-measured")


def test_a_viewer_without_treatments_at_the_site_gets_no_stream(
    app: FastAPI, base: str, sessions, clinic: Clinic, chair: InChair
):
    with signed_in(sessions, base, clinic.south_nurse_email) as client:
        assert client.get(f"/live/alerts?site={clinic.north_site_id}").status_code == 403
    with signed_in(sessions, base, clinic.users[Role.RESEARCHER]) as client:
        assert client.get(f"/live/alerts?site={clinic.north_site_id}").status_code == 403
    assert app.state.broker.subscribers(clinic.north_site_id) == 0


@pytest.mark.skipif(not USE_POSTGRES, reason="LISTEN/NOTIFY is PostgreSQL's")
def test_on_postgresql_an_alert_published_by_another_process_reaches_this_ones_pages(
    app: FastAPI, base: str, sessions, engine: Engine, clinic: Clinic, chair: InChair
):
    assert app.state.live_listening.wait(timeout=5)
    other = live.Broker(live_postgres.PostgresRelay(engine))  # another process's broker
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    try:
        with stream(sessions, base, chair.site_id, clinic.users[Role.NURSE]) as events:
            started = time.monotonic()
            live.publish(other, [alert])
            event = events.next_alert()
            elapsed_s = time.monotonic() - started
    finally:
        other.close()
    assert event["id"] == str(alert.id)
    assert elapsed_s < 1.0
    with sessions() as db:
        assert db.scalar(select(VitalAlert.id)) == alert.id
