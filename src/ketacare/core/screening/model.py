"""What screening produces: findings, a recommendation, and the rules that make them.

A rule is data (id, protocols, kind, message, source, the facts it reads) plus one small pure
function over the intake facts. The function answers a ``Check``: the rule fires, it does not, or a
fact it needs is unknown; ``evaluate`` turns an unknown into a ``caution`` finding that asks for the
fact, so a missing answer never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacare.core.errors import KetacareError

if TYPE_CHECKING:
    from ketacare.core.screening.facts import IntakeFacts

Kind = Literal["absolute", "relative", "interaction", "caution"]
Recommendation = Literal["eligible", "needs_review", "ineligible"]

KINDS: tuple[Kind, ...] = ("absolute", "relative", "interaction", "caution")
"""Finding kinds, most severe first: the order findings are listed in."""


class ScreeningError(KetacareError):
    """Screening cannot run: bad intake facts, an unknown protocol or unusable clinic settings."""


class InvalidIntake(ScreeningError):
    """Intake data that breaks the intake schema; ``errors`` holds every (field path, message).

    Field paths are dotted, with list positions: ``vitals.systolic_mmHg``,
    ``medications[2].class``. Nothing built from the data exists, so nothing can be stored.
    """

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors: list[tuple[str, str]] = list(errors)
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))

    @property
    def field(self) -> str:
        """The first failing field path."""
        return self.errors[0][0]

    @property
    def message(self) -> str:
        """The first failing field's message."""
        return self.errors[0][1]


@dataclass(frozen=True)
class Check:
    """What one rule saw: ``fired`` is True, False, or None when a fact it needs is unknown.

    ``detail`` adds the particulars to the rule's message (a dose, the medications involved).
    """

    fired: bool | None
    detail: str = ""


FIRES = Check(True)
CLEAR = Check(False)
UNKNOWN = Check(None)


def any_of(*values: bool | None) -> Check:
    """Fires when any value is True; unknown when none is True but one is unknown; else clear."""
    if any(value is True for value in values):
        return FIRES
    if any(value is None for value in values):
        return UNKNOWN
    return CLEAR


def value_in(value: str | None, *fired: str) -> Check:
    """Fires when ``value`` is one of ``fired``; unknown when the value is not recorded."""
    if value is None:
        return UNKNOWN
    return FIRES if value in fired else CLEAR


@dataclass(frozen=True)
class ScreeningSettings:
    """Clinic thresholds for rules whose sources give no fixed number; each default is documented.

    A clinic changes them (audited) in its own settings; core only receives them.
    """

    benzodiazepine_diazepam_equivalent_mg_per_day_max: Decimal = field(
        default=Decimal(8),
        metadata={
            "unit": "mg diazepam-equivalent per day",
            "source": "[BZD-FRONT] §6: reduced response above 8 mg/day (n=47). "
            "Trials excluded > 3 mg lorazepam-equivalent/day [TRIAL-EXCL] §1.3.",
        },
    )
    esketamine_baseline_systolic_prompt_mmHg: int = field(
        default=140,
        metadata={
            "unit": "mmHg",
            "source": "§3.4: US PI 'elevated (e.g. >140 mmHg systolic)' wording UNVERIFIED; "
            "a consider-risk prompt, not a hold.",
        },
    )
    esketamine_baseline_diastolic_prompt_mmHg: int = field(
        default=90,
        metadata={
            "unit": "mmHg",
            "source": "§3.4: US PI 'elevated (e.g. >90 mmHg diastolic)' wording UNVERIFIED; "
            "a consider-risk prompt, not a hold.",
        },
    )

    def __post_init__(self) -> None:
        for setting in fields(self):
            if getattr(self, setting.name) <= 0:
                raise ScreeningError(f"Screening setting {setting.name} must be above zero.")


@dataclass(frozen=True)
class Finding:
    """One rule's result, shown to the prescriber with its source."""

    rule_id: str
    kind: Kind
    message: str
    source: str
    facts_read: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe form, for the snapshot an eligibility decision keeps."""
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "message": self.message,
            "source": self.source,
            "facts_read": list(self.facts_read),
        }


@dataclass(frozen=True)
class Rule:
    """One screening rule: ``check`` reads ``reads`` (dotted fact paths) and nothing else."""

    id: str
    protocols: tuple[str, ...]
    kind: Kind
    message: str
    source: str
    reads: tuple[str, ...]
    check: Callable[[IntakeFacts, ScreeningSettings], Check] = field(compare=False, repr=False)
    asks: str = ""  # what to ask for when a fact is unknown; defaults to the facts' names

    def finding(self, seen: Check) -> Finding | None:
        """The finding for what the check saw; None when the rule is clear."""
        if seen.fired is False:
            return None
        if seen.fired is None:
            wanted = self.asks or ", ".join(_spoken(path) for path in self.reads)
            return Finding(
                f"{self.id}.unknown",
                "caution",
                f"Not known yet: {wanted}. Record it so this rule can be checked: {self.message}",
                self.source,
                self.reads,
            )
        message = f"{self.message} {seen.detail}" if seen.detail else self.message
        return Finding(self.id, self.kind, message, self.source, self.reads)


def _spoken(path: str) -> str:
    """A fact path as words: "medical.liver_disease" → "liver disease"."""
    return path.rsplit(".", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ScreeningResult:
    """All findings for one protocol, most severe first, and what they recommend."""

    protocol_code: str
    recommendation: Recommendation
    findings: tuple[Finding, ...]
    facts_read: tuple[str, ...]

    def by_kind(self) -> dict[Kind, tuple[Finding, ...]]:
        """Findings grouped by kind, every kind present (possibly empty), most severe first."""
        return {kind: tuple(f for f in self.findings if f.kind == kind) for kind in KINDS}

    def to_dict(self) -> dict[str, object]:
        return {
            "protocol_code": self.protocol_code,
            "recommendation": self.recommendation,
            "findings": [finding.to_dict() for finding in self.findings],
            "facts_read": list(self.facts_read),
        }


CheckFn = Callable[["IntakeFacts", ScreeningSettings], Check]


def registrar(
    registry: list[Rule],
) -> Callable[..., Callable[[CheckFn], CheckFn]]:
    """A decorator that records a check function as a Rule in ``registry`` and returns it as is."""

    def rule(
        rule_id: str,
        protocols: tuple[str, ...],
        kind: Kind,
        message: str,
        source: str,
        reads: tuple[str, ...],
        asks: str = "",
    ) -> Callable[[CheckFn], CheckFn]:
        def record(check: CheckFn) -> CheckFn:
            registry.append(Rule(rule_id, protocols, kind, message, source, reads, check, asks))
            return check

        return record

    return rule


def taking(facts: IntakeFacts, *classes: str) -> Check:
    """Fires when a listed medication is in ``classes``, naming them; unknown without a list."""
    if facts.medications is None:
        return UNKNOWN
    names = [m.name for m in facts.medications if m.drug_class in classes]
    return Check(True, f"Listed: {', '.join(names)}.") if names else CLEAR
