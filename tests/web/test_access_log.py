"""The server's access log never carries a query string, where a patient's name could be typed.

The server runs with uvicorn's own default logging, as ``ketacare serve`` starts it.
"""

from __future__ import annotations

import httpx2 as httpx
import pytest
from sqlalchemy.engine import Engine
from uvicorn.config import LOGGING_CONFIG

from ketacare.settings import Settings
from ketacare.web.app import create_app
from tests.support.live_server import live_server


def test_access_log_lines_drop_the_query_string(
    settings: Settings, engine: Engine, capfd: pytest.CaptureFixture[str]
):
    with live_server(create_app(settings, engine), log_config=LOGGING_CONFIG) as base:
        response = httpx.get(f"{base}/patients/search?q=Lovelace&on=1985-12-10")
        assert response.status_code < 500  # signed in or not, the request line is logged
    captured = capfd.readouterr()
    written = captured.out + captured.err
    assert '"GET /patients/search HTTP/1.1"' in written
    assert "Lovelace" not in written
    assert "1985-12-10" not in written
