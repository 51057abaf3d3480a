"""Selections snap as the label's guideline says (issue 16, item 2): a
hyphenated word is one word, a claim goes without its full stop, quotes are
trimmed except for labels that want them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.errors import SchemeError
from annotator.nlp import pipeline, snap
from annotator.schemes import load_scheme, resolve_scheme
from annotator.text import trim_for_label, whole_word
from ui_support import ANNOTATOR, add_documents, double_click_word, make_window, settings_dir  # noqa: F401

pytestmark = pytest.mark.usefixtures("settings_dir")
TEXT = "Headline\n\nThe council's so-called plan shields «thugs» from 'critics'. The towers will drive up rents."


@pytest.fixture(scope="module", autouse=True)
def _nlp():
    pipeline()


def stored(project, doc_id):
    return [(s.label, TEXT[s.start:s.end]) for s in project.spans(doc_id, [ANNOTATOR])]


@pytest.mark.parametrize("selected, punctuation, quotes, expected", [
    ("«thugs»", False, False, "thugs"),
    ("«thugs»", False, True, "«thugs»"),
    ("thugs", False, True, "«thugs»"),        # the scare quotes around it are taken in
    ("'critics'.", True, False, "critics"),
    ("'critics'", False, False, "critics"),
    ("council's", False, False, "council's"),  # an apostrophe inside a word stays
    ("The towers will drive up rents.", True, False, "The towers will drive up rents"),
    ("The towers will drive up rents.", False, False, "The towers will drive up rents."),
    ("«", False, False, "«"),                 # never trimmed to nothing
])
def test_trimming_follows_the_label(selected, punctuation, quotes, expected) -> None:
    start = TEXT.index(selected)
    a, b = trim_for_label(TEXT, start, start + len(selected), trim_punctuation=punctuation,
                          keep_quotes=quotes)
    assert TEXT[a:b] == expected


@pytest.mark.parametrize("clicked, expected", [("so", "so-called"), ("called", "so-called"),
                                               ("plan", "plan"), ("council", "council")])
def test_a_hyphenated_word_is_one_word(clicked, expected) -> None:
    start = TEXT.index(clicked + ("-" if clicked == "so" else ""))
    a, b = whole_word(TEXT, start, start + len(clicked))
    assert TEXT[a:b] == expected


def test_the_bundled_schemes_say_which_labels_keep_quotes_and_trim_punctuation() -> None:
    media = resolve_scheme("media-bias")
    assert media.label("unsupported-claim").trim_punctuation
    assert media.label("scare-quotes").keep_quotes and not media.label("labeling").keep_quotes
    assert resolve_scheme("semeval2020-propaganda").label("Slogans").keep_quotes
    start = TEXT.index("«thugs»")
    assert snap(TEXT, start, start + 7, label=media.label("labeling")) == (start + 1, start + 6)


def test_a_flag_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[scheme]\nname="x"\n[[labels]]\nkey="a"\ncolor="#000000"\nkeep_quotes="yes"\n',
                    encoding="utf-8")
    with pytest.raises(SchemeError, match=r"labels\[0\]\.keep_quotes: must be true or false"):
        load_scheme(path)


def test_double_click_tags_the_whole_hyphenated_word(qtbot, project, make_window) -> None:
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    double_click_word(qtbot, window.article, TEXT, "so")
    qtbot.keyClick(window.article, Qt.Key.Key_9)
    assert stored(project, doc_id) == [("scare-quotes", "so-called")]


def test_quotes_are_trimmed_for_a_label_and_kept_for_scare_quotes(qtbot, project, make_window) -> None:
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    start = TEXT.index("«thugs»")
    window.article.select_codepoints(start, start + 7)
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    window.article.select_codepoints(start + 1, start + 6)
    qtbot.keyClick(window.article, Qt.Key.Key_9)
    assert sorted(stored(project, doc_id)) == [("labeling", "thugs"), ("scare-quotes", "«thugs»")]


def test_a_triple_clicked_claim_is_tagged_without_its_full_stop(qtbot, project, make_window) -> None:
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    point = double_click_word(qtbot, window.article, TEXT, "towers")
    qtbot.mouseClick(window.article.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    assert stored(project, doc_id) == [("unsupported-claim", "The towers will drive up rents")]
