"""Agreement's token bounds are kept per text SHA-256 in the user data folder:
a second project with the same texts gets the same figures without spaCy
tokenizing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import agreement, tokencache
from annotator.agreement.corpus import clear_token_cache
from annotator.domain import IncomingDocument, IncomingSpan
from annotator.nlp import pipeline
from annotator.project import Project
from annotator.schemes import resolve_scheme

TEXTS = ("The regime slammed the plan. Critics 🙂 warned of a disaster.",
         "Everyone knows the council was bought. The mayor said so.\r\nIt was fair.")


def made(path: Path) -> Project:
    project = Project.create(path, resolve_scheme("media-bias"))
    project.import_documents([
        IncomingDocument(text=text, source="t", external_id=f"d{n}", spans=[
            IncomingSpan(4, 10, "loaded-term", annotator="ana"),
            IncomingSpan(4, 17, "loaded-term", annotator="bob"),
            IncomingSpan(29, 36, "loaded-term", annotator="bob")])
        for n, text in enumerate(TEXTS)], annotator="ana")
    return project


def figures(project: Project) -> str:
    return repr(agreement.measure(project, ("ana", "bob")))


class Refused:
    def pipe(self, texts):
        raise AssertionError("tokenized again")


def test_a_second_project_with_the_same_texts_tokenizes_nothing(tmp_path, monkeypatch):
    clear_token_cache()
    with made(tmp_path / "one.annotator") as first:
        expected = figures(first)
    assert set(tokencache.load(_key(), list(TEXTS))) == set(TEXTS)
    clear_token_cache()  # a new process
    monkeypatch.setattr(pipeline(), "tokenizer", Refused())
    with made(tmp_path / "two.annotator") as second:
        assert figures(second) == expected


def test_a_damaged_cache_means_tokenizing_again(tmp_path, data_dir):
    clear_token_cache()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / tokencache.FILE_NAME).write_bytes(b"not a database" * 100)
    with made(tmp_path / "one.annotator") as project:
        damaged = figures(project)
    (data_dir / tokencache.FILE_NAME).unlink()
    clear_token_cache()
    with made(tmp_path / "two.annotator") as project:
        assert figures(project) == damaged


def _key() -> str:
    from annotator.agreement.corpus import _tokenizer_key

    return _tokenizer_key(pipeline())


@pytest.fixture(autouse=True)
def _fresh_cache():
    yield
    clear_token_cache()
