"""Jinja2 set-up shared by every page: templates, static URLs and common context."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ketacare import __version__

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["version"] = __version__

_SOURCE_KEY = re.compile(r"\s*\[[A-Z0-9][A-Z0-9\-.]*\]")


def without_source_keys(text: str) -> str:
    """Drop reference keys such as ``[PFIZER-2010]``: staff pages cite them, patients need not."""
    return re.sub(r"\.\.+", ".", _SOURCE_KEY.sub("", text))  # "Inc. [KEY]." must not end "Inc.."


templates.env.filters["without_source_keys"] = without_source_keys


def at_site(instant: datetime, zone: str) -> str:
    """An instant on the site's own clock with the zone's abbreviation: ``2026-11-24 09:15 EST``."""
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


templates.env.filters["at_site"] = at_site


def day_name(iso_day: str) -> str:
    """The weekday of a typed ISO date ("Thursday"), or "" while the date is not valid."""
    try:
        return date.fromisoformat(iso_day).strftime("%A")
    except ValueError:
        return ""


templates.env.filters["day_name"] = day_name


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the viewer and CSRF token available to every template."""
    viewer = getattr(request.state, "viewer", None)
    full: dict[str, Any] = {
        "viewer": viewer,
        "csrf_token": viewer.csrf_token if viewer else getattr(request.state, "pre_csrf", ""),
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
