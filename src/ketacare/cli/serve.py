"""``ketacare serve``: migrate the database, then run the web app under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from ketacare.cli.runtime import out, upgrade_database
from ketacare.settings import Settings, get_settings

# The app is built by uvicorn from this import path: the CLI and the web app never import each
# other, and create_app() reads the same settings the command checked.
APP_FACTORY = "ketacare.web.app:create_app"


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: KETACARE_HOST].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: KETACARE_PORT].", min=1)
    ] = None,
) -> None:
    """Run the web app, upgrading the database first. Refuses a missing or placeholder secret."""
    settings = get_settings()
    run_server(settings, host or settings.host, port or settings.port)


def run_server(settings: Settings, host: str, port: int) -> None:
    """Check the secret, migrate, and serve until interrupted."""
    settings.resolved_secret_key  # noqa: B018  (raises ConfigurationError before anything starts)
    upgrade_database(settings)
    out.print(f"ketacare is serving at [bold]http://{host}:{port}/[/]  (Ctrl+C stops it)")
    # The app drops query strings (where search text lives) from access-log lines.
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port)
