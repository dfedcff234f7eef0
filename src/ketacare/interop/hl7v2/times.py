"""HL7 v2 date/time values (DTM, and the first component of TS) as aware UTC instants.

Form (HL7 v2.5 appendix 2A, data type DTM): ``YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]``.
Missing trailing parts mean the start of the period. More than four fraction digits are
tolerated (microseconds kept). A value with no offset is read in the sender's zone, which the
caller supplies (the site's).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

_DTM = re.compile(
    r"(\d{4})(?:(\d\d)(?:(\d\d)(?:(\d\d)(?:(\d\d)(?:(\d\d)(?:\.(\d{1,9}))?)?)?)?)?)?"
    r"(?:([+-])(\d\d)(\d\d))?"
)


def parse_time(text: str, default_zone: tzinfo) -> datetime:
    """The instant ``text`` names, in UTC; ``ValueError`` when it is not an HL7 date/time."""
    match = _DTM.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an HL7 date/time: {text!r}")
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    zone = default_zone if sign is None else _offset(sign, off_h, off_m)
    try:
        local = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError as error:
        raise ValueError(f"not an HL7 date/time: {text!r} ({error})") from None
    return local.astimezone(UTC)


@lru_cache(maxsize=64)
def _offset(sign: str, hours: str, minutes: str) -> tzinfo:
    if int(hours) > 14 or int(minutes) > 59:
        raise ValueError(f"not a time zone offset: {sign}{hours}{minutes}")
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


class TimeReader:
    """``parse_time`` for one message: the same text (every OBX of a PCD-01 message often
    carries the same time) is converted once."""

    def __init__(self, default_zone: tzinfo) -> None:
        self._zone = default_zone
        self._seen: dict[str, datetime] = {}

    def read(self, text: str) -> datetime | None:
        """``None`` for an empty value; ``ValueError`` for a malformed one."""
        if not text:
            return None
        seen = self._seen.get(text)
        if seen is None:
            seen = self._seen[text] = parse_time(text, self._zone)
        return seen
