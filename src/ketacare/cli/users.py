"""``ketacare user``: add, list and disable staff accounts, and set a forgotten password."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ketacare.cli.runtime import database, out, read_password, system_actor
from ketacare.core.enums import Role
from ketacare.core.errors import ValidationFailed
from ketacare.db.engine import transaction
from ketacare.services import auth, clinic, setup, staff

app = typer.Typer(help="Staff accounts: add, list and disable them.")


def parse_role(text: str) -> tuple[Role, str | None]:
    """``nurse`` or ``nurse:N`` (role at the site coded N) → (Role.NURSE, "N")."""
    name, _, code = text.partition(":")
    try:
        role = Role(name.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationFailed({"role": f"Unknown role {name!r}; choose from {choices}."}) from None
    return role, code.strip() or None


@app.command()
def add(
    email: Annotated[str, typer.Argument(help="The staff user's email; they sign in with it.")],
    name: Annotated[str, typer.Option("--name", help="Full name, as colleagues see it.")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="ROLE or ROLE:SITECODE; repeat for more. Without a code: at every site.",
        ),
    ],
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file, not a prompt.")
    ] = None,
) -> None:
    """Add a staff user with one or more roles."""
    wanted = [parse_role(text) for text in role]
    with database() as db:
        password = read_password(password_file, f"Password for {email}")
        with transaction(db.sessions) as session:
            org = clinic.the_organization(session)
            grants = setup.grants_for(session, org.id, wanted)
            user = staff.add(session, system_actor(), org.id, email, name, password, grants)
    out.print(f"[green]Added {escape(user.email)}[/] ({', '.join(sorted(set(role)))}).")


@app.command("list")
def list_users() -> None:
    """List every staff user with their roles per site."""
    table = Table()
    table.add_column("Email", no_wrap=True)  # never cut short: it is what `user disable` takes
    table.add_column("Name")
    table.add_column("Roles", no_wrap=True)
    table.add_column("Active")
    table.add_column("MFA")
    with database() as db, transaction(db.sessions) as session:
        org = clinic.the_organization(session)
        codes = {site.id: site.code for site in clinic.sites_of(session, org.id)}
        for user in staff.list_all(session, system_actor(), org.id):
            grants = staff.principal_for(session, user).grants
            roles = sorted(f"{r.value}@{codes[s]}" for s, rs in grants.items() for r in rs)
            table.add_row(
                escape(user.email),
                escape(user.full_name),
                "\n".join(roles) or "none",
                "yes" if user.active else "[red]disabled[/]",
                "on" if user.totp_enabled else "off",
            )
    out.print(table)


@app.command()
def disable(email: Annotated[str, typer.Argument(help="The staff user's email.")]) -> None:
    """Disable an account; its login sessions stop working at their next request."""
    with database() as db, transaction(db.sessions) as session:
        user = staff.by_email(session, email)
        staff.set_active(session, system_actor(), user, False)
    out.print(f"Disabled {escape(user.email)}.")


@app.command("set-password")
def set_password(
    email: Annotated[str, typer.Argument(help="The staff user's email.")],
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file, not a prompt.")
    ] = None,
) -> None:
    """Set a new password for someone who forgot theirs (also lifts a lockout)."""
    with database() as db:
        password = read_password(password_file, f"New password for {email}")
        with transaction(db.sessions) as session:
            user = staff.by_email(session, email)
            auth.reset_password(session, system_actor(), user, password)
    out.print(f"Set a new password for {escape(user.email)}; their sign-ins were ended.")
