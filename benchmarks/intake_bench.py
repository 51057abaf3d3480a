"""Extraction of 1,000 saved news pages: per-page median and p95.

    python -m benchmarks.intake_bench [--pages N] [--seed S]

Pages are made here (not timed) in three layouts: a news article with a
navigation menu, a byline, 6-14 paragraphs of 40-90 words, a footer of links,
inline scripts and styles, a comment section and related links (half of
them); metadata in ``<meta>`` tags (half), in JSON-LD ``NewsArticle`` (a
third), or a page declared ISO-8859-1 in a ``<meta>`` tag (the rest). Each page is timed from its bytes to the IncomingDocument the import
stores (charset, lxml parse, trafilatura main text and metadata, title
check). Goal: median <= 50 ms per page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from .agreement_bench import article

GOAL_MEDIAN_MS = 50.0


def page(rng: random.Random, n: int) -> bytes:
    paragraphs = "".join(f"<p>{article(rng, rng.randint(40, 90))}</p>"
                         for _ in range(rng.randint(6, 14)))
    title = article(rng, 8).rstrip(".")
    nav = "".join(f'<li><a href="/s{i}">{article(rng, 2)}</a></li>' for i in range(12))
    related = "".join(f'<li><a href="/r{i}">{article(rng, 7)}</a></li>' for i in range(6))
    comments = "".join(f'<div class="comment"><p>{article(rng, 25)}</p></div>' for _ in range(5))
    # What makes real pages heavy: inline scripts (analytics, app state) and styles.
    script = "<script>window.__STATE__ = {%s};</script>" % ",".join(
        f'"k{i}": "{rng.getrandbits(64):x}"' for i in range(rng.randint(800, 3000)))
    style = "<style>%s</style>" % "".join(f".c{i} {{ margin: {i % 9}px; color: #{i:06x}; }}"
                                          for i in range(rng.randint(100, 400)))
    footer = "".join(f'<a href="/f{i}">{article(rng, 2)}</a> ' for i in range(60))
    kind = n % 6
    if kind in (0, 1, 2):
        head = (f'<meta charset="utf-8"><title>{title} | Outlet {n % 10}</title>'
                f'<meta property="og:site_name" content="Outlet {n % 10}">'
                f'<meta name="author" content="Author {n % 40}">'
                f'<meta property="article:published_time" content="2024-0{1 + n % 9}-1{n % 10}">'
                f'<link rel="canonical" href="https://outlet{n % 10}.example/a/{n}">')
    elif kind in (3, 4):
        head = ('<meta charset="utf-8"><script type="application/ld+json">'
                f'{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",'
                f'"datePublished": "2023-1{n % 3}-0{1 + n % 9}", "author": {{"@type": "Person", '
                f'"name": "Author {n % 40}"}}, "publisher": {{"@type": "Organization", "name": '
                f'"Outlet {n % 10}"}}}}</script><title>{title}</title>')
    else:
        head = ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
                f'<title>{title} é</title><meta property="og:site_name" content="Outlet {n % 10}">')
    html = (f'<!DOCTYPE html><html lang="en"><head>{head}{style}{script}</head><body><header>'
            f"<nav><ul>{nav}"
            f'</ul></nav></header><main><article><h1>{title}</h1><p class="byline">By Author '
            f"{n % 40}</p>{paragraphs}</article>"
            + (f'<section class="comments"><h2>Comments</h2>{comments}</section>'
               f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>'
               if n % 2 == 0 else "")
            + f"</main><footer><p>{footer}</p><p>Copyright 2024</p></footer></body></html>")
    return html.encode("iso-8859-1" if kind == 5 else "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_bench")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(__import__("sys").argv[1:])
    from annotator.intake import html

    rng = random.Random(args.seed)
    pages = [page(rng, n) for n in range(args.pages)]
    html.document(pages[0], "warm-up.html")  # trafilatura's and lxml's imports: a one-off cost
    times, sizes = [], [len(p) for p in pages]
    empty = 0
    for n, data in enumerate(pages):
        start = time.perf_counter()
        doc = html.document(data, f"page{n}.html")
        times.append((time.perf_counter() - start) * 1000)
        empty += not doc.title or not doc.outlet
    times.sort()
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{args.pages} pages of {min(sizes) // 1024}-{max(sizes) // 1024} KB "
          f"(median {statistics.median(sizes) // 1024} KB)")
    print(f"extraction per page: median {median:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
          f" (goal: median <= {GOAL_MEDIAN_MS:.0f} ms)")
    print(f"pages missing a title or outlet: {empty}")
    return 0 if median <= GOAL_MEDIAN_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
