"""URLs and feeds against a local HTTP server on 127.0.0.1 started here."""

from __future__ import annotations

import pytest
from intake_support import (BODY, JSONLD_PAGE, NEWS_PAGE, Reply, pdf_bytes, serving)

from annotator.errors import Cancelled, FormatError
from annotator.formats import ReadOptions, import_files
from annotator.intake import fetch
from annotator.project import Project

HTML = "text/html; charset=utf-8"


def _feed(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>Item {p}</title><link>{base}{p}</link>"
                    f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Planet</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


def test_a_url_is_fetched_with_our_user_agent_and_kept_raw(project: Project) -> None:
    with serving({"/news/senate": Reply(NEWS_PAGE.encode())}) as base:
        report = import_files(project, [f"{base}/news/senate"], annotator="ana")
    assert report.documents_added == 1
    (doc,) = project.documents()
    assert (doc.title, doc.outlet, doc.author, doc.published) == (
        "Senate passes climate bill", "Daily Planet", "Lois Lane", "2024-03-05")
    assert "Reader comment" not in doc.text
    raw = project.raw_source(doc.id)
    assert raw.data == NEWS_PAGE.encode() and raw.url == f"{base}/news/senate"
    assert serving.user_agents == [fetch.USER_AGENT]  # type: ignore[attr-defined]
    assert fetch.USER_AGENT.startswith("media-bias-annotator/")


def test_a_pdf_url_is_read_as_a_pdf(project: Project) -> None:
    pdf = pdf_bytes([["Senate passes bill", "The Senate passed the bill on a long Tuesday."]])
    with serving({"/a.pdf": Reply(pdf, "application/pdf")}) as base:
        import_files(project, [f"{base}/a.pdf"], annotator="ana")
    (doc,) = project.documents()
    assert doc.title == "Senate passes bill" and doc.url == f"{base}/a.pdf"


def test_bad_urls_give_a_clear_error_naming_the_url_and_store_nothing(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "TIMEOUT_S", 0.5)
    routes = {"/ok": Reply(NEWS_PAGE.encode()),
              "/slow": Reply(NEWS_PAGE.encode(), delay=2),
              "/binary": Reply(b"\x89PNG\r\n\x1a\n\x00\x00binary", HTML),
              "/empty": Reply(b"<html><body><p>Hi</p></body></html>"),
              "/image": Reply(b"GIF89a", "image/gif")}
    with serving(routes) as base:
        for path, message in (("/missing", "the server answered 404"),
                              ("/slow", "timed out"), ("/binary", "not a web page"),
                              ("/empty", "no article text"), ("/image", "sent image/gif")):
            with pytest.raises(FormatError, match=f"{base}{path}: .*{message}"):
                import_files(project, [f"{base}/ok", f"{base}{path}"], annotator="ana")
    assert project.document_count() == 0


@pytest.mark.parametrize("url", ["ftp://example.org/a.html", "file:///etc/passwd",
                                 "javascript://alert(1)"])
def test_only_http_and_https_are_fetched(project: Project, url: str) -> None:
    with pytest.raises(FormatError, match="only http and https"):
        import_files(project, [url], annotator="ana")


def test_a_feed_imports_each_linked_article_skipping_duplicates(project: Project) -> None:
    other = NEWS_PAGE.replace("Senate passes climate bill", "Markets rally after the vote") \
        .replace(BODY[:40], "Stocks rose sharply on Wednesday as traders bet the new") \
        .replace("senate-climate-bill", "markets-rally")
    routes = {"/a": Reply(NEWS_PAGE.encode()), "/b": Reply(other.encode()),
              "/c": Reply(NEWS_PAGE.encode()),  # the same text under another URL
              "/d": Reply(JSONLD_PAGE.encode())}
    with serving(routes) as base:
        routes["/feed.xml"] = Reply(_feed(base, ["/a", "/b", "/a", "/c", "/gone"]),
                                    "application/rss+xml")
        seen: list[tuple[int, int]] = []
        options = ReadOptions(progress=lambda done, total: seen.append((done, total)))
        report = import_files(project, [f"{base}/feed.xml"], annotator="ana", options=options)
        assert report.documents_added == 2
        assert (0, 5) in seen and (5, 5) in seen
        notes = " ".join(report.notes)
        assert "2 feed items skipped as duplicates" in notes
        assert "1 feed items could not be imported" in notes and "/gone" in notes
        titles = sorted(d.title for d in project.documents())
        assert titles == ["Markets rally after the vote", "Senate passes climate bill"]
        # Again: everything is known by URL now.
        routes["/feed.xml"] = Reply(_feed(base, ["/a", "/b", "/d"]), "application/rss+xml")
        again = import_files(project, [f"{base}/feed.xml"], annotator="ana")
        assert again.documents_added == 1


def test_an_atom_feed_file_and_cancel(project: Project, tmp_path) -> None:
    with serving({"/a": Reply(NEWS_PAGE.encode()), "/d": Reply(JSONLD_PAGE.encode())}) as base:
        atom = tmp_path / "feed.atom"
        atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
                        f'<entry><title>A</title><link href="{base}/a"/></entry>'
                        f'<entry><title>D</title><link rel="alternate" href="{base}/d"/>'
                        "<author><name>Someone</name></author></entry></feed>",
                        encoding="utf-8")

        def cancel(done: int, _total: int) -> None:
            if done == 1:
                raise Cancelled()

        with pytest.raises(Cancelled):
            import_files(project, [atom], annotator="ana", options=ReadOptions(progress=cancel))
        assert project.document_count() == 0
        assert import_files(project, [atom], annotator="ana").documents_added == 2


def test_a_feed_with_no_readable_article_is_an_error(project: Project) -> None:
    routes: dict[str, Reply] = {}
    with serving(routes) as base:
        routes["/feed"] = Reply(_feed(base, ["/gone"]), "application/rss+xml")
        with pytest.raises(FormatError, match=f"{base}/feed: none of the feed's 1 articles"):
            import_files(project, [f"{base}/feed"], annotator="ana")
    assert project.document_count() == 0


def test_cancel_stops_a_download_under_way(project: Project) -> None:
    calls: list[tuple[int, int]] = []

    def cancel(done: int, total: int) -> None:
        calls.append((done, total))
        if done:
            raise Cancelled()

    big = NEWS_PAGE.encode() + b"<!--" + b"x" * 2_000_000 + b"-->"
    with serving({"/big": Reply(big)}) as base:
        with pytest.raises(Cancelled):
            import_files(project, [f"{base}/big"], annotator="ana",
                         options=ReadOptions(progress=cancel))
    assert calls[-1] == (fetch.CHUNK, len(big))  # stopped at the first chunk of 2 MB
    assert project.document_count() == 0


def test_a_feed_item_that_is_a_feed_is_not_followed(project: Project) -> None:
    routes: dict[str, Reply] = {"/a": Reply(NEWS_PAGE.encode())}
    with serving(routes) as base:
        routes["/inner"] = Reply(_feed(base, ["/a"]), "application/rss+xml")
        routes["/feed"] = Reply(_feed(base, ["/inner", "/a"]), "application/rss+xml")
        report = import_files(project, [f"{base}/feed"], annotator="ana")
    assert report.documents_added == 1
    assert f"{base}/inner: links to a feed, not an article" in " ".join(report.notes)
