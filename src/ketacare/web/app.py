"""The composition root: builds the FastAPI app from settings and an engine."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from ketacare.db.engine import make_engine, session_factory
from ketacare.settings import Settings, get_settings
from ketacare.web import errors
from ketacare.web.logs import keep_queries_out_of_access_log
from ketacare.web.routers import ALL as ROUTERS
from ketacare.web.templating import STATIC_DIR


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
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    keep_queries_out_of_access_log()
    _include_routers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    """Each area's pages and API routes; every route declares its guard (see ``deps``)."""
    for router in ROUTERS:
        app.include_router(router)
