"""``ketacare serve``: migrate the database, then run the web app under uvicorn, with the MLLP
listener for bedside monitors beside it (``web/app.py`` starts it in the app's lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Annotated

import typer
import uvicorn

from ketacare.cli.runtime import out, run_async, upgrade_database
from ketacare.db.engine import make_engine, session_factory
from ketacare.services import monitor_streams
from ketacare.settings import Settings, get_settings

# The app is built by uvicorn from this import path: the CLI and the web app never import each
# other, and create_app() reads the same settings the command checked.
APP_FACTORY = "ketacare.web.app:create_app"
SIMULATED_RATE_PER_S = 0.5  # the demo's simulated monitors: a message every two seconds a chair


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on \\[default: KETACARE_HOST].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on \\[default: KETACARE_PORT].", min=1)
    ] = None,
    mllp_port: Annotated[
        int | None,
        typer.Option(
            help="Port bedside monitors send HL7 v2 over MLLP to; 0 turns the listener off "
            "\\[default: KETACARE_MLLP_PORT, 2575].",
            min=0,
            max=65535,
        ),
    ] = None,
) -> None:
    """Run the web app and the monitor listener, upgrading the database first. Refuses a missing
    or placeholder secret."""
    settings = get_settings()
    if mllp_port is not None:
        settings = hand_over(settings, {"KETACARE_MLLP_PORT": str(mllp_port)})
    run_server(settings, host or settings.host, port or settings.port)


def hand_over(settings: Settings, variables: dict[str, str]) -> Settings:
    """uvicorn builds the app from its import path and create_app() reads the environment, so a
    command hands its choices over the way any deployment does: through KETACARE_* variables."""
    os.environ.update(variables)
    get_settings.cache_clear()
    return get_settings()


def run_server(settings: Settings, host: str, port: int, *, simulate: bool = False) -> None:
    """Check the secret, migrate, and serve until interrupted; ``simulate`` also streams the
    simulated monitors to the listener (``ketacare demo``)."""
    settings.resolved_secret_key  # noqa: B018  (raises ConfigurationError before anything starts)
    upgrade_database(settings)
    out.print(f"ketacare is serving at [bold]http://{host}:{port}/[/]  (Ctrl+C stops it)")
    _say_where_monitors_connect(settings)
    # The app drops query strings (where search text lives) from access-log lines.
    config = uvicorn.Config(APP_FACTORY, factory=True, host=host, port=port)
    if not (simulate and settings.runs_mllp_listener):
        uvicorn.Server(config).run()
        return
    out.print("Simulated monitors stream vital signs for every treatment in dosing or observation.")
    run_async(_serve_with_monitors(uvicorn.Server(config), settings))


def _say_where_monitors_connect(settings: Settings) -> None:
    if not settings.runs_mllp_listener:
        out.print("The monitor listener is off (KETACARE_MLLP_PORT=0).")
        return
    durability = (
        f"; SQLite synchronous={settings.sqlite_synchronous}"
        if settings.resolved_database_url.startswith("sqlite")
        else ""
    )
    out.print(
        f"Monitors send HL7 v2 over MLLP to [bold]{settings.mllp_host}:{settings.mllp_port}[/]"
        f" (acknowledged once stored{durability})."
    )


async def _serve_with_monitors(server: uvicorn.Server, settings: Settings) -> None:
    """uvicorn and the simulated monitors on one event loop; the monitors stop with the server."""
    engine = make_engine(settings.resolved_database_url)
    monitors = asyncio.create_task(
        monitor_streams.simulate(
            session_factory(engine),
            settings.mllp_host,
            settings.mllp_port,
            {},
            rate_per_s=SIMULATED_RATE_PER_S,
        )
    )
    try:
        await server.serve()
    finally:
        monitors.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await monitors
        engine.dispose()
