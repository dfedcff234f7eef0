"""The shipped protocols, every value with its source (clinical-reference §1-§5, §11, §13).

Codes match the screening protocol codes (core/screening/protocols.py). Where the reference gives no
number, the value is a ``ClinicDefault``: ``None`` (the clinic must set it before use) or a starting
point whose note says it is a clinic choice. A clinic copies a protocol and adjusts it; the copy is
validated by ``Protocol`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ketacare.core.protocols.esketamine import ESKETAMINE_NASAL
from ketacare.core.protocols.model import Protocol
from ketacare.core.protocols.racemic import (
    IM_KETAMINE,
    IV_KETAMINE_DEPRESSION,
    IV_KETAMINE_PAIN,
    ORAL_SUBLINGUAL_KETAMINE,
)

DEFAULT_PROTOCOLS: Mapping[str, Protocol] = MappingProxyType(
    {
        p.code: p
        for p in (
            ESKETAMINE_NASAL,
            IV_KETAMINE_DEPRESSION,
            IV_KETAMINE_PAIN,
            IM_KETAMINE,
            ORAL_SUBLINGUAL_KETAMINE,
        )
    }
)
