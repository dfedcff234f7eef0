"""The clinic's alert thresholds per protocol code, and its treatment-day settings.

Thresholds are clinical: only a prescriber sets them (MANAGE_PROTOCOLS). No authoritative numbers
exist for subanesthetic ketamine (clinical-reference §4.2), so ketacare ships none: a limit the
clinic has not set never fires. A clinic row for (vital, level) replaces that level's limits from
the protocol version (a protocol's own ``alert_thresholds`` count as its act limits, see
``core.vitals.thresholds.build_profile``). Every change is audited with the old and new values.

The treatment-day settings (escalation time, how long raw monitor messages are kept) are the
clinic's operational choices, set by an admin (MANAGE_TREATMENT_SETTINGS); the values used until
an admin saves them are ketacare's starting points, not clinical values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, ThresholdLevel, Vital
from ketacare.core.errors import FieldError, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.vitals.thresholds import Limits, Side, ThresholdProfile, build_profile
from ketacare.db.models import AlertThreshold, TreatmentSettings
from ketacare.services import audit, protocols
from ketacare.services.context import Actor

Key = tuple[str, str]  # (vital, level)
SIDES: tuple[Side, Side] = ("low", "high")

# Starting points until an admin saves the settings; neither comes from a clinical source.
DEFAULT_ESCALATE_AFTER_MIN = 5  # ketacare's starting point: the clinic decides (issue 6)
DEFAULT_INBOUND_RETENTION_DAYS = 30  # long enough to troubleshoot a monitor; the clinic decides
ESCALATE_RANGE_MIN = (1, 240)
RETENTION_RANGE_DAYS = (1, 3650)

# The demo clinic's choice (services.synth): the example figures seen in clinic SOPs
# (UNVERIFIED, clinical-reference §4.2), written as last acceptable values: "SBP >= 160 holds"
# is a hold high limit of 159. HR "110-120": the demo takes 120. No warn limits: §4.2 gives none.
DEMO_THRESHOLDS: Mapping[Key, tuple[str | None, str | None]] = {
    (Vital.SBP_MMHG, ThresholdLevel.HOLD): (None, "159"),
    (Vital.DBP_MMHG, ThresholdLevel.HOLD): (None, "99"),
    (Vital.SBP_MMHG, ThresholdLevel.ACT): (None, "179"),
    (Vital.DBP_MMHG, ThresholdLevel.ACT): (None, "109"),
    (Vital.HR_BPM, ThresholdLevel.ACT): (None, "119"),
    (Vital.SPO2_PERCENT, ThresholdLevel.ACT): ("92", None),
    (Vital.RR_PER_MIN, ThresholdLevel.ACT): ("10", None),
}


@dataclass(frozen=True)
class TreatmentDaySettings:
    """The settings in force and whether the clinic has saved its own."""

    escalate_after_min: int
    inbound_retention_days: int
    saved: bool


def field_name(vital: str, level: str, side: str) -> str:
    """The form and error field for one limit, as ``build_profile`` names its errors."""
    return f"{vital}.{level}.{side}"


def clinic_limits(db: Session, organization_id: int, protocol_code: str) -> dict[Key, Limits]:
    """The clinic's rows for ``protocol_code`` by (vital, level)."""
    rows = db.scalars(
        select(AlertThreshold).where(
            AlertThreshold.organization_id == organization_id,
            AlertThreshold.protocol_code == protocol_code,
        )
    )
    return {(row.vital, row.level): Limits(_plain(row.low), _plain(row.high)) for row in rows}


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored limit without the column's trailing zeros, so messages read "92 %", not
    "92.00 %"."""
    return None if value is None else value.normalize()


def protocol_limits(protocol: Protocol) -> dict[str, Limits | None]:
    """A protocol version's own limits per vital (None where unset), read as act limits."""
    found: dict[str, Limits | None] = {}
    for vital, setting in protocol.alert_thresholds.items():
        limits = value_of(setting)
        found[vital] = None if limits is None else Limits(limits.low, limits.high)
    return found


def profile_for(db: Session, organization_id: int, protocol: Protocol) -> ThresholdProfile:
    """The threshold profile of ``protocol`` at the clinic: the protocol's limits, then the
    clinic's rows for its code."""
    return build_profile(
        protocol_limits(protocol), clinic_limits(db, organization_id, protocol.code)
    )


def set_thresholds(
    db: Session,
    actor: Actor,
    organization_id: int,
    protocol_code: str,
    values: Mapping[str, Decimal | None],
) -> dict[str, list[Decimal | None]]:
    """Store the clinic's limits for ``protocol_code``: ``values`` holds every limit, keyed by
    ``field_name``; a level with both sides blank or left out is removed. Returns what changed
    (old and new), which is audited; nothing is stored when nothing changed."""
    actor.require(Action.MANAGE_PROTOCOLS)
    _check_organization(actor, organization_id)
    protocol = protocols.load(protocols.current_version(db, organization_id, protocol_code))
    before = clinic_limits(db, organization_id, protocol_code)
    after = _wanted(values)
    build_profile(protocol_limits(protocol), after)  # refuses contradictory limits, by field
    changed = _changes(before, after)
    if not changed:
        return {}
    _store(db, actor, organization_id, protocol_code, before, after)
    detail = {"protocol_code": protocol_code, "changed": changed}
    audit.record(db, actor, AuditAction.UPDATE, "alert_threshold", protocol_code, detail=detail)
    return changed


