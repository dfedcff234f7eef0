"""A hypothesis strategy for ORU^R01 messages: random encoding characters, values with every
delimiter escaped (and some letters written as hex escapes), extra subcomponents and repetitions
that ingest must look past, optional PID/PV1, OBR groups and OBX rows, times with and without
fractions and offsets. Each example is (message text, what the generator put in the fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from hypothesis import strategies as st

PUNCTUATION = "|^~\\&#!$%*+/:;=?@"
ALPHABET = "abcxyzABCXYZ0189 -._éü" + PUNCTUATION
OFFSETS = ("", "+0000", "+0100", "-0500", "+0530", "-0330", "+1245")


class Delimiters(NamedTuple):
    field: str
    component: str
    repetition: str
    escape: str
    subcomponent: str

    def escaped(self, text: str, as_hex: list[bool]) -> str:
        names = {
            self.field: "F",
            self.component: "S",
            self.repetition: "R",
            self.escape: "E",
            self.subcomponent: "T",
        }
        out = []
        for char, hexed in zip(text, as_hex, strict=True):
            if char in names:
                out.append(f"{self.escape}{names[char]}{self.escape}")
            elif hexed and char.isascii():
                out.append(f"{self.escape}X{ord(char):02X}{self.escape}")
            else:
                out.append(char)
        return "".join(out)


_WALL_CLOCK = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (written as sent: local or with an offset)
    max_value=datetime(2060, 1, 1),  # noqa: DTZ001
)
_TEXT = st.text(ALPHABET, max_size=8)
_HEX_MASK = st.integers(0, 255)


@st.composite
def _value(draw: st.DrawFn, d: Delimiters) -> tuple[str, str]:
    """(as written, as meant) for one subcomponent-free value; bit i of a drawn mask writes
    character i as a hex escape."""
    text, mask = draw(_TEXT), draw(_HEX_MASK)
    return d.escaped(text, [bool(mask >> i & 1) for i in range(len(text))]), text


@st.composite
def _field(
    draw: st.DrawFn, d: Delimiters, components: int, repeats: bool = True
) -> tuple[str, list[str]]:
    """A field of ``components`` components, some with extra subcomponents, perhaps followed by
    extra repetitions; returns (as written, the components meant in the first repetition)."""
    written, meant = [], []
    for _ in range(components):
        text, value = draw(_value(d))
        if draw(st.booleans()):
            text += d.subcomponent + draw(_value(d))[0]
        written.append(text)
        meant.append(value)
    field = d.component.join(written)
    for _ in range(draw(st.integers(0, 2)) if repeats else 0):
        field += d.repetition + draw(_value(d))[0]
    return field, meant


@st.composite
def _time(draw: st.DrawFn, d: Delimiters, required: bool = False) -> str:
    """A date/time as written, escaped like any value (the escape character may be "+")."""
    if not required and draw(st.booleans()):
        return ""
    at = draw(_WALL_CLOCK)
    form = draw(st.sampled_from(["%Y%m%d", "%Y%m%d%H%M", "%Y%m%d%H%M%S", "fraction"]))
    text = (
        f"{at:%Y%m%d%H%M%S}.{at.microsecond // 100:04d}" if form == "fraction" else f"{at:{form}}"
    )
    text += draw(st.sampled_from(OFFSETS))
    return d.escaped(text, [False] * len(text))


@st.composite
def _obx(draw: st.DrawFn, d: Delimiters, set_id: int) -> tuple[str, tuple[Any, ...]]:
    identifier, code = draw(_field(d, 3))
    units, unit = draw(_field(d, 3))
    sub_id, sub = draw(_value(d))
    value, number = draw(_field(d, draw(st.integers(1, 2))))
    equipment = d.repetition.join(draw(_field(d, 4))[0] for _ in range(draw(st.integers(0, 2))))
    fields = ["OBX", str(set_id), draw(st.sampled_from(["NM", "ST", ""])), identifier, sub_id]
    fields += [value, units, "", "", "", "", draw(st.sampled_from(["F", "R", "X", "C", ""]))]
    fields += ["", "", draw(_time(d)), "", "", "", equipment]
    return d.field.join(fields), (tuple(code), sub, number[0], tuple(unit))


@st.composite
def oru_messages(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    d = Delimiters(*draw(st.permutations(PUNCTUATION))[:5])
    f = d.field
    header = [draw(_field(d, 3))[0] for _ in range(4)]
    segments = [
        f.join(
            ["MSH", d.component + d.repetition + d.escape + d.subcomponent, *header]
            + [draw(_time(d, required=True)), "", d.component.join(["ORU", "R01", "ORU_R01"])]
            + [draw(_value(d))[0] for _ in range(3)]
        )
    ]
    expected: dict[str, Any] = {"patient_ids": [], "location": [], "rows": []}
    if draw(st.booleans()):
        ids = [draw(_field(d, 5, repeats=False)) for _ in range(draw(st.integers(0, 3)))]
        name = draw(_field(d, 3))[0]
        segments.append(f.join(["PID", "1", "", d.repetition.join(i for i, _ in ids), "", name]))
        expected["patient_ids"] = [(m[0], m[3], m[4]) for w, m in ids if w and m[0]]
    if draw(st.booleans()):
        location, expected["location"] = draw(_field(d, draw(st.integers(1, 9))))
        segments.append(f.join(["PV1", "", "O", location.split(d.repetition, 1)[0]]))
    set_id = 0
    for group in range(draw(st.integers(0, 3))):
        if group or draw(st.booleans()):
            segments.append(f.join(["OBR", str(group + 1), "", "", "", "", "", draw(_time(d))]))
        for _ in range(draw(st.integers(0, 4))):
            set_id += 1
            segment, row = draw(_obx(d, set_id))
            segments.append(segment)
            expected["rows"].append(row)
    segments.append(f.join(["ZZZ", "end"]))
    return "\r".join(segments) + "\r", expected
