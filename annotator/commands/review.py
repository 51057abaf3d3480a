"""agreement, merge, adjudicate: reviewing colleagues' work."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from . import add_project_options, open_from_args


def add(sub: argparse._SubParsersAction) -> None:
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


def agreement(args: argparse.Namespace) -> int:
    from ..agreement import measure

    with open_from_args(args) as project:
        result = measure(project, args.annotators, args.labels, args.documents,
                         annotated_only=args.annotated_only)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=1, ensure_ascii=False)
        print()
    elif args.csv:
        write_csv(result)
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


CSV_COLUMNS = ("document", "measure", "method", "label", "annotators", "value", "reason", "unit",
               "counts")


def write_csv(result: Any) -> None:
    from ..formats.csv import neutralize

    writer = csv.writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    rows = [("", f) for f in result.figures] + \
        [(d.key, f) for d in result.per_document for f in d.figures]
    for document, f in rows:
        writer.writerow([neutralize(document), f.measure, f.method, neutralize(f.label or ""),
                         neutralize(" ".join(f.annotators)),
                         "" if f.value is None else repr(f.value), f.reason, f.unit,
                         json.dumps(dict(f.counts))])


def print_table(result: Any, worst: int) -> None:
    names = ", ".join(result.annotators)
    print(f"annotators: {names} (reference for precision and recall: {result.reference})")
    print(f"documents: {result.documents}; labels: {', '.join(result.labels)}"
          + ("; tokens: annotated only" if result.annotated_only else ""))
    for note in result.notes:
        print(f"note: {note}")
    for f in result.figures:
        print(_line(f))
    ranked = [d for d in result.most_disagreed()][:worst]
    if ranked:
        print(f"\ndocuments with the lowest unitizing alpha (of {len(result.per_document)}):")
        for d in ranked:
            value = d.value("unitizing_alpha")
            shown = "n/a" if value is None else f"{value:.3f}"
            print(f"  {shown:>7}  {d.key}  {d.title[:60]}")


def _line(f: Any) -> str:
    value = "n/a" if f.value is None else f"{f.value:.4f}"
    counts = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in f.counts.items())
    why = f"  ({f.reason})" if f.reason else ""
    return (f"{f.measure:<18} {f.method:<16} {f.label or '(all labels)':<22} "
            f"{'/'.join(f.annotators):<18} {value:>8}  [{f.unit}: {counts}]{why}")
