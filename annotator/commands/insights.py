"""``stats --by ...`` (figures per group) and ``report`` (one HTML file)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..formats.csv import Writer
from . import add_project_options, open_from_args, stderr_progress

GROUPINGS = ("outlet", "author", "month", "story", "annotator")  # as insights.stats.GROUPINGS


def add_stats_options(p: argparse.ArgumentParser) -> None:
    """The grouped form of ``stats`` (its parser lives in commands/project.py)."""
    p.add_argument("--by", choices=GROUPINGS,
                   help="figures per group: density per 1,000 words with 95%% intervals, "
                        "share of documents with a span")
    p.add_argument("--label", action="append", default=[], metavar="LABEL",
                   help="with --by: a label key (repeat for more; default: every label)")
    p.add_argument("--layer", metavar="gold|ANNOTATOR",
                   help="with --by: whose spans (default: the gold layer, else the annotator "
                        "with the most spans)")
    p.add_argument("--csv", action="store_true", help="with --by: print CSV")
    p.add_argument("--seed", type=int, default=14, help="bootstrap seed (default 14)")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="write an HTML report of the figures, charts and agreement",
                       description="One self-contained HTML file: charts, tables, top terms, "
                                   "frames, agreement, the scheme and the method.")
    add_project_options(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                   help="the report file (.html)")
    p.add_argument("--by", choices=GROUPINGS[:-1], default="outlet",
                   help="group the figures by (default: outlet)")
    p.add_argument("--labels", nargs="+", default=[], metavar="LABEL",
                   help="labels to report (default: those the layer used)")
    p.add_argument("--layer", metavar="gold|ANNOTATOR", help="whose spans (default: gold, "
                   "else the annotator with the most spans)")
    p.add_argument("--seed", type=int, default=14, help="bootstrap seed (default 14)")
    p.set_defaults(func=report)


def grouped_stats(args: argparse.Namespace) -> int:
    from ..errors import AnnotatorError
    from ..insights.stats import default_layer, grouped, load

    if args.json and args.csv:
        raise AnnotatorError("choose one of --json and --csv")
    with open_from_args(args) as project:
        data = load(project, progress=stderr_progress("reading"))
    layer, why = (args.layer, "chosen") if args.layer else default_layer(data)
    if layer is None:
        print(why)
        return 0
    tables = grouped(data, args.by, args.label or list(data.labels), layer, seed=args.seed)
    if args.json:
        print(json.dumps({"layer": layer, "layer_reason": why,
                          "tables": [t.as_dict() for t in tables]}, indent=2, ensure_ascii=False))
    elif args.csv:
        _write_csv(tables, sys.stdout)
    else:
        _print(tables, why)
    return 0


def _write_csv(tables: list[Any], out: Any) -> None:
    writer = Writer(out)
    writer.writerow(["by", "group", "label", "layer", "documents", "words", "spans",
                     "per_1000_words", "per_1000_low", "per_1000_high", "documents_with_span",
                     "share", "share_low", "share_high", "small_n"])
    for t in tables:
        for r in t.rows:
            d = r.density
            writer.writerow([t.by, r.group, t.label, t.layer, r.documents, r.words, r.spans,
                             *(_round(x) for x in (d.value, d.low, d.high) if d is not None),
                             *(["", "", ""] if d is None else []), r.with_span,
                             *(_round(x) for x in (r.share.value, r.share.low, r.share.high)),
                             int(r.small)])


def _round(x: float | None) -> str:
    return "" if x is None else f"{x:.4f}"


def _print(tables: list[Any], why: str) -> None:
    from ..insights.stats import SMALL_N

    if tables and all(t.message for t in tables) and len({t.message for t in tables}) == 1:
        print(tables[0].message)  # the same for every label (e.g. no document has a story)
        return
    for t in tables:
        print(f"{t.label} by {t.by}, layer {t.layer}" + (f" ({why})" if t.by != "annotator" else ""))
        if t.message:
            print(f"  {t.message}")
            continue
        print(f"  {t.documents:,} documents, {t.words:,} words; 95% bootstrap intervals "
              f"({t.resamples} resamples, seed {t.seed}); * fewer than {SMALL_N} documents")
        width = max(len(r.group) for r in t.rows) + 2
        print(f"  {'group':<{width}} {'docs':>6} {'words':>9} {'spans':>7}  "
              f"{'per 1,000 words [95%]':<24} docs with a span [95%]")
        for r in t.rows:
            d = r.density
            density = "–" if d is None else f"{d.value:.2f} [{_two(d.low)}, {_two(d.high)}]"
            share = f"{r.share.value:.0%} [{_share(r.share.low)}, {_share(r.share.high)}]"
            group = r.group + (" *" if r.small else "")
            print(f"  {group:<{width}} {r.documents:>6,} {r.words:>9,} {r.spans:>7,}  "
                  f"{density:<24} {share}")
        for note in t.notes:
            print(f"  note: {note}")


def _two(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def report(args: argparse.Namespace) -> int:
    from ..wording import plural
    from ..insights.report import write

    with open_from_args(args) as project:
        written = write(project, args.output, by=args.by, labels=args.labels, layer=args.layer,
                        seed=args.seed, progress=stderr_progress("report"))
    what = f"layer {written.layer}, {plural(written.documents, 'document')}" if written.layer \
        else "not enough data yet"
    print(f"wrote {args.output} ({plural(written.charts, 'chart')}; {what})")
    return 0
