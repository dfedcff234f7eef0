"""The HL7 fixture files (tests/fixtures/hl7) and the site zone the tests read them in."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hl7"
NAMES = sorted(p.name for p in FIXTURES.glob("*.hl7"))
# The two fixtures without zone offsets are read as if sent from a site in New York, where
# 2 November 2026 is already standard time (UTC-5).
SITE_ZONE = ZoneInfo("America/New_York")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
