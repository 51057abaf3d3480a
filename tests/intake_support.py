"""Fixtures of the intake tests: saved news pages, PDF and Word files made
here, and a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = ("The Senate on Tuesday passed a sweeping climate bill after months of bitter "
        "negotiation between the two parties. Critics called the measure a radical "
        "giveaway to special interests, while supporters hailed it as a historic step "
        "toward cleaner energy and lower bills for families across the country. The bill "
        "now goes to the House, where its fate is uncertain and leaders have promised a vote "
        "before the summer recess.")

NEWS_PAGE = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Senate passes climate bill | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="og:title" content="Senate passes climate bill">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://planet.example/news/senate-climate-bill">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li>
<li><a href="/sport">Sport section link</a></li></ul></nav></header>
<main><article><h1>Senate passes climate bill</h1>
<p class="byline">By Lois Lane</p>
<p>{BODY[:160]}</p><p>{BODY[160:]}</p></article>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Reader comment: this is the worst bill I have ever seen, total nonsense.</p></div>
</section>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Related link about football transfers this week</a></li>
<li><a href="/b">Related link about the weather on the coast</a></li></ul></aside></main>
<footer><p>Copyright 2024 Daily Planet. All rights reserved.</p></footer></body></html>"""

JSONLD_BODY = ("Negotiators from forty nations agreed early on Sunday to a new fisheries "
               "pact that limits catches in the North Atlantic for the next decade. Fishing "
               "communities warned the quotas would cost thousands of jobs, while scientists "
               "said the deal did not go far enough to let cod stocks recover.")
JSONLD_PAGE = f"""<html><head><title>Fisheries pact</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Nations agree North Atlantic fisheries pact", "datePublished": "2023-11-12T08:30:00Z",
"author": {{"@type": "Person", "name": "Jimmy Olsen"}},
"publisher": {{"@type": "Organization", "name": "The Coastal Herald"}},
"inLanguage": "en", "url": "https://herald.example/2023/11/fisheries"}}</script>
</head><body><div class="menu"><a href="/">Front page</a> | <a href="/x">Opinion</a></div>
<div class="story"><h1>Nations agree North Atlantic fisheries pact</h1><p>{JSONLD_BODY}</p></div>
</body></html>"""

LATIN_BODY = ("Le gouvernement français a présenté mercredi une réforme très contestée des "
              "retraites. Les syndicats dénoncent une attaque brutale contre les travailleurs, "
              "tandis que le ministre évoque une nécessité économique et un effort partagé.")
LATIN_PAGE = f"""<html lang="fr"><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Réforme des retraites</title><meta property="og:site_name" content="Le Quotidien">
<meta name="author" content="Hélène Dupré"><meta name="date" content="2022-01-19">
</head><body><article><h1>Réforme des retraites : la colère gronde</h1><p>{LATIN_BODY}</p>
</article></body></html>""".encode("iso-8859-1")


def pdf_bytes(pages: list[list[str]], info: dict[str, str] | None = None) -> bytes:
    """A minimal PDF whose pages hold these lines of Helvetica text (a text layer)."""
    objects: list[bytes] = []
    kids = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    for n, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        kids.append(f"{page_ids[n]} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
                       f"/Contents {page_ids[n] + 1} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    body = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode(),
            *objects, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    info_id = None
    if info:
        body.append(("<< " + " ".join(f"/{k} ({v})" for k, v in info.items()) + " >>").encode())
        info_id = len(body)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = f"<< /Size {len(body) + 1} /Root 1 0 R" + (f" /Info {info_id} 0 R" if info_id else "")
    out.write(f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted(pdf: bytes, password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(title: str, paragraphs: list[str], *, author: str = "", header: str = "",
               footer: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = author
    document.add_heading(title, level=0)
    for text in paragraphs:
        document.add_paragraph(text)
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Reply:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0


@contextmanager
def serving(routes: dict[str, Reply]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering ``routes`` (path -> Reply); yields its base URL."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.headers.get("User-Agent", ""))
            reply = routes.get(self.path)
            if reply is None:
                reply = Reply(b"<html><body>Not found</body></html>", status=404)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:  # the client gave up (a timeout test)
                pass

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
    serving.user_agents = seen  # type: ignore[attr-defined]


def intake_sample(format_name: str) -> bytes:
    """A small valid file of an intake format (the fuzz tests mutate it); a
    feed's link is relative with no base, so it is refused and nothing is fetched
    (a mutated host name must not reach the network)."""
    if format_name == "html":
        return NEWS_PAGE.encode("utf-8")
    if format_name == "pdf":
        return pdf_bytes([["Senate passes bill", BODY[:80], BODY[80:160], "1"],
                          ["Senate passes bill", BODY[160:240], "2"]], {"Author": "Lois"})
    if format_name == "docx":
        return docx_bytes("Senate passes bill", [BODY[:160], BODY[160:]], author="Lois")
    assert format_name == "feed", format_name
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
            "<title>A</title><link>a.html</link></item></channel></rss>").encode()
