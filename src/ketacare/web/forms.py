"""Reading browser form fields into typed values, with a message for each field that does not parse.

Pages draw these messages next to their inputs together with the service's own field messages, so a
person sees every problem with a form at once instead of fixing them one post at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.orm import Session

from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.patients import parse_decimal


async def form_of(request: Request) -> FormInput:
    """The posted fields; a repeated field (checkboxes) keeps every value in ``many``."""
    posted = await request.form()
    values = {k: v for k, v in posted.multi_items() if isinstance(v, str)}
    many: dict[str, list[str]] = {}
    for key, value in posted.multi_items():
        if isinstance(value, str):
            many.setdefault(key, []).append(value)
    return FormInput(values, many)


class FormInput:
    """Raw form strings (kept to redraw what was typed) and the field messages found so far."""

    def __init__(self, raw: Mapping[str, str], many: Mapping[str, list[str]] | None = None) -> None:
        self.raw = dict(raw)
        self.many = dict(many or {})
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.raw.get(name, "").strip()

    def all(self, name: str) -> list[str]:
        return list(self.many.get(name, []))

    def date(self, name: str) -> date | None:
        """An ISO date as a ``type=date`` input sends it; blank is None."""
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors.setdefault(name, "Enter a date as YYYY-MM-DD.")
            return None

    def time(self, name: str) -> time | None:
        """A ``type=time`` value (HH:MM, seconds allowed); blank is None."""
        value = self.text(name)
        if not value:
            return None
        try:
            return time.fromisoformat(value)
        except ValueError:
            self.errors.setdefault(name, "Enter a time as HH:MM.")
            return None

    def decimal(self, name: str, places: int) -> Decimal | None:
        """A number with at most ``places`` decimals; more would be silently rounded on storage."""
        try:
            value = parse_decimal(self.text(name), name)
        except ValidationFailed as exc:
            self.errors.setdefault(name, exc.by_field()[name])
            return None
        exponent = value.as_tuple().exponent if value is not None else 0
        if isinstance(exponent, int) and -exponent > places:
            self.errors.setdefault(name, f"Use at most {places} decimal place(s).")
            return None
        return value

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            self.errors.setdefault(name, "Choose one of the options.")
            return None

    def local_datetime(self, name: str, zone: str) -> datetime | None:
        """A ``type=datetime-local`` value read in the site's time zone, returned aware."""
        value = self.text(name)
        if not value:
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(zone))
        except ValueError:
            self.errors.setdefault(name, "Enter a date and time as YYYY-MM-DD HH:MM.")
            return None

    def add_errors(self, exc: ValidationFailed | Conflict) -> None:
        """Keep the first message per field: a parse problem beats the service's follow-on one."""
        found = exc.by_field() if isinstance(exc, ValidationFailed) else {exc.field or "": str(exc)}
        for name, message in found.items():
            self.errors.setdefault(name, message)


@contextmanager
def saving(db: Session, form: FormInput) -> Iterator[None]:
    """Run a service call in a savepoint; a domain error or a form field that did not parse rolls
    the savepoint back and lands in ``form.errors``, so a refused form stores nothing."""
    try:
        with db.begin_nested():
            yield
            if form.errors:
                raise ValidationFailed(form.errors)
    except (ValidationFailed, Conflict) as exc:
        form.add_errors(exc)
