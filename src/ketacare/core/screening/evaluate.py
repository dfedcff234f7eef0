"""Screening: run a protocol's rules over the intake facts and recommend."""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.screening.facts import IntakeFacts
from ketacare.core.screening.model import (
    KINDS,
    Finding,
    InvalidIntake,
    Recommendation,
    Rule,
    ScreeningResult,
    ScreeningSettings,
)
from ketacare.core.screening.protocols import PROTOCOLS
from ketacare.core.screening.rules import RULES


def rules_for(protocol_code: str) -> tuple[Rule, ...]:
    """The rules of one protocol, in id order; InvalidIntake (field "protocol") when unknown."""
    if protocol_code not in PROTOCOLS:
        known = ", ".join(PROTOCOLS)
        raise InvalidIntake(
            [("protocol", f"unknown protocol {protocol_code!r}; known protocols: {known}")]
        )
    return tuple(sorted((r for r in RULES.values() if protocol_code in r.protocols), key=_id))


def evaluate(
    facts: IntakeFacts, protocol_code: str, settings: ScreeningSettings | None = None
) -> ScreeningResult:
    """Every finding of the protocol's rules, most severe first (then by rule id), and the
    recommendation they lead to. The decision stays with the prescriber."""
    rules = rules_for(protocol_code)
    settings = settings or ScreeningSettings()
    findings = [r.finding(r.check(facts, settings)) for r in rules]
    ordered = sorted((f for f in findings if f is not None), key=_severity)
    facts_read = sorted({path for r in rules for path in r.reads})
    return ScreeningResult(protocol_code, recommend(ordered), tuple(ordered), tuple(facts_read))


def recommend(findings: Iterable[Finding]) -> Recommendation:
    """Ineligible with any absolute finding; needs review with a relative or interaction finding;
    eligible otherwise (cautions are listed but do not block)."""
    kinds = {f.kind for f in findings}
    if "absolute" in kinds:
        return "ineligible"
    if kinds & {"relative", "interaction"}:
        return "needs_review"
    return "eligible"


def _id(rule: Rule) -> str:
    return rule.id


def _severity(finding: Finding) -> tuple[int, str]:
    return (KINDS.index(finding.kind), finding.rule_id)
