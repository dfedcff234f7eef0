"""Delimiters come from MSH-1/MSH-2; escape sequences decode to the delimiters, hex to the bytes
they spell; formatting stays as written; what ingest cannot use is dropped; escaping round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.interop.hl7v2 import MessageRejected
from ketacare.interop.hl7v2.encoding import Encoding

STANDARD = Encoding()


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("plain", "plain"),
        ("A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\", "A|B^C&D~E\\"),
        ("\\X41\\\\X4a6b\\", "AJk"),
        ("caf\\XC3A9\\", "café"),  # UTF-8 bytes
        ("\\XE9\\t\\XE9\\", "été"),  # not UTF-8: Latin-1
        ("line\\.br\\next", "line\\.br\\next"),
        ("\\H\\bold\\N\\", "bold"),
        ("\\Cxxyy\\x\\M1234\\y\\Zlocal\\z", "xyz"),
        ("\\X4\\odd", "odd"),
        ("empty\\\\sequence", "emptysequence"),
        ("open \\F without end", "open \\F without end"),
    ],
)
def test_escape_sequences_decode_as_hl7_chapter_2_says(text: str, meant: str) -> None:
    assert STANDARD.unescape(text) == meant


def test_a_truncation_character_after_the_four_delimiters_is_allowed_and_ignored() -> None:
    assert Encoding.declared("MSH|^~\\&#|APP") == STANDARD


def test_declared_delimiters_are_read_in_hl7_order() -> None:
    assert Encoding.declared("MSH#$*@%#APP") == Encoding("#", "$", "*", "@", "%")


@pytest.mark.parametrize("msh", ["MSH|^~\\", "MSH|^~\\&#!|", "MSH|^~a&|", "MSH|^~ &|", "MSH|^~|&|"])
def test_unusable_delimiters_are_refused(msh: str) -> None:
    with pytest.raises(MessageRejected, match="encoding characters"):
        Encoding.declared(msh)


@given(st.text(st.characters(exclude_categories=("Cs", "Cc"))))
def test_escaping_then_unescaping_gives_the_text_back(text: str) -> None:
    assert STANDARD.unescape(STANDARD.escaped(text)) == text


def test_first_takes_the_first_component_of_the_first_repetition_unescaped() -> None:
    assert STANDARD.first("a\\S\\b&sub^c~d") == "a^b"
    assert STANDARD.components("x^y&z^\\T\\~w") == ["x", "y", "&"]
    assert STANDARD.repetitions("a^b~~c") == [["a", "b"], ["c"]]
