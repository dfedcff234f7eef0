"""The protocols screening knows, as data: code, label, route and the rule set that applies.

The esketamine label's contraindications are not the racemic-ketamine consensus statements'
(clinical-reference §1.3, §2, §3.6), so each protocol names one rule set. IM and oral racemic
ketamine for depression use the IV depression rule set: the reference gives them no rules of their
own. Issue 5 links its protocol records to these codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RuleSet = Literal["esketamine_label", "racemic_depression", "racemic_pain"]


@dataclass(frozen=True)
class Protocol:
    code: str
    label: str
    route: Literal["intranasal", "intravenous", "intramuscular", "oral"]
    rule_set: RuleSet
    source: str


PROTOCOLS: dict[str, Protocol] = {
    p.code: p
    for p in (
        Protocol(
            "esketamine_nasal",
            "Esketamine nasal spray (SPRAVATO)",
            "intranasal",
            "esketamine_label",
            "SPRAVATO US label, clinical-reference §3",
        ),
        Protocol(
            "iv_ketamine_depression",
            "IV ketamine for depression",
            "intravenous",
            "racemic_depression",
            "APA consensus [SAN-SS] and trial exclusions [TRIAL-EXCL], clinical-reference §1.3",
        ),
        Protocol(
            "iv_ketamine_pain",
            "IV ketamine for chronic pain",
            "intravenous",
            "racemic_pain",
            "ASRA/AAPM/ASA consensus (Cohen 2018) [COHEN-GC], clinical-reference §2",
        ),
        Protocol(
            "im_ketamine",
            "IM ketamine for depression",
            "intramuscular",
            "racemic_depression",
            "Rule set of IV ketamine for depression (no IM-specific source), "
            "clinical-reference §1.3",
        ),
        Protocol(
            "oral_sublingual_ketamine",
            "Oral or sublingual ketamine for depression",
            "oral",
            "racemic_depression",
            "Rule set of IV ketamine for depression (no oral-specific source), "
            "clinical-reference §1.3",
        ),
    )
}


def codes_for(*rule_sets: RuleSet) -> tuple[str, ...]:
    """Codes of the protocols using any of ``rule_sets``, in PROTOCOLS order."""
    return tuple(code for code, p in PROTOCOLS.items() if p.rule_set in rule_sets)


ESKETAMINE = codes_for("esketamine_label")
RACEMIC_DEPRESSION = codes_for("racemic_depression")
RACEMIC_PAIN = codes_for("racemic_pain")
RACEMIC = codes_for("racemic_depression", "racemic_pain")
ALL = tuple(PROTOCOLS)
