"""Code points <-> UTF-16 (JavaScript) and Qt positions never shift a span."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.offsets import OffsetMap
from tests.conftest import TRICKY

# Text mixing ASCII, astral characters, combining marks, CR, LF and CRLF.
pieces = st.sampled_from(["a", " ", "é", "e\u0301", "🙂", "👍🏽", "\r\n", "\n", "\r", "民", "م", "\U0001f1fa",
                          "\ufeff"])
texts = st.lists(st.one_of(pieces, st.characters(exclude_categories=("Cs",))), max_size=60).map("".join)


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def qt_view(text: str) -> str:
    """What a Qt document shows: CRLF as one break, a leading U+FEFF kept visible."""
    view = text.replace("\r\n", "\n")
    return "\u2060" + view[1:] if view.startswith("\ufeff") else view


@given(texts)
@settings(max_examples=300)
def test_utf16_positions_match_javascript_string_indices(text: str) -> None:
    m = OffsetMap.utf16(text)
    for i in range(len(text) + 1):
        assert m.to_view(i) == utf16_len(text[:i])
        assert m.to_codepoint(m.to_view(i)) == i


@given(texts)
@settings(max_examples=300)
def test_qt_positions_count_crlf_as_one_separator(text: str) -> None:
    m = OffsetMap.qt(text)
    assert m.view_text == qt_view(text)
    for i in range(len(text) + 1):
        expected = utf16_len(text[:i].replace("\r\n", "\n"))
        if text[:i].endswith("\r") and text[i:i + 1] == "\n":
            expected = utf16_len(text[:i - 1].replace("\r\n", "\n"))  # inside a CRLF
        assert m.to_view(i) == expected
        if not (i and text[i - 1] == "\r" and text[i:i + 1] == "\n"):
            assert m.to_codepoint(m.to_view(i)) == i


@given(texts, st.data())
def test_span_text_survives_the_round_trip_through_the_view(text: str, data: st.DataObject) -> None:
    m = OffsetMap.qt(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    inside_crlf = {i for i in range(1, len(text)) if text[i - 1:i + 1] == "\r\n"}
    assume(start not in inside_crlf and end not in inside_crlf)
    vs, ve = m.span_to_view(start, end)
    shown = m.view_text.encode("utf-16-le")[2 * vs:2 * ve].decode("utf-16-le")
    expected = text[start:end].replace("\r\n", "\n")
    if start == 0 and expected.startswith("\ufeff"):
        expected = "\u2060" + expected[1:]
    assert shown == expected
    assert m.span_to_codepoints(vs, ve) == (start, end)


def test_identity_fast_path_for_plain_text() -> None:
    assert OffsetMap.qt("plain ascii\nlines").is_identity
    assert not OffsetMap.qt(TRICKY).is_identity


def test_positions_inside_a_surrogate_pair_round_down() -> None:
    m = OffsetMap.utf16("a🙂b")
    assert [m.to_codepoint(u) for u in range(5)] == [0, 1, 1, 2, 3]


def test_offset_outside_the_text_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        OffsetMap.qt("abc").to_view(4)


def test_a_leading_byte_order_mark_keeps_its_place_in_qt() -> None:
    from PySide6.QtGui import QTextDocument

    text = "\ufeffThe thugs"
    m = OffsetMap.qt(text)
    document = QTextDocument()
    document.setPlainText(m.view_text)
    assert document.characterCount() - 1 == utf16_len(m.view_text)  # Qt kept every unit
    start = text.index("thugs")
    assert document.toPlainText()[m.to_view(start):m.to_view(start + 5)] == "thugs"
