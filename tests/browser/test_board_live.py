"""The treatment board in Chromium: an alert stored and published appears on the open board within
a second, the chair is marked, and the nurse acknowledges it from the row live.js drew. The limit
is the test clinic's own (clinical-reference §4.2 gives none)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import VitalAlert
from ketacare.services import live
from ketacare.settings import Settings
from ketacare.web.app import create_app
from tests.browser.conftest import TIMEOUT_MS, sign_in_as
from tests.factories import Clinic
from tests.services.alerting import measure
from tests.services.monitoring import set_limits, treatment_in_chair
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def board(
    app: FastAPI, browser: Browser, sessions: sessionmaker[Session], clinic: Clinic
) -> Iterator[Page]:
    with live_server(app) as url:
        context = browser.new_context(base_url=url)
        context.set_default_timeout(TIMEOUT_MS)
        sign_in_as(context, url, sessions, clinic.users[Role.NURSE])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/board")
        expect(page.locator("[data-live-status]")).to_have_text("live")
        yield page
        context.close()
        assert errors == []  # live.js ran without a script error


def test_an_alert_appears_on_the_open_board_and_is_acknowledged_from_it(
    app: FastAPI, board: Page, sessions: sessionmaker[Session], clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id)
    set_limits(sessions, clinic, {"spo2_percent.act.low": "92"})
    board.reload()
    expect(board.locator("[data-live-status]")).to_have_text("live")
    [alert] = measure(sessions, chair, datetime.now(UTC), spo2_percent="85")
    live.publish(app.state.broker, [alert])
    row = board.locator(f'[data-live-alerts] [data-alert-id="{alert.id}"]')
    expect(row).to_contain_text("SpO2 85 % is below the act limit of 92 %.", timeout=1000)
    expect(row).to_contain_text("Chair 1")
    card = board.locator(f'[data-treatment-id="{chair.treatment_id}"]')
    expect(card).to_have_class(re.compile(r"\balert-act\b"))
    row.locator("select[name=action]").select_option("pause_infusion")
    with board.expect_navigation():
        row.get_by_role("button", name="Acknowledge").click()
    expect(board.locator(f'[data-alert-id="{alert.id}"]')).to_have_count(0)
    with sessions() as db:
        stored = db.get(VitalAlert, alert.id)
        assert stored is not None
        assert stored.action == "Infusion paused"
