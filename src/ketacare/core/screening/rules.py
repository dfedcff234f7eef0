"""Every screening rule, from every family module, with a unique id."""

from __future__ import annotations

from ketacare.core.screening import cautions, contraindications, interactions, psychiatric
from ketacare.core.screening.model import Rule

RULES: dict[str, Rule] = {
    r.id: r
    for family in (contraindications, psychiatric, interactions, cautions)
    for r in family.RULES
}
