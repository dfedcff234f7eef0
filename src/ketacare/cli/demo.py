"""``ketacare demo``: a synthetic clinic to click through, built on first run and then reused."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from ketacare.cli.progress import progress_bar
from ketacare.cli.runtime import Database, database, out, shown_url, system_actor
from ketacare.cli.serve import hand_over, run_server
from ketacare.db.engine import transaction
from ketacare.services import setup
from ketacare.settings import Settings, get_settings

DEMO_PATIENTS = 300
DEMO_DATABASE = "ketacare-demo.db"


def demo_settings(settings: Settings) -> Settings:
    """Demo mode (where the built-in demo secret is allowed) on ``<data_dir>/ketacare-demo.db``,
    unless KETACARE_DATABASE_URL names another database."""
    url = settings.database_url or f"sqlite:///{settings.data_dir / DEMO_DATABASE}"
    return settings.model_copy(update={"mode": "demo", "database_url": url})


def demo(
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the app once the data is ready.")
    ] = True,
    reset: Annotated[
        bool, typer.Option("--reset", help="Throw the demo data away and build it again.")
    ] = False,
) -> None:
    """Build (or reuse) a demo clinic full of synthetic patients, then serve it with simulated
    bedside monitors streaming vital signs for the treatments in progress."""
    settings = demo_settings(get_settings())
    if reset:
        with database(settings, require_current=False) as db:
            setup.reset_demo_database(db.engine)
    with database(settings, migrate=True) as db:
        _build_or_reuse(db)
    _show_sign_ins(settings)
    if serve:
        settings = _hand_over(settings)
        run_server(settings, settings.host, settings.port, simulate=True)


def _build_or_reuse(db: Database) -> None:
    where = shown_url(db.settings.resolved_database_url)
    with transaction(db.sessions) as session:
        built = setup.demo_exists(session)
    if built:
        out.print(f"Reusing the demo clinic in {where} (rebuild it with: ketacare demo --reset).")
        return
    with (
        transaction(db.sessions) as session,
        progress_bar("Building the demo clinic", DEMO_PATIENTS) as advance,
    ):
        summary = setup.build_demo_clinic(session, system_actor(), DEMO_PATIENTS, advance)
    out.print(
        f"Built the demo clinic in {where}: {summary.patients} patients, "
        f"{summary.appointments} appointments this week."
    )


def _show_sign_ins(settings: Settings) -> None:
    table = Table("Role", "Email", box=None, padding=(0, 2, 0, 0))
    for person in setup.demo_sign_ins():
        table.add_row(person.role.value, person.email)
    body = Group(
        f"Open [bold]http://{settings.host}:{settings.port}/[/] and sign in as:",
        "",
        table,
        "",
        f"Password (every account): [bold]{setup.DEMO_PASSWORD}[/]",
        "[dim]Synthetic data only. Never enter a real patient here.[/]",
    )
    out.print(Panel(body, title="ketacare demo", expand=False))


def _hand_over(settings: Settings) -> Settings:
    """Demo mode on the demo database, for the app uvicorn builds (``serve.hand_over``)."""
    url = settings.resolved_database_url
    return hand_over(settings, {"KETACARE_MODE": "demo", "KETACARE_DATABASE_URL": url})