def _wanted(values: Mapping[str, Decimal | None]) -> dict[Key, Limits]:
    """The (vital, level) limits asked for; an unknown field name is refused."""
    errors: list[FieldError] = []
    wanted: dict[Key, dict[str, Decimal | None]] = {}
    for name, value in values.items():
        vital, _, rest = name.partition(".")
        level, _, side = rest.partition(".")
        if vital not in set(Vital) or level not in set(ThresholdLevel) or side not in SIDES:
            errors.append(FieldError(name, "Not a threshold field."))
            continue
        wanted.setdefault((vital, level), {})[side] = value
    if errors:
        raise ValidationFailed(errors)
    limits = {key: Limits(sides.get("low"), sides.get("high")) for key, sides in wanted.items()}
    return {key: lim for key, lim in limits.items() if lim.is_set}


def _changes(
    before: Mapping[Key, Limits], after: Mapping[Key, Limits]
) -> dict[str, list[Decimal | None]]:
    changed: dict[str, list[Decimal | None]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, Limits()), after.get(key, Limits())
        for side in SIDES:
            if old.limit(side) != new.limit(side):
                changed[field_name(*key, side)] = [old.limit(side), new.limit(side)]
    return changed


def _store(
    db: Session,
    actor: Actor,
    organization_id: int,
    protocol_code: str,
    before: Mapping[Key, Limits],
    after: Mapping[Key, Limits],
) -> None:
    rows = {
        (row.vital, row.level): row
        for row in db.scalars(
            select(AlertThreshold).where(
                AlertThreshold.organization_id == organization_id,
                AlertThreshold.protocol_code == protocol_code,
            )
        )
    }
    for key in set(before) - set(after):
        db.delete(rows[key])
    for key, limits in after.items():
        row = rows.get(key)
        if row is None:
            row = AlertThreshold(
                organization_id=organization_id,
                protocol_code=protocol_code,
                vital=key[0],
                level=key[1],
            )
            db.add(row)
        row.low, row.high = limits.low, limits.high
        row.updated_by_id, row.updated_at = actor.staff_user_id, actor.at
    db.flush()


def treatment_day_settings(db: Session, organization_id: int) -> TreatmentDaySettings:
    """The clinic's saved settings, or ketacare's starting points when it saved none."""
    row = db.get(TreatmentSettings, organization_id)
    if row is None:
        return TreatmentDaySettings(
            DEFAULT_ESCALATE_AFTER_MIN, DEFAULT_INBOUND_RETENTION_DAYS, False
        )
    return TreatmentDaySettings(row.escalate_after_min, row.inbound_retention_days, True)


def update_treatment_day_settings(
    db: Session,
    actor: Actor,
    organization_id: int,
    escalate_after_min: int | None,
    inbound_retention_days: int | None,
) -> TreatmentDaySettings:
    """Save the clinic's settings (both required, each within its range); audited."""
    actor.require(Action.MANAGE_TREATMENT_SETTINGS)
    _check_organization(actor, organization_id)
    escalate = _in_range("escalate_after_min", escalate_after_min, ESCALATE_RANGE_MIN, "minutes")
    keep = _in_range("inbound_retention_days", inbound_retention_days, RETENTION_RANGE_DAYS, "days")
    errors = [e for e in (escalate, keep) if isinstance(e, FieldError)]
    if errors or not isinstance(escalate, int) or not isinstance(keep, int):
        raise ValidationFailed(errors)
    before = treatment_day_settings(db, organization_id)
    row = db.get(TreatmentSettings, organization_id)
    if row is None:
        row = TreatmentSettings(organization_id=organization_id)
        db.add(row)
    row.escalate_after_min, row.inbound_retention_days = escalate, keep
    row.updated_by_id, row.updated_at = actor.staff_user_id, actor.at
    db.flush()
    after = treatment_day_settings(db, organization_id)
    detail = {
        "escalate_after_min": [before.escalate_after_min, after.escalate_after_min],
        "inbound_retention_days": [before.inbound_retention_days, after.inbound_retention_days],
    }
    audit.record(
        db, actor, AuditAction.UPDATE, "treatment_settings", organization_id, detail=detail
    )
    return after


def _in_range(name: str, value: int | None, bounds: tuple[int, int], unit: str) -> int | FieldError:
    low, high = bounds
    if value is None or not low <= value <= high:
        return FieldError(name, f"Enter a whole number of {unit} from {low} to {high}.")
    return value


def seed_demo_thresholds(db: Session, actor: Actor, organization_id: int) -> int:
    """Give every current protocol the demo clinic's limits (``DEMO_THRESHOLDS``); returns how
    many protocols changed. For the demo only: a real clinic sets its own."""
    changed = 0
    for row, _protocol in protocols.current_protocols(db, actor, organization_id):
        values = {
            field_name(vital, level, side): None if text is None else Decimal(text)
            for (vital, level), sides in DEMO_THRESHOLDS.items()
            for side, text in zip(SIDES, sides, strict=True)
        }
        if set_thresholds(db, actor, organization_id, row.code, values):
            changed += 1
    return changed


def _check_organization(actor: Actor, organization_id: int) -> None:
    if actor.principal is not None and actor.principal.organization_id != organization_id:
        raise NotFound("No such organization.")
