"""Finding ignores case and Unicode composition (issue 16, item 6): "café"
typed finds "cafe\u0301" stored, in the article (Ctrl+F) and in the document search."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from annotator.find import Finder, fold
from conftest import TRICKY
from ui_support import add_documents, make_window, settings_dir  # noqa: F401 (fixtures)

STORED = "Title\n\nLE CAFE\u0301 ferme. Der Stra\u00dfe entlang, un cafe\u0301 encore 🙂."

PIECES = st.sampled_from(["a", "e", "\u00e9", "e\u0301", "\u00c9", "E\u0301", "\u00df", "SS", " ",
                          "🙂", "\r\n", "\u1100", "\u1161", "\uac00", "\ufb01", "i", "\u0130"])


@pytest.mark.parametrize("typed, found", [("café", ["CAFE\u0301", "cafe\u0301"]),
                                          ("CAFE\u0301 F", ["CAFE\u0301 f"]),
                                          ("strasse", ["Stra\u00dfe"]),
                                          ("🙂.", ["🙂."]), ("cafe ", [])])
def test_matches_map_back_to_code_points(typed: str, found: list[str]) -> None:
    assert [STORED[a:b] for a, b in Finder(STORED).matches(typed)] == found


@given(st.lists(PIECES, max_size=12), st.lists(PIECES, min_size=1, max_size=4))
def test_every_match_folds_to_the_needle_and_a_text_finds_itself(before: list[str],
                                                                 word: list[str]) -> None:
    text = "".join(before) + "".join(word)
    finder = Finder(text)
    needle = "".join(word)
    for a, b in finder.matches(needle):
        assert 0 <= a < b <= len(text) and fold(needle) in fold(text[a:b])
    if fold(text):  # the same text decomposed is found whole
        assert finder.matches(unicodedata.normalize("NFD", text)) == [(0, len(text))]


def test_ctrl_f_finds_a_precomposed_letter_typed_against_a_combining_mark(qtbot, project,
                                                                          make_window) -> None:
    add_documents(project, TRICKY)
    window = make_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.find_edit, "CAFÉ")
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    start = TRICKY.index("cafe\u0301")
    assert window.article.selection_codepoints() == (start, start + 5)
    assert window.find_status.text() == ""


def test_document_search_folds_both_sides(project) -> None:
    add_documents(project, STORED, "Nothing here.")
    assert [d.external_id for d in project.summaries("alice", search="Café")] == ["d0"]
    assert project.summary_count("alice", search="STRASSE") == 1
