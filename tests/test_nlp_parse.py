"""Long texts are parsed in pieces (so a worker thread lets the window run),
with the tokens, offsets and sentences of one call."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import nlp
from annotator.nlp import parse, pipeline


def tokens(doc) -> list[tuple[int, str, bool]]:
    return [(t.idx, t.text, t.is_sent_start) for t in doc if not t.is_space]


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    monkeypatch.setattr(nlp, "PIECE", 40)
    monkeypatch.setattr(nlp, "_TAIL", 15)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab.,-'🙂é \n\r\t"), max_size=300))
def test_pieces_give_the_tokens_and_offsets_of_one_call(text):
    one, pieces = pipeline()(text), parse(pipeline(), text)
    assert pieces.text == text
    assert [(t.idx, t.text) for t in pieces if not t.is_space] == \
        [(t.idx, t.text) for t in one if not t.is_space]


def test_pieces_keep_sentences_of_paragraphs_that_end_a_sentence():
    text = "\n\n".join(f"Paragraph {n} says things. It ends here." for n in range(30))
    doc = parse(pipeline(), text)
    assert len(nlp._pieces(text)) > 10
    assert tokens(doc) == tokens(pipeline()(text))
    assert [s.text.strip() for s in doc.sents] == [s.text.strip() for s in pipeline()(text).sents]
