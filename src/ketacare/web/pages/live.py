"""Live alerts for open staff pages: one server-sent events stream per site.

``GET /live/alerts?site=<id>`` sends an ``alert`` event for every alert raised, acknowledged or
escalated at the site, its data the alert as the board shows it (``services.alert_feed``) with
what changed. A new alert's event carries ``id:``, the highest alert id the page has been sent,
so a browser that reconnects sends ``Last-Event-ID`` and first receives what it missed, read from
the alerts table (``?after=<id>`` does the same for a first connection). Changes to older alerts
carry no id, so they never move a page's place. A comment every few seconds keeps proxies from
closing the stream, and the stream ends after a few minutes: the browser reconnects at once,
which checks the sign-in and the viewer's roles again.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from ketacare.core.enums import Role
from ketacare.core.permissions import Action
from ketacare.db.engine import read_only_transaction
from ketacare.services import alert_feed
from ketacare.services.alert_feed import LiveAlert
from ketacare.services.live import AlertEvent, Broker, Change, Subscription
from ketacare.web.deps import Viewer, get_db, requires

router = APIRouter(include_in_schema=False)  # an event stream for pages, not an API

KEEP_ALIVE_S = 10.0
STREAM_MAX_S = 300.0
RETRY_MS = 1000  # how soon the browser reconnects after the stream ends


@router.get("/live/alerts")
async def alert_stream(
    request: Request,
    site: int,
    after: int | None = None,
    viewer: Viewer = Depends(requires(Action.READ_TREATMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> StreamingResponse:
    """The site's alert events; subscribed before the catch-up read, so none falls between."""
    broker: Broker = request.app.state.broker
    subscription = broker.subscribe(site)
    try:
        last_seen = _last_seen(request.headers.get("last-event-id"), after)
        last_id, missed = await run_in_threadpool(_open, db, viewer, site, last_seen)
    except BaseException:
        subscription.close()
        raise
    prescriber = Role.PRESCRIBER in viewer.principal.grants.get(site, frozenset())
    stream = _events(request.app.state.sessions, subscription, last_id, missed, prescriber)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


def _last_seen(header: str | None, after: int | None) -> int | None:
    """The alert id the page has seen last: the reconnecting browser's header, else ``after``."""
    if header is not None and header.strip().isdigit():
        return int(header)
    return None if after is None else max(0, after)


def _open(
    db: Session, viewer: Viewer, site_id: int, last_seen: int | None
) -> tuple[int, list[LiveAlert]]:
    """Check the site and read what the page missed (audited); then end the request's
    transaction, which would otherwise stay open for as long as the stream."""
    alert_feed.check_site(db, viewer.actor, site_id)
    if last_seen is None:
        start, missed = alert_feed.newest_alert_id(db, site_id), []
    else:
        missed = alert_feed.alerts_after(db, viewer.actor, site_id, last_seen)
        start = max([last_seen, *(view.alert.id for view in missed)])
    db.commit()
    return start, missed


async def _events(
    sessions: sessionmaker[Session],
    subscription: Subscription,
    last_id: int,
    missed: Sequence[LiveAlert],
    prescriber: bool,
) -> AsyncIterator[str]:
    """The stream: the missed alerts, then each change as it comes, keep-alives in between."""
    place = _Place(last_id)
    with subscription:
        yield f"retry: {RETRY_MS}\n\n"
        for view in missed:
            yield place.event(view, "raised", prescriber)
        ends = time.monotonic() + STREAM_MAX_S
        while time.monotonic() < ends:
            events, dropped = await subscription.next_batch(KEEP_ALIVE_S)
            if not events and not dropped:
                yield ": keep-alive\n\n"
                continue
            changes = await run_in_threadpool(
                _reread, sessions, subscription.site_id, events, dropped, place.last_id
            )
            for change, view in changes:
                if not place.already_sent(view, change):
                    yield place.event(view, change, prescriber)


class _Place:
    """Where the page stands: the highest alert id it has been sent (what ``id:`` tells the
    browser, so an alert committed out of id order never moves it back) and which new alerts it
    has, so one arriving both by catch-up and by event is sent once."""

    def __init__(self, last_id: int) -> None:
        self.last_id = last_id
        self._raised: set[int] = set()

    def already_sent(self, view: LiveAlert, change: Change) -> bool:
        return change == "raised" and view.alert.id in self._raised

    def event(self, view: LiveAlert, change: Change, prescriber: bool) -> str:
        """One ``alert`` event; only a new alert's event carries ``id:``."""
        data = view.as_json() | {"change": change, "to_you": prescriber and change == "escalated"}
        lines = ["event: alert"]
        if change == "raised":
            self._raised.add(view.alert.id)
            self.last_id = max(self.last_id, view.alert.id)
            lines.append(f"id: {self.last_id}")
        lines.append("data: " + json.dumps(data, separators=(",", ":")))
        return "\n".join(lines) + "\n\n"


def _reread(
    sessions: sessionmaker[Session],
    site_id: int,
    events: Sequence[AlertEvent],
    dropped: bool,
    last_id: int,
) -> list[tuple[Change, LiveAlert]]:
    """The rows behind ``events`` as they are now, and every newer alert when some events were
    dropped (the table is the source of truth)."""
    with read_only_transaction(sessions) as db:
        views = {v.alert.id: v for v in alert_feed.alerts_by_id(db, site_id, _ids(events))}
        changes: list[tuple[Change, LiveAlert]] = [
            (e.change, views[e.alert_id]) for e in events if e.alert_id in views
        ]
        if dropped:
            sent = {view.alert.id for change, view in changes if change == "raised"}
            newer = alert_feed.alerts_newer(db, site_id, last_id)
            changes += [("raised", view) for view in newer if view.alert.id not in sent]
    return changes


def _ids(events: Sequence[AlertEvent]) -> set[int]:
    return {e.alert_id for e in events}
