"""The composition root: builds the FastAPI app from settings and an engine."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from ketacare.db.engine import make_engine, session_factory
from ketacare.services import alert_sweeps, jobs, live, live_postgres, monitor_feed, reminders
from ketacare.settings import Settings, get_settings
from ketacare.web import errors
from ketacare.web.logs import keep_queries_out_of_access_log
from ketacare.web.routers import ALL as ROUTERS
from ketacare.web.templating import STATIC_DIR

log = logging.getLogger("ketacare.web")


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """An app bound to ``engine`` (default: from settings). Checks the secret key at start."""
    settings = settings or get_settings()
    settings.resolved_secret_key  # noqa: B018  (refuse to start with a placeholder secret)
    engine = engine or make_engine(
        settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    app = FastAPI(
        title="ketacare",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the JSON document is enough
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.broker = live.Broker(_relay(engine))
    app.state.live_listening = threading.Event()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    keep_queries_out_of_access_log()
    _include_routers(app)
    return app


def _relay(engine: Engine) -> live.Relay | None:
    """On PostgreSQL, alert events also reach the other server processes (NOTIFY)."""
    return live_postgres.PostgresRelay(engine) if _on_postgres(engine) else None


def _on_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Everything that runs beside the pages while the app serves."""
    async with AsyncExitStack() as running:
        await running.enter_async_context(_job_worker(app))
        await running.enter_async_context(_live_alerts(app))
        await running.enter_async_context(_monitor_feed(app))  # stops before the broker closes
        yield


@asynccontextmanager
async def _monitor_feed(app: FastAPI) -> AsyncIterator[None]:
    """Listen for bedside monitors over MLLP (KETACARE_MLLP_HOST/PORT; port 0 turns it off, and
    tests start their own), their alerts going to this app's pages through its broker."""
    settings = app.state.settings
    if not settings.runs_mllp_listener:
        yield
        return
    async with monitor_feed.running(app.state.sessions, app.state.broker, settings):
        yield


@asynccontextmanager
async def _live_alerts(app: FastAPI) -> AsyncIterator[None]:
    """Live alerts: on PostgreSQL, LISTEN for other processes' alert events; and sweep for
    alerts to escalate and monitors gone silent (KETACARE_ALERT_SWEEP_SECONDS)."""
    broker: live.Broker = app.state.broker
    tasks = []
    if _on_postgres(app.state.engine):
        url = app.state.engine.url.render_as_string(hide_password=False)
        listening = app.state.live_listening  # set while other processes' events can arrive
        tasks.append(asyncio.create_task(live_postgres.listen(broker, url, listening)))
    every_s = app.state.settings.resolved_alert_sweep_seconds
    if every_s:
        tasks.append(asyncio.create_task(alert_sweeps.run(app.state.sessions, broker, every_s)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(broker.close)


@asynccontextmanager
async def _job_worker(app: FastAPI) -> AsyncIterator[None]:
    """Run the background job worker (appointment e-mails) while the app serves, when the
    settings ask for it (KETACARE_JOBS_WORKER; on by default outside tests)."""
    if not app.state.settings.runs_jobs_worker:
        yield
        return
    if not app.state.settings.email_enabled:
        # Every job is an e-mail: left pending, they go out once e-mail is configured (a stale
        # one is dropped at send time), instead of failing now and filling the log.
        log.info("e-mail is off (KETACARE_SMTP_HOST is empty): appointment e-mails stay queued")
        yield
        return
    worker = jobs.Worker(app.state.sessions, reminders.HANDLERS, app.state.settings)
    app.state.job_worker = worker
    worker.start()
    try:
        yield
    finally:
        await asyncio.to_thread(worker.stop)  # waits for the job in hand without blocking


def _include_routers(app: FastAPI) -> None:
    """Each area's pages and API routes; every route declares its guard (see ``deps``)."""
    for router in ROUTERS:
        app.include_router(router)
