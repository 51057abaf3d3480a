"""init, stats, schemes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..wording import plural
from . import add_project_options, open_from_args
from .insights import add_stats_options, grouped_stats


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create an empty project file",
                       description="Create an empty project holding a label scheme.")
    p.add_argument("path", metavar="PATH", nargs="?", help="the new project file")
    p.add_argument("--db", metavar="URL", help="instead of a file: an empty database on a "
                   "server (postgresql+psycopg://USER@HOST/DB), made a team project")
    p.add_argument("--scheme", default=None, metavar="NAME|FILE",
                   help="bundled scheme name or a scheme TOML file (default: media-bias)")
    p.set_defaults(func=init)

    p = sub.add_parser("stats", help="documents, spans per label and annotator, progress")
    add_project_options(p, read_only=True)
    p.add_argument("--json", action="store_true", help="print JSON")
    add_stats_options(p)
    p.set_defaults(func=stats)

    p = sub.add_parser("schemes", help="list the bundled label schemes and their labels")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=schemes)


def init(args: argparse.Namespace) -> int:
    from ..project import Project
    from ..schemes import resolve_scheme

    from ..errors import AnnotatorError
    from ..store import display_url

    if (args.path is None) == (args.db is None):
        raise AnnotatorError("init: name a new project file or give --db URL (one of them)")
    scheme = resolve_scheme(args.scheme)
    with Project.create(Path(args.path) if args.path else None, scheme, url=args.db):
        pass
    where = args.path or display_url(args.db)
    print(f"created {where} with the {scheme.name} scheme ({plural(len(scheme.labels), 'label')})")
    return 0


def stats(args: argparse.Namespace) -> int:
    if args.by:
        return grouped_stats(args)
    with open_from_args(args) as project:
        figures = project.stats()
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    print(f"documents: {figures['documents']}")
    print(f"spans: {figures['spans']}")
    for title, key in (("per label", "spans_per_label"), ("per annotator", "spans_per_annotator")):
        if figures[key]:
            print(f"spans {title}:")
            for name, count in figures[key].items():
                print(f"  {name}: {count}")
    for name, counts in figures["progress"].items():
        print(f"progress of {name}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()))
    return 0


def schemes(args: argparse.Namespace) -> int:
    from ..schemes import DEFAULT_SCHEME, bundled_schemes, load_scheme

    loaded = [load_scheme(path) for path in bundled_schemes().values()]
    if args.json:
        print(json.dumps([s.to_dict() for s in loaded], indent=2, ensure_ascii=False))
        return 0
    for scheme in loaded:
        default = " (default)" if scheme.name == DEFAULT_SCHEME else ""
        print(f"{scheme.name}{default}: {scheme.title}")
        for label in scheme.labels:
            key = f"[{label.shortcut}] " if label.shortcut else "    "
            print(f"  {key}{label.key}  {label.name}")
        for doc_label in scheme.document_labels:
            print(f"  (document) {doc_label.key}  {doc_label.name}")
    return 0
