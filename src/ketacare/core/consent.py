"""Informed consent: the default key risks and template text, what a signature must hold, and when
a signature is still valid.

A signature is valid only for the latest active version of its protocol's document: publishing a
new version asks every patient to sign again. The risk wording restates the clinical reference
(§3.7 warnings; §11 item 6, no driving) and is the clinic's to edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ketacare.core.enums import KeyRisk
from ketacare.core.errors import FieldError, ValidationFailed

DEFAULT_KEY_RISKS: Mapping[KeyRisk, str] = {
    # clinical-reference §3.7 "Dissociative or perceptual changes"
    KeyRisk.DISSOCIATION: (
        "I may feel detached from myself or my surroundings, or notice changes in what I see, "
        "hear or feel, during and after a treatment."
    ),
    # clinical-reference §3.7 adverse-reaction table, "BP increased"
    KeyRisk.BLOOD_PRESSURE_RISE: (
        "My blood pressure may rise after a dose; staff will measure it during the visit."
    ),
    # clinical-reference §3.7 "Sedation" and boxed warnings
    KeyRisk.SEDATION: (
        "I may become very sleepy, and rarely lose consciousness; staff will watch me until it "
        "passes."
    ),
    # clinical-reference §11 item 6 [SPR-PI2019-p21]
    KeyRisk.NO_DRIVING_UNTIL_NEXT_DAY: (
        "I will not drive or operate machinery until the next day after a restful sleep, and an "
        "adult will take me home."
    ),
    # clinical-reference §3.7 "Abuse and misuse"
    KeyRisk.ABUSE_POTENTIAL: (
        "Ketamine and esketamine can be misused; I will tell the clinic about any past or present "
        "alcohol or drug use."
    ),
}

_TEMPLATE = """\
TEMPLATE FOR THE CLINIC TO REVIEW. This text ships with ketacare as a starting point. The clinic \
must read it, change it to match its own practice and the current product information, and \
publish its own version before patients sign it.

Treatment: {label}.

Before each treatment the clinic checks my health and medicines. After each dose I stay at the \
clinic and am observed until staff decide I can leave.

The known risks I have read and understood are listed below; I tick each one. I can ask \
questions at any time, and I can withdraw my consent at any time by telling the clinic.
"""


def default_body(protocol_label: str) -> str:
    """The shipped template text for one protocol; it says plainly that it is a template."""
    return _TEMPLATE.format(label=protocol_label)


def check_signature(
    required_risks: Iterable[str],
    acknowledged: Iterable[str],
    typed_name: str,
    signed_on: date,
    today: date,
) -> None:
    """Refuse a signature that misses a risk, a typed name, or is dated in the future."""
    errors: list[FieldError] = []
    ticked = set(acknowledged)
    missing = [code for code in required_risks if code not in ticked]
    if missing:
        names = ", ".join(code.replace("_", " ") for code in missing)
        errors.append(FieldError("risks", f"Tick every risk to confirm it was read: {names}."))
    if not typed_name.strip():
        errors.append(FieldError("typed_name", "The patient types their full name to sign."))
    if signed_on > today:
        errors.append(FieldError("signed_on", "The date cannot be in the future."))
    if errors:
        raise ValidationFailed(errors)


@dataclass(frozen=True)
class SignedConsent:
    """What validity depends on, read from a stored signature."""

    document_id: int
    typed_name: str
    risks_acknowledged: frozenset[str]
    withdrawn: bool


@dataclass(frozen=True)
class LatestDocument:
    """The latest active document version of a protocol and the risks it names."""

    document_id: int
    risk_codes: frozenset[str]


def is_valid(signed: SignedConsent, latest: LatestDocument | None) -> bool:
    """A signature of the latest active version, every risk ticked, a name typed, not withdrawn."""
    return (
        latest is not None
        and signed.document_id == latest.document_id
        and latest.risk_codes <= signed.risks_acknowledged
        and bool(signed.typed_name.strip())
        and not signed.withdrawn
    )
