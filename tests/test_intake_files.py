"""Saved pages, PDF and Word files imported as a user would: text, title,
outlet, author, date, raw source kept; bad files refused naming the file."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from pathlib import Path

import pytest
from intake_support import (BODY, JSONLD_BODY, JSONLD_PAGE, LATIN_BODY, LATIN_PAGE, NEWS_PAGE,
                            docx_bytes, encrypted, pdf_bytes)

from annotator.errors import FormatError
from annotator.formats import import_files
from annotator.intake.titles import better_title, is_dateline
from annotator.project import Project


def _one(project: Project, path: Path):
    report = import_files(project, [path], annotator="ana")
    assert report.documents_added == 1
    (doc,) = project.documents()
    return doc


def test_a_news_page_keeps_the_article_and_drops_navigation_comments_and_related(
        project: Project, tmp_path: Path) -> None:
    page = tmp_path / "senate.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    doc = _one(project, page)
    assert "sweeping climate bill" in doc.text and "before the summer recess" in doc.text
    for noise in ("World news menu", "Reader comment", "Related link", "All rights reserved"):
        assert noise not in doc.text
    assert (doc.title, doc.outlet, doc.author, doc.published) == (
        "Senate passes climate bill", "Daily Planet", "Lois Lane", "2024-03-05")
    assert doc.url == "https://planet.example/news/senate-climate-bill"
    assert doc.language == "en-GB"
    raw = project.raw_source(doc.id)
    assert raw is not None and raw.data == page.read_bytes() and raw.content_type == "text/html"


def test_json_ld_news_article_metadata(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "fish.htm"
    page.write_text(JSONLD_PAGE, encoding="utf-8")
    doc = _one(project, page)
    assert JSONLD_BODY in doc.text and "Front page" not in doc.text
    assert (doc.title, doc.outlet, doc.author, doc.published) == (
        "Nations agree North Atlantic fisheries pact", "The Coastal Herald", "Jimmy Olsen",
        "2023-11-12")


def test_a_page_declared_latin_1_in_its_meta_tag(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "retraites.html"
    page.write_bytes(LATIN_PAGE)
    doc = _one(project, page)
    assert LATIN_BODY in doc.text
    assert (doc.title, doc.outlet, doc.author, doc.published, doc.language) == (
        "Réforme des retraites : la colère gronde", "Le Quotidien", "Hélène Dupré",
        "2022-01-19", "fr")
    assert project.raw_source(doc.id).data == LATIN_PAGE  # the bytes as they were


def test_stored_raw_source_is_compressed(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "senate.html"
    page.write_text(NEWS_PAGE * 20, encoding="utf-8")
    doc = _one(project, page)
    from annotator.models import RawSource

    with project.reading() as s:
        stored = s.get(RawSource, doc.id).data
    assert len(stored) < len(page.read_bytes()) / 5
    assert zlib.decompress(stored) == page.read_bytes()


def test_pdf_is_dehyphenated_and_loses_its_page_furniture(project: Project, tmp_path: Path) -> None:
    pages = [["Daily Planet   March 2024", "The Senate passes the climate bill",
              "The Senate on Tuesday passed a sweeping climate bill after months of bit-",
              "ter negotiation between the two parties.",
              "Critics called it a giveaway.", "Page 1 of 2"],
             ["Daily Planet   March 2024",
              "The bill now goes to the House where its fate is uncertain and the",
              "leaders have promised a vote.", "Page 2 of 2"]]
    path = tmp_path / "senate.pdf"
    path.write_bytes(pdf_bytes(pages, {"Author": "Lois Lane", "CreationDate": "D:20240305120000Z"}))
    doc = _one(project, path)
    assert doc.text == (
        "The Senate passes the climate bill\n\n"
        "The Senate on Tuesday passed a sweeping climate bill after months of bitter "
        "negotiation between the two parties.\n\n"
        "Critics called it a giveaway.\n\n"
        "The bill now goes to the House where its fate is uncertain and the leaders have "
        "promised a vote.")
    assert (doc.title, doc.author, doc.published) == (
        "The Senate passes the climate bill", "Lois Lane", "2024-03-05")
    assert project.raw_source(doc.id).content_type == "application/pdf"


def test_a_scanned_or_password_protected_pdf_is_refused_saying_why(
        project: Project, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([[], []]))
    with pytest.raises(FormatError, match=r"scan\.pdf: the PDF has no text layer \(a scanned"):
        import_files(project, [scan], annotator="ana")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted(pdf_bytes([["Secret text of the article here."]])))
    with pytest.raises(FormatError, match=r"locked\.pdf: the PDF is password-protected"):
        import_files(project, [locked], annotator="ana")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    with pytest.raises(FormatError, match=r"broken\.pdf: damaged"):
        import_files(project, [broken], annotator="ana")
    assert project.document_count() == 0


def test_word_paragraphs_without_headers_and_footers(project: Project, tmp_path: Path) -> None:
    import docx

    data = docx_bytes("Senate passes climate bill", [BODY[:160], BODY[160:]], author="Lois Lane",
                      header="DAILY PLANET INTERNAL", footer="Page footer 1")
    word = docx.Document(io.BytesIO(data))
    word.core_properties.created = dt.datetime(2024, 3, 5, 9, 0)
    path = tmp_path / "senate.docx"
    out = io.BytesIO()
    word.save(out)
    path.write_bytes(out.getvalue())
    doc = _one(project, path)
    assert doc.text == f"Senate passes climate bill\n\n{BODY[:160]}\n\n{BODY[160:]}"
    assert (doc.title, doc.author, doc.published) == ("Senate passes climate bill", "Lois Lane",
                                                      "2024-03-05")
    assert project.raw_source(doc.id).data == path.read_bytes()


@pytest.mark.parametrize("name, content, message", [
    ("empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
     "no article text could be extracted"),
    ("binary.html", b"%PDF-1.4\x00\x01\x02 binary", "not a web page"),
    ("bad.docx", b"not a zip at all", "Word .docx"),
])
def test_bad_files_name_themselves_and_store_nothing(project: Project, tmp_path: Path, name: str,
                                                     content: bytes, message: str) -> None:
    good = tmp_path / "good.html"
    good.write_text(NEWS_PAGE, encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(FormatError, match=f"{name}: .*{message}"):
        import_files(project, [good, bad], annotator="ana")
    assert project.document_count() == 0


@pytest.mark.parametrize("line", ["Wednesday, October 19, 2016", "LONDON (Reuters) -",
                                  "WASHINGTON —", "Oct. 3, 2020", "2016-10-19",
                                  "March 5, 2024 10:30 a.m. EST"])
def test_a_date_or_dateline_is_not_a_title(line: str) -> None:
    assert is_dateline(line)
    assert better_title(line, f"{line}\n\nSenate passes the climate bill\n\nThe Senate voted.") \
        == "Senate passes the climate bill"


def test_a_headline_is_a_title() -> None:
    assert not is_dateline("Paris attacks: what we know")
    assert better_title("Paris attacks: what we know", "") == "Paris attacks: what we know"


def test_the_seed_layout_txt_takes_the_headline_not_the_date(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Wednesday, October 19, 2016\n\nUS Envoy Says Talks Failed\n\nby Someone\n\n"
                    "The talks failed on Tuesday.\n", encoding="utf-8")
    assert _one(project, path).title == "US Envoy Says Talks Failed"


def test_no_date_is_guessed_from_the_text(project: Project, tmp_path: Path) -> None:
    page = tmp_path / "undated.html"
    page.write_text(NEWS_PAGE.replace('<meta property="article:published_time" '
                                      'content="2024-03-05T10:00:00Z">', ""), encoding="utf-8")
    assert "Copyright 2024" in page.read_text(encoding="utf-8")
    assert _one(project, page).published is None
