"""agreement, merge, adjudicate: reviewing colleagues' work."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..wording import plural
from . import add_project_options, open_from_args


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "agreement", help="inter-annotator agreement: F1, kappa, alpha",
        description="Agreement between annotators on the documents all of them worked on. "
                    "The first annotator named is the reference for precision and recall.")
    add_project_options(p)
    p.add_argument("--annotators", nargs="+", default=[], metavar="NAME",
                   help="annotators to compare, the reference first (default: every human "
                        "annotator, sorted)")
    p.add_argument("--labels", nargs="+", default=[], metavar="KEY",
                   help="labels to measure (default: every label of the scheme)")
    p.add_argument("--documents", nargs="+", default=[], metavar="ID",
                   help="documents, by external or row id (default: all)")
    p.add_argument("--all-documents", action="store_true",
                   help="every document, also those an annotator did not work on (their "
                        "spans count as none), as the SemEval scorers count")
    p.add_argument("--annotated-only", action="store_true",
                   help="token measures: only tokens at least one annotator marked")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV, one row per figure")
    p.add_argument("--worst", type=int, default=10, metavar="N",
                   help="list the N documents with the lowest unitizing alpha (default 10)")
    p.set_defaults(func=agreement)

    p = sub.add_parser(
        "merge", help="merge colleagues' project files or exports into this project",
        description="Merge another project file, or an export naming annotators (JSONL...), "
                    "into this project. Documents are matched by text SHA-256, then by "
                    "external id; unmatched ones are reported. Spans keep their annotator; "
                    "merging the same file twice adds nothing. All or nothing. A project "
                    "file is read from a private read-only copy and never modified.")
    add_project_options(p)
    p.add_argument("paths", nargs="+", metavar="FILE", help="project files or exports")
    p.add_argument("--format", default="auto", help="format of exports (default: from the name)")
    p.add_argument("--annotator", default=None,
                   help="annotator of spans that name none (default: refuse such spans)")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                   help="merge annotator OLD's work as NEW (repeatable)")
    p.add_argument("--add-unmatched", action="store_true",
                   help="add documents this project lacks instead of leaving them out")
    p.set_defaults(func=merge)

    p = sub.add_parser(
        "adjudicate", help="gold layer: pre-merge agreed spans, show adjudication progress",
        description="Settle annotators' spans into a gold layer. --premerge takes every span "
                    "on which all (or --min-agree N) annotators agree exactly, leaving alone "
                    "what is already adjudicated or rejected. Without --premerge, prints the "
                    "progress per document.")
    add_project_options(p)
    p.add_argument("--premerge", action="store_true", help="pre-merge agreed spans into gold")
    p.add_argument("--min-agree", type=int, default=None, metavar="N",
                   help="pre-merge spans at least N annotators marked identically "
                        "(default: all of them)")
    p.add_argument("--adjudicator", default=None, metavar="NAME",
                   help="who adjudicates, recorded on each gold span (default: your user name)")
    p.add_argument("--annotators", nargs="+", default=[], metavar="NAME",
                   help="annotators to adjudicate (default: every human annotator)")
    p.add_argument("--gold", default="gold", metavar="NAME",
                   help="name of the gold layer (default: gold)")
    p.add_argument("--documents", nargs="+", default=[], metavar="ID",
                   help="only these documents, by external or row id")
    p.set_defaults(func=adjudicate)


def agreement(args: argparse.Namespace) -> int:
    from ..agreement import measure, write_csv

    with open_from_args(args) as project:
        result = measure(project, args.annotators, args.labels, args.documents,
                         annotated_only=args.annotated_only, all_documents=args.all_documents)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
        print()
    elif args.csv:
        write_csv(result, None)
    else:
        print_table(result, args.worst)
    return 0


def merge(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import AnnotatorError
    from ..merge import merge as run_merge
    from . import stderr_progress

    rename = {}
    for pair in args.rename:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new.strip():
            raise AnnotatorError(f"--rename wants OLD=NEW, not {pair!r}")
        rename[old] = new
    with open_from_args(args) as project:
        report = run_merge(project, [Path(p) for p in args.paths], format_name=args.format,
                           annotator=args.annotator, rename=rename,
                           add_unmatched=args.add_unmatched, progress=stderr_progress("merging"))
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return 0


def adjudicate(args: argparse.Namespace) -> int:
    from .. import adjudication
    from ..errors import AnnotatorError
    from . import annotator_of

    with open_from_args(args) as project:
        humans = adjudication.human_annotators(project)
        annotators = args.annotators or [a for a in humans if a != args.gold]
        unknown = [a for a in annotators if a not in humans]
        if unknown:
            raise AnnotatorError(f"no human annotator {', '.join(map(repr, unknown))}")
        ids: list[int] = []
        for key in args.documents:
            doc = project.find_document(key)
            if doc is None:
                raise AnnotatorError(f"no document {key!r}")
            ids.append(doc.id)
        if args.premerge:
            report = adjudication.premerge(project, annotators,
                                           annotator_of(project, args.adjudicator),
                                           min_agree=args.min_agree, gold=args.gold,
                                           documents=ids).value
            print(f"pre-merged {plural(report.spans_added, 'span')} into {args.gold} in "
                  f"{plural(report.documents, 'document')}; "
                  f"{plural(report.skipped_adjudicated, 'agreed span')} "
                  "already adjudicated or rejected and left alone")
            return 0
        rows = adjudication.progress(project, annotators, gold=args.gold, documents=ids)
    print(f"{'document':<20} {'open':>5} {'decided':>8} {'agree':>6} {'gold':>5}  status")
    for row in rows:
        print(f"{row.key[:20]:<20} {row.open:>5} {row.decided:>8} {row.agreements:>6} "
              f"{row.gold_spans:>5}  {row.status}")
    done = sum(1 for row in rows if row.status == "done")
    print(f"{plural(len(rows), 'document')}: {plural(sum(r.open for r in rows), 'finding')} open, "
          f"{sum(r.decided for r in rows)} decided; {done} marked done in {args.gold}")
    return 0


def print_table(result: Any, worst: int) -> None:
    names = ", ".join(result.annotators)
    print(f"annotators: {names} (reference for precision and recall: {result.reference})")
    print(f"documents: {result.documents}; labels: {', '.join(result.labels)}"
          + ("; tokens: annotated only" if result.annotated_only else ""))
    for note in result.notes:
        print(f"note: {note}")
    overall = [f for f in result.figures if f.label is None]
    if overall:
        print("\nall labels:")
        for f in overall:
            print(_line(f))
    unused = []
    for label in result.labels:
        figures = [f for f in result.figures if f.label == label]
        marked = sum(f.counts.get("units", 0) for f in figures if f.measure == "unitizing_alpha")
        if marked == 0 and all(f.value is None for f in figures):
            unused.append(label)
            continue
        print(f"\n{label}:")
        for f in figures:
            print(_line(f))
    if unused:
        print(f"\nlabels nobody used (no figures): {', '.join(unused)}")
    ranked = result.most_disagreed()[:worst]
    if ranked:
        print(f"\ndocuments with the lowest unitizing alpha (of {len(result.per_document)}):")
        print(f"  {'alpha_U':>7} {'fleiss':>7} {'f1 mean':>7}  document")
        for d in ranked:
            f1s = [f.value for f in d.figures if f.measure == "f1" and f.value is not None]
            cells = [d.value("unitizing_alpha"), d.value("fleiss_kappa"),
                     sum(f1s) / len(f1s) if f1s else None]
            shown = " ".join(f"{'n/a' if v is None else f'{v:.3f}':>7}" for v in cells)
            print(f"  {shown}  {d.key}  {d.title[:50]}")


def _line(f: Any) -> str:
    value = "n/a" if f.value is None else f"{f.value:.4f}"
    counts = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in f.counts.items())
    why = f"  ({f.reason})" if f.reason else ""
    return (f"  {f.measure:<18} {f.method:<16} {'/'.join(f.annotators):<18} {value:>8}  "
            f"[{f.unit}: {counts}]{why}")
