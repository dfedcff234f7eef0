"""Synthetic clinic data at any scale: obviously fake people, seeded so a run can be repeated.

The same seed, the same ``actor.at`` and the same starting database give the same patients,
measurements and appointments. Rows go in with bulk inserts of ``BATCH_SIZE`` rows, not one ORM
object at a time, so 100,000 patients take seconds; ONE audit event records the whole batch.
Phone numbers use the 555-01xx range reserved for fiction and emails the example.org/.com domains.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, SexAtBirth
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.search import search_key
from ketacare.db.models import BodyMeasurement, Patient, Site
from ketacare.db.schema import Base
from ketacare.services import audit, clinic, synth_schedule
from ketacare.services.context import Actor

BATCH_SIZE = 5000
MRN_PREFIX = "SYN"
MAX_PATIENTS = 9_999_999  # the MRN holds seven digits

FEMALE_NAMES = (
    "Amara", "Beatriz", "Chloe", "Dana", "Elena", "Fatima", "Grace", "Hana", "Ingrid", "Julia",
    "Keiko", "Lucia", "Maya", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tamsin", "Zoë",
    "Aoife", "Siobhán", "Marisol", "Ruth",
)  # fmt: skip
MALE_NAMES = (
    "Aaron", "Bruno", "Caleb", "Dmitri", "Elliot", "Felix", "Gabriel", "Hugo", "Ivan", "José",
    "Kenji", "Liam", "Mateo", "Nikhil", "Omar", "Pavel", "Quentin", "Rafael", "Samuel", "Tobias",
    "Umar", "Victor", "Wei", "Yusuf",
)  # fmt: skip
FAMILY_NAMES = (
    "Abbott", "Adeyemi", "Bergström", "Brennan", "Castillo", "Chen", "Costa", "Dubois", "Eriksen",
    "Fernández", "Fischer", "Gallagher", "Gupta", "Haddad", "Hansen", "Ishikawa", "Jensen",
    "Kowalski", "Larsen", "Lindqvist", "Mahmoud", "Marsh", "Müller", "Nakamura", "Novak",
    "Núñez", "O'Brien", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rahman", "Reyes",
    "Rossi", "Santos", "Schmidt", "Silva", "Smith", "Sokolov", "Tanaka", "Thompson", "Usman",
    "Varga", "Walsh", "Weber", "Whitfield", "Xu", "Yamamoto", "Zielinski",
)  # fmt: skip
GIVEN_NAMES = FEMALE_NAMES + MALE_NAMES
STREETS = ("Harbour Street", "Quay Road", "Lighthouse Lane", "Mill Close", "Orchard Way")
TOWNS = ("Anytown", "Exampleton", "Sampleville", "Testbury")
AREA_CODES = ("201", "312", "415", "503", "617", "718")
ESCORT_RELATIONS = ("spouse", "partner", "parent", "sibling", "adult child", "friend")


@dataclass(frozen=True)
class _Weighted:
    """Values drawn with fixed relative weights."""

    values: tuple[Any, ...]
    cum_weights: tuple[int, ...]

    @classmethod
    def of(cls, *pairs: tuple[Any, int]) -> _Weighted:
        return cls(tuple(v for v, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


ALLERGIES = _Weighted.of(
    ("No known drug allergies", 70),
    ("Penicillin (rash)", 8),
    ("Sulfonamides (hives)", 5),
    ("Latex (contact dermatitis)", 4),
    ("Codeine (nausea and vomiting)", 4),
    ("Ibuprofen (angioedema)", 2),
    ("Shellfish (anaphylaxis)", 2),
    ("Adhesive tape (skin irritation)", 5),
)
SEXES = _Weighted.of((SexAtBirth.FEMALE, 49), (SexAtBirth.MALE, 49), (SexAtBirth.INTERSEX, 1))
# Core tables, not ORM classes: bulk inserts skip the ORM's per-row bookkeeping.
_PATIENTS = Base.metadata.tables[Patient.__tablename__]
_MEASUREMENTS = Base.metadata.tables[BodyMeasurement.__tablename__]
_SEARCH_KEYS = {name: search_key(name) for name in GIVEN_NAMES + FAMILY_NAMES}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SynthSummary:
    """What one run stored."""

    patients: int
    measurements: int
    appointments: int


def generate(
    db: Session,
    actor: Actor,
    organization_id: int,
    count: int,
    seed: int,
    progress: Progress | None = None,
) -> SynthSummary:
    """Add ``count`` synthetic patients spread over the organization's sites, with this week's
    appointments in the sites' chairs and rooms; ``progress(done, count)`` follows each batch."""
    actor.require(Action.WRITE_PATIENT)
    sites = _sites(db, organization_id, count)
    rng = random.Random(seed)  # noqa: S311  (repeatable fake data, not secrets)
    first_number = _next_mrn_number(db, organization_id, count)
    pools: dict[int, list[int]] = {site.id: [] for site in sites}
    measurements = 0
    for start in range(0, count, BATCH_SIZE):
        numbers = range(first_number + start, first_number + min(start + BATCH_SIZE, count))
        rows = [_patient_row(rng, organization_id, rng.choice(sites).id, n, actor) for n in numbers]
        measurements += _insert_batch(db, rng, rows, pools, actor.at)
        if progress is not None:
            progress(start + len(numbers), count)
    appointments = synth_schedule.book_week(db, rng, sites, pools, actor.at)
    summary = SynthSummary(count, measurements, appointments)
    detail = {"seed": seed, **summary.__dict__}
    audit.record(db, actor, AuditAction.CREATE, "synthetic_data", detail=detail)
    return summary


