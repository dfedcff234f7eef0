"""Browser fixtures: Debian's Chromium driven by Playwright against the real app under uvicorn.

Playwright's own browser downloads are never used: the tests run the system's /usr/bin/chromium,
so CI installs one Debian package and nothing else. Each test gets its own database (see
``tests/conftest.py``), its own app server and its own browser context, so no cookies leak.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.settings import Settings
from ketacare.web.app import create_app
from ketacare.web.deps import SESSION_COOKIE
from tests.conftest import sign_in_directly, skip_or_fail
from tests.support.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # a page that takes longer than this on loopback is a failure, not slowness


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """The base URL of the real app, serving this test's database."""
    with live_server(create_app(settings, engine)) as url:
        yield url


@pytest.fixture
def context(browser: Browser, live_url: str) -> Iterator[BrowserContext]:
    opened = browser.new_context(base_url=live_url)
    opened.set_default_timeout(TIMEOUT_MS)
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in_as(
    context: BrowserContext, live_url: str, sessions: sessionmaker[Session], email: str
) -> None:
    """Give the browser a live login-session cookie (the sign-in form has its own test)."""
    token = sign_in_directly(sessions, email)
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": live_url}])
