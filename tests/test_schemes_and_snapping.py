"""Label schemes load and validate; selections snap to whole tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import SchemeError
from annotator.nlp import snap
from annotator.schemes import bundled_schemes, load_scheme, resolve_scheme
from tests.conftest import TRICKY

SEMEVAL_2020 = ["Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
                "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt",
                "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
                "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches",
                "Whataboutism,Straw_Men,Red_Herring"]


def test_bundled_schemes_load_with_guidelines_colours_and_shortcuts() -> None:
    assert set(bundled_schemes()) == {"media-bias", "semeval2020-propaganda",
                                      "semeval2023-persuasion", "media-frames"}
    for name in bundled_schemes():
        scheme = resolve_scheme(name)
        assert all(label.description and label.color for label in scheme.labels)
    media = resolve_scheme(None)
    assert media.name == "media-bias"
    assert {"loaded-term", "unsupported-claim"} <= {label.key for label in media.labels}
    assert media.label("loaded-term").attribute("polarity").type == "choice"
    semeval = resolve_scheme("semeval2020-propaganda")
    assert [label.key for label in semeval.labels if label.key != "propaganda"] == SEMEVAL_2020
    assert len(resolve_scheme("semeval2023-persuasion").labels) == 23
    frames = resolve_scheme("media-frames")
    assert len(frames.labels) == 15 and len(frames.document_label("primary-frame").choices) == 15


@pytest.mark.parametrize("body, message", [
    ('[scheme]\nname="x"\n', "labels: at least one"),
    ('[scheme]\nname="x"\n[[labels]]\nkey="a"\ncolor="red"\n', "labels[0].color: 'red' is not"),
    ('[scheme]\nname="x"\n[[labels]]\nkey="a"\ncolor="#000000"\n[[labels]]\nkey="a"\ncolor="#111111"\n',
     "key 'a' is used twice"),
    ('[scheme]\nname="x"\n[[labels]]\nkey="a"\ncolor="#000000"\n[[labels.attributes]]\nkey="p"\ntype="choice"\n',
     "labels[0].attributes[0].choices: a choice attribute needs choices"),
    ('[scheme\nname="x"', "not valid TOML"),
])
def test_the_validator_names_file_key_and_problem(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_a_user_scheme_file_round_trips_through_the_project(project_path: Path, tmp_path: Path) -> None:
    from annotator.project import Project

    path = tmp_path / "mine.toml"
    path.write_text('[scheme]\nname="mine"\n[[labels]]\nkey="spin"\ncolor="#E69F00"\nshortcut="s"\n',
                    encoding="utf-8")
    with Project.create(project_path, resolve_scheme(str(path))):
        pass
    with Project.open(project_path) as p:
        assert p.scheme == load_scheme(path)


@pytest.mark.parametrize("selection, expected", [
    ("thug", "thugs"),       # a cut word grows to the whole token
    (" 🇺🇦 ", "🇺🇦"),          # surrounding white space is trimmed
    ("fe\u0301 «th", "cafe\u0301 «thugs"),  # a combining mark stays with its letter
    ("🙂\r\n\r\nThe", "🙂\r\n\r\nThe"),
])
def test_snapping_grows_to_tokens_and_trims(selection: str, expected: str) -> None:
    start = TRICKY.index(selection)
    got = snap(TRICKY, start, start + len(selection))
    assert got is not None and TRICKY[got[0]:got[1]] == expected


def test_empty_and_blank_selections_make_no_span() -> None:
    assert snap(TRICKY, 5, 5) is None
    crlf = TRICKY.index("\r\n")
    assert snap(TRICKY, crlf, crlf + 2) is None


@given(st.lists(st.sampled_from(["word", " ", "🙂", "e\u0301", "\r\n", ",", "民主", "—"]),
                min_size=1, max_size=30).map("".join), st.data())
@settings(max_examples=150, deadline=None)
def test_snapped_spans_cover_the_selection_and_never_start_or_end_in_space(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    got = snap(text, start, end)
    if not text[start:end].strip():
        assert got is None
        return
    s, e = got
    assert 0 <= s < e <= len(text)
    assert not text[s].isspace() and not text[e - 1].isspace()
    core = text[start:end].strip()
    assert core in text[s:e]
