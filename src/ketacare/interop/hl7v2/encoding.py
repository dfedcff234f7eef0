"""The separators and escape character a message declares in MSH-1 and MSH-2, and how to use them.

HL7 v2.5 chapter 2 (message delimiters, escape sequences): a message names its own field
separator (MSH-1) and, in MSH-2, its component, repetition, escape and subcomponent characters
(and, from v2.7, a truncation character, which ingest does not need). Values are split on the
separators first and unescaped after, so an escaped separator (``\\F\\``, ``\\S\\``, ...) never
splits anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import hexdigits

from ketacare.interop.hl7v2.errors import Hl7ErrorCode, MessageRejected

CONTROL_CHARS = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Encoding:
    """One message's delimiters; the default is the usual ``|^~\\&``."""

    field: str = "|"
    component: str = "^"
    repetition: str = "~"
    escape: str = "\\"
    subcomponent: str = "&"

    @classmethod
    def declared(cls, msh: str) -> Encoding:
        """The delimiters an MSH segment declares; refuses unusable ones (HL7 v2.5 chapter 2:
        four single, distinct, non-alphanumeric characters after the field separator)."""
        field_sep = msh[3:4]
        end = msh.find(field_sep, 4) if field_sep else -1
        declared = msh[4:end] if end > 0 else msh[4:]
        chars = field_sep + declared[:4]
        if len(declared) not in (4, 5) or len(set(chars)) != 5 or not all(map(_usable, chars)):
            raise MessageRejected(
                f"MSH-1/MSH-2 encoding characters {field_sep + declared!r} are not usable: "
                "expected a field separator and four distinct punctuation characters such as "
                "|^~\\&",
                Hl7ErrorCode.DATA_TYPE_ERROR,
            )
        return cls(field_sep, declared[0], declared[1], declared[2], declared[3])

    @property
    def characters(self) -> tuple[str, str, str, str, str]:
        """Field, component, repetition, escape and subcomponent, in constructor order."""
        return (self.field, self.component, self.repetition, self.escape, self.subcomponent)

    def first(self, field: str) -> str:
        """The first component's first subcomponent of the first repetition, unescaped: the
        whole value of a simple field such as OBX-5 of a numeric row."""
        for sep in (self.repetition, self.component, self.subcomponent):
            if sep in field:
                field = field.split(sep, 1)[0]
        return self.unescape(field) if self.escape in field else field

    def components(self, field: str) -> list[str]:
        """The components of the first repetition, each its first subcomponent, unescaped."""
        return self._parts(field.split(self.repetition, 1)[0])

    def repetitions(self, field: str) -> list[list[str]]:
        """Every non-empty repetition of a field, each as ``components`` gives it."""
        return [self._parts(rep) for rep in field.split(self.repetition) if rep]

    def _parts(self, repetition: str) -> list[str]:
        parts = repetition.split(self.component)
        if self.subcomponent in repetition:
            parts = [p.split(self.subcomponent, 1)[0] for p in parts]
        if self.escape in repetition:
            parts = [self.unescape(p) for p in parts]
        return parts

    def unescape(self, text: str) -> str:
        """Decode escape sequences (HL7 v2.5 chapter 2): ``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\``
        become the delimiters, ``\\Xhh..\\`` the bytes it spells (UTF-8, else Latin-1).
        Formatting commands (``\\.br\\``, ...) stay as written; highlighting and character-set
        switches (``\\H\\``, ``\\N\\``, ``\\C..\\``, ``\\M..\\``, ``\\Z..\\``) are dropped, as
        is an empty or malformed sequence. An escape character with no closing one is kept."""
        esc, out, start = self.escape, [], 0
        while (opening := text.find(esc, start)) >= 0:
            closing = text.find(esc, opening + 1)
            if closing < 0:
                break
            out.append(text[start:opening])
            out.append(self._expand(text[opening + 1 : closing]))
            start = closing + 1
        out.append(text[start:])
        return "".join(out)

    def _expand(self, sequence: str) -> str:
        named = {
            "F": self.field,
            "S": self.component,
            "T": self.subcomponent,
            "R": self.repetition,
            "E": self.escape,
        }
        if sequence in named:
            return named[sequence]
        if sequence.startswith("X") and _is_hex(sequence[1:]):
            data = bytes.fromhex(sequence[1:])
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("latin-1")
        if sequence.startswith("."):
            return self.escape + sequence + self.escape
        return ""

    def escaped(self, text: str) -> str:
        """``text`` written safely into one component: delimiters escaped (the escape character
        first), control characters as spaces (a CR would end the segment, 0x0B or 0x1C the MLLP
        frame)."""
        esc = self.escape
        text = text.replace(esc, f"{esc}E{esc}")
        for char, name in (
            (self.field, "F"),
            (self.component, "S"),
            (self.subcomponent, "T"),
            (self.repetition, "R"),
        ):
            text = text.replace(char, f"{esc}{name}{esc}")
        return CONTROL_CHARS.sub(" ", text)


def _usable(char: str) -> bool:
    """Printable (so no CR, LF or MLLP byte), not a letter, digit or space."""
    return char.isprintable() and not char.isalnum() and not char.isspace()


def _is_hex(digits: str) -> bool:
    return len(digits) % 2 == 0 and len(digits) > 0 and all(c in hexdigits for c in digits)
