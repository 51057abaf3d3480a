"""import and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import default_annotator
from . import add_project_options, open_from_args, stderr_progress


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ..formats import readers, writers

    p = sub.add_parser("import", help="import articles (and their spans) into the project",
                       description="Import articles. All or nothing: an error anywhere "
                                   "writes nothing and names the file and line.",
                       epilog="SemEval-2020 Task 11: annotator import --format semeval "
                              "ARTICLES_DIR LABELS_FILE. W3C annotations attach to "
                              "documents already in the project.")
    add_project_options(p)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files, folders, or http(s) URLs of articles, PDFs and feeds")
    p.add_argument("--format", default="auto",
                   choices=["auto", *sorted(f.name for f in readers())])
    p.add_argument("--annotator", default=None,
                   help="annotator of spans that name none (default: your user name)")
    p.add_argument("--label", default=None, metavar="KEY",
                   help="label of spans the file gives none (SemEval span identification: "
                        "default propaganda; W3C annotations without a tagging body)")
    p.add_argument("--add-labels", action="store_true",
                   help="add labels (and span attributes) the scheme lacks instead of "
                        "refusing the import")
    p.add_argument("--spans-key", default="sc", metavar="KEY",
                   help="spaCy DocBin: the doc.spans group to read (default sc; else doc.ents)")
    p.add_argument("--offset-unit", choices=["utf16", "codepoint"], default=None,
                   help="doccano: how the file counts offsets (default utf16, doccano's own; "
                        "needed for text outside the BMP without a sha256)")
    p.add_argument("--reanchor", action="store_true",
                   help="labelstudio: a region whose text is not at its offsets moves to "
                        "that text nearby (each move reported) instead of being refused")
    p.add_argument("--encoding", default=None, metavar="NAME", type=_encoding,
                   help="text encoding of every file, e.g. cp1252 (default: UTF-8 if the "
                        "file is that, else detected; the import says which it used)")
    p.set_defaults(func=import_)

    p = sub.add_parser("export", help="export spans",
                       description="Export spans. Offsets are [start, end) in Unicode code "
                                   "points of the stored text, except in formats whose tools "
                                   "count UTF-16 units (labelstudio; doccano by default).")
    add_project_options(p, read_only=True)
    p.add_argument("--format", required=True, choices=sorted(f.name for f in writers()))
    p.add_argument("-o", "--output", default="-", metavar="PATH",
                   help="output file, or folder for semeval and brat "
                        "('-': standard output, the default)")
    p.add_argument("--annotator", action="append", default=[], dest="annotators",
                   metavar="NAME", help="only this annotator's spans (repeatable)")
    p.add_argument("--label", action="append", default=[], dest="labels", metavar="KEY",
                   help="only spans with this label (repeatable)")
    p.add_argument("--document", action="append", default=[], dest="documents", metavar="ID",
                   help="only this document, by id (repeatable)")
    p.add_argument("--keep-formulas", action="store_true",
                   help="CSV: do not neutralize cells a spreadsheet would run as formulas")
    p.add_argument("--gold", action="store_true",
                   help="only the gold (adjudicated) annotators' spans")
    p.add_argument("--spans-key", default="sc", metavar="KEY",
                   help="spaCy DocBin: the doc.spans group to write (default sc)")
    p.add_argument("--offset-unit", choices=["utf16", "codepoint"], default=None,
                   help="doccano: how to count offsets (default utf16, doccano's own)")
    p.set_defaults(func=export)


def _encoding(name: str) -> str:
    from ..errors import FormatError
    from ..text import known_encoding

    try:
        return known_encoding(name)
    except FormatError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def import_(args: argparse.Namespace) -> int:
    from ..formats import ReadOptions, import_files
    from ..intake.fetch import is_url

    options = ReadOptions(progress=stderr_progress("importing"), label=args.label,
                          spans_key=args.spans_key, offset_unit=args.offset_unit,
                          reanchor=args.reanchor, encoding=args.encoding)
    with open_from_args(args) as project:
        annotator = args.annotator or default_annotator()
        if project.engine.dialect.name == "postgresql":  # a team project: admins import
            from ..team.roles import current_user, require_admin

            require_admin(project, "import articles (and use --annotator)")
            annotator = args.annotator or current_user(project)
        report = import_files(project, [p if is_url(p) else Path(p) for p in args.paths],
                              format_name=args.format,
                              annotator=annotator, options=options,
                              add_labels=args.add_labels)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return 0


def export(args: argparse.Namespace) -> int:
    from ..domain import SpanFilter
    from ..formats import WriteOptions
    from ..formats import export as run_export

    where = SpanFilter(tuple(args.annotators), tuple(args.labels), tuple(args.documents))
    target = None if args.output == "-" else Path(args.output)
    with open_from_args(args) as project:
        unknown = [label for label in args.labels if not project.scheme.has_label(label)]
        if unknown:
            from ..errors import FormatError

            raise FormatError(f"no label {', '.join(map(repr, unknown))} in the project's scheme")
        options = WriteOptions(where=where, neutralize_formulas=not args.keep_formulas,
                               progress=stderr_progress("exporting"), gold=args.gold,
                               spans_key=args.spans_key, offset_unit=args.offset_unit)
        report = run_export(project, args.format, target, options)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if target is not None:
        print(f"wrote {report.summary()} to {target}", file=sys.stderr)
    return 0