def _insert_batch(
    db: Session,
    rng: random.Random,
    rows: list[dict[str, Any]],
    pools: dict[int, list[int]],
    now: datetime,
) -> int:
    """Insert one batch of patients and their measurements; returns how many measurements."""
    db.execute(insert(_PATIENTS), rows)
    ids = _ids_by_mrn(db, rows[0]["organization_id"], rows[0]["mrn"], rows[-1]["mrn"])
    measured = []
    for row in rows:
        pools[row["site_id"]].append(ids[row["mrn"]])
        measured.extend(_measurements(rng, ids[row["mrn"]], row["site_id"], now))
    db.execute(insert(_MEASUREMENTS), measured)
    return len(measured)


def _sites(db: Session, organization_id: int, count: int) -> Sequence[Site]:
    if not 0 <= count <= MAX_PATIENTS:
        raise ValidationFailed({"patients": f"Choose between 0 and {MAX_PATIENTS:,} patients."})
    sites = clinic.sites_of(db, organization_id)
    if not sites:
        raise NotFound("The organization has no site yet; synthetic patients need a home site.")
    return sorted(sites, key=lambda s: s.id)


def _next_mrn_number(db: Session, organization_id: int, count: int) -> int:
    """Continue after the last synthetic MRN, so a second run never clashes with the first."""
    last = db.scalar(
        select(func.max(Patient.mrn)).where(
            Patient.organization_id == organization_id, Patient.mrn.like(MRN_PREFIX + "_" * 7)
        )
    )
    digits = last[len(MRN_PREFIX) :] if last else "0"
    if not digits.isdigit():
        raise Conflict(f"A stored MRN looks synthetic ({MRN_PREFIX} + 7 characters) but is not.")
    following = int(digits) + 1
    if following + count - 1 > MAX_PATIENTS:
        raise ValidationFailed({"patients": "The synthetic MRN range is used up."})
    return following


def _ids_by_mrn(db: Session, organization_id: int, first: str, last: str) -> dict[str, int]:
    """The new rows' ids, read back through the MRN index (cheaper than RETURNING row by row)."""
    rows = db.execute(
        select(Patient.mrn, Patient.id).where(
            Patient.organization_id == organization_id, Patient.mrn.between(first, last)
        )
    )
    return {mrn: patient_id for mrn, patient_id in rows}


def _phone(rng: random.Random) -> str:
    return f"+1 {rng.choice(AREA_CODES)} 555 01{rng.randrange(100):02d}"


def _patient_row(
    rng: random.Random, organization_id: int, site_id: int, number: int, actor: Actor
) -> dict[str, Any]:
    sex = SEXES.pick(rng)
    given = rng.choice(FEMALE_NAMES if sex is SexAtBirth.FEMALE else MALE_NAMES)
    family = rng.choice(FAMILY_NAMES)
    key_given, key_family = _SEARCH_KEYS[given], _SEARCH_KEYS[family]
    today = actor.at.date()
    relation = rng.choice(ESCORT_RELATIONS)
    escort_family = family if relation != "friend" else rng.choice(FAMILY_NAMES)
    return {
        "organization_id": organization_id,
        "site_id": site_id,
        "mrn": f"{MRN_PREFIX}{number:07d}",
        "given_name": given,
        "family_name": family,
        "search_given_name": key_given,
        "search_family_name": key_family,
        "date_of_birth": today - timedelta(days=rng.randint(18 * 366, 85 * 365)),
        "sex_at_birth": sex.value,
        "gender_identity": "",
        "phone": _phone(rng),
        "email": f"{key_given}.{key_family}{number}@{rng.choice(('example.org', 'example.com'))}",
        "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
        "emergency_contact_name": f"{rng.choice(GIVEN_NAMES)} {escort_family}",
        "emergency_contact_phone": _phone(rng),
        "emergency_contact_relation": relation,
        "allergies": ALLERGIES.pick(rng),
        "created_at": actor.at,
        "updated_at": actor.at,
    }


def _measurements(
    rng: random.Random, patient_id: int, site_id: int, now: datetime
) -> list[dict[str, Any]]:
    """One to four dated weights over the past two years; the first also records the height."""
    days_ago = sorted(rng.sample(range(1, 730), rng.randint(1, 4)), reverse=True)
    weight = rng.uniform(52.0, 115.0)
    height_cm = Decimal(rng.randint(1520, 1940)) / 10
    rows = []
    for index, ago in enumerate(days_ago):
        measured_on: date = now.date() - timedelta(days=ago)
        weight += rng.uniform(-2.0, 2.0)
        rows.append(
            {
                "patient_id": patient_id,
                "site_id": site_id,
                "measured_on": measured_on,
                "weight_kg": Decimal(f"{weight:.1f}"),
                "height_cm": height_cm if index == 0 else None,
                "recorded_by_id": None,
                "recorded_at": datetime.combine(measured_on, time(12), tzinfo=UTC),
            }
        )
    return rows
