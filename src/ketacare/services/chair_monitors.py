"""How bedside monitors name each chair: the PV1-3 point of care and the monitor's device id.

The monitor feed finds the treatment a message belongs to through these names when the monitor
sends no MRN, so a name must point at exactly one chair: both are unique across the whole
organization (one listener serves every site; a code shared by two sites could put one patient's
readings on another's treatment). Admins set them (MANAGE_MONITORS at the chair's site); every
change is audited with what it replaced. Recent inbound messages are listed for troubleshooting
without their raw text, which holds patient data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, LocationKind
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.db.models import InboundMessage, Location, Site
from ketacare.services import audit
from ketacare.services.context import Actor

POINT_OF_CARE_MAX = 40  # the column's width
# HL7 v2 delimiters and escape characters cannot appear in a code a monitor sends unescaped.
POINT_OF_CARE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*")
EUI_64 = re.compile(r"[0-9A-F]{16}")
DEVICE_SEPARATORS = re.compile(r"[\s:.-]")


def chairs(db: Session, actor: Actor, site_id: int) -> Sequence[Location]:
    """The site's active chairs in name order, with the names their monitors use."""
    site = _managed_site(db, actor, site_id)
    return db.scalars(
        select(Location)
        .where(
            Location.site_id == site.id,
            Location.kind == LocationKind.CHAIR.value,
            Location.active.is_(True),
        )
        .order_by(Location.name)
    ).all()


def name_monitor(
    db: Session, actor: Actor, location_id: int, point_of_care: str, monitor_device: str
) -> Location:
    """Set (or, with blanks, clear) how monitors name chair ``location_id``."""
    chair = db.get(Location, location_id)
    if chair is None or chair.kind != LocationKind.CHAIR.value:
        raise NotFound("No such chair.")
    site = _managed_site(db, actor, chair.site_id)
    code = point_of_care.strip() or None
    device = DEVICE_SEPARATORS.sub("", monitor_device).upper() or None
    _check(db, site.organization_id, chair, code, device)
    before = {"point_of_care": chair.point_of_care, "monitor_device": chair.monitor_device}
    chair.point_of_care, chair.monitor_device = code, device
    db.flush()
    after = {"point_of_care": code, "monitor_device": device}
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "location",
        chair.id,
        site_id=site.id,
        detail={"before": before, "after": after},
    )
    return chair


def recent_messages(db: Session, actor: Actor, limit: int = 50) -> Sequence[InboundMessage]:
    """The newest inbound monitor messages first (the page shows no raw text)."""
    actor.require(Action.MANAGE_MONITORS)
    return db.scalars(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(limit)).all()


def _check(
    db: Session, organization_id: int, chair: Location, code: str | None, device: str | None
) -> None:
    errors: dict[str, str] = {}
    if code is not None and (len(code) > POINT_OF_CARE_MAX or not POINT_OF_CARE.fullmatch(code)):
        errors["point_of_care"] = (
            f"Use up to {POINT_OF_CARE_MAX} letters, digits, spaces and . _ / - "
            "(as the monitor sends it in PV1-3, e.g. CHAIR-03)."
        )
    elif code is not None and (
        holder := _holder(db, organization_id, chair, "point_of_care", code)
    ):
        errors["point_of_care"] = f"{holder} already uses {code}."
    if device is not None and not EUI_64.fullmatch(device):
        errors["monitor_device"] = "Enter the monitor's EUI-64: 16 hexadecimal digits."
    elif device is not None and (
        holder := _holder(db, organization_id, chair, "monitor_device", device)
    ):
        errors["monitor_device"] = f"{holder} already uses this monitor."
    if errors:
        raise ValidationFailed(errors)


def _holder(
    db: Session, organization_id: int, chair: Location, column: str, value: str
) -> str | None:
    """The other chair of the organization that already answers to ``value``, if any."""
    row = db.execute(
        select(Location.name, Site.name)
        .join(Site, Site.id == Location.site_id)
        .where(
            Site.organization_id == organization_id,
            getattr(Location, column) == value,
            Location.id != chair.id,
        )
        .limit(1)
    ).first()
    return None if row is None else f"{row[0]} at {row[1]}"


def _managed_site(db: Session, actor: Actor, site_id: int) -> Site:
    """The site, when the actor may name its monitors (NotFound for another clinic's)."""
    site = db.get(Site, site_id)
    principal = actor.principal
    if site is None or (
        principal is not None and principal.organization_id != site.organization_id
    ):
        raise NotFound("No such site.")
    actor.require(Action.MANAGE_MONITORS, site.id)
    return site
