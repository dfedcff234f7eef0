"""``ketacare init``: create the database, the organization, its first site and the first admin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ketacare.cli.runtime import database, out, read_password, system_actor
from ketacare.core.errors import Conflict
from ketacare.db.engine import transaction
from ketacare.services import setup


def init(
    admin_email: Annotated[str, typer.Option(help="The first admin's email, to sign in with.")],
    password_file: Annotated[
        Path | None, typer.Option(help="Read the admin's password from this file, not a prompt.")
    ] = None,
    organization: Annotated[str, typer.Option(help="The organization's name.")] = "My clinic",
    site: Annotated[str, typer.Option(help="The first site's name.")] = "Main",
    site_code: Annotated[str, typer.Option(help="A short code for the site.")] = "MAIN",
    timezone: Annotated[str, typer.Option(help="The site's time zone.")] = "UTC",
    admin_name: Annotated[str, typer.Option(help="The admin's full name.")] = "Administrator",
) -> None:
    """Set up a new installation. Runs once: refuses when an organization already exists."""
    with database(migrate=True) as db:
        with transaction(db.sessions) as session:
            found = setup.existing_organization(session)
        if found is not None:  # ask nothing when the answer would be thrown away
            raise Conflict(
                f"This database already holds the organization {found.name!r}; "
                "init runs only once. Add staff with: ketacare user add"
            )
        password = read_password(password_file, f"Password for {admin_email}")
        first = setup.FirstRun(
            organization, site, site_code, timezone, admin_email, admin_name, password
        )
        with transaction(db.sessions) as session:
            admin = setup.initialize(session, system_actor(), first)
    out.print(f"[green]Created {escape(organization)}[/] with the site {escape(site)}.")
    out.print(f"The admin {escape(admin.email)} can sign in after: ketacare serve")
