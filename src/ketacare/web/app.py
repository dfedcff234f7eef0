"""The composition root: builds the FastAPI app from settings and an engine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from ketacare.db.engine import make_engine, session_factory
from ketacare.services import jobs, reminders
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
        lifespan=_job_worker,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    keep_queries_out_of_access_log()
    _include_routers(app)
    return app


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
