"""documents: list, edit and remove documents (the text itself never changes)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ..domain import DocumentData
from ..wording import plural
from . import add_project_options, open_from_args

if TYPE_CHECKING:
    from ..project import Project

FIELDS = (("title", "title"), ("outlet", "outlet"), ("author", "author"), ("date", "published"),
          ("url", "url"), ("language", "language"))


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("documents", help="list, edit or remove documents",
                       description="List documents with their metadata (the default); edit "
                                   "a document's title, outlet, author, date, URL or "
                                   "language; remove a document and its spans (a later merge "
                                   "does not bring it back). The text itself never changes.",
                       epilog="annotator documents edit a1 --title 'New title' --date 2024-03-05")
    add_project_options(p)
    p.add_argument("action", nargs="?", choices=("list", "edit", "remove"), default="list")
    p.add_argument("document", nargs="?", metavar="ID", help="external id or row id (edit, remove)")
    p.add_argument("--json", action="store_true", help="list: print JSON")
    for flag, _ in FIELDS:
        p.add_argument(f"--{flag}", default=None,
                       help=f"edit: new {flag} ('' clears it)" + (", YYYY-MM-DD" if flag == "date"
                                                                  else ""))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.action != "list" and args.document is None:
        from ..errors import EditError

        raise EditError(f"documents {args.action}: name the document (its id)")
    return {"list": list_documents, "edit": edit_document, "remove": remove_document}[
        args.action](args)


def _record(doc: DocumentData) -> dict[str, Any]:
    return {"id": doc.key, "row": doc.id, **{flag: getattr(doc, column) for flag, column in FIELDS},
            "story": doc.meta.get("story"), "characters": len(doc.text)}


def list_documents(args: argparse.Namespace) -> int:
    with open_from_args(args) as project:
        records = [_record(doc) for doc in project.documents()]
    if args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    for r in records:
        details = " · ".join(str(r[k]) for k in ("outlet", "author", "date") if r[k])
        print(f"{r['id']}\t{r['title']}" + (f"\t{details}" if details else ""))
    return 0


def _one(project: Project, key: str) -> int:
    from ..errors import EditError

    ids = project.resolve_documents([key])
    if len(ids) != 1:
        raise EditError(f"{key!r} names {len(ids)} documents; give the row id (documents --json)")
    return ids[0]


def edit_document(args: argparse.Namespace) -> int:
    from ..errors import EditError

    changes = {column: getattr(args, flag) for flag, column in FIELDS
               if getattr(args, flag) is not None}
    if not changes:
        raise EditError("nothing to change: give --title, --outlet, --author, --date, --url "
                        "or --language")
    with open_from_args(args) as project:
        doc = project.update_document(_one(project, args.document), **changes).value
    print(f"{doc.key}: " + ", ".join(f"{flag} {getattr(doc, column)!r}" for flag, column in FIELDS
                                     if column in changes))
    return 0


def remove_document(args: argparse.Namespace) -> int:
    with open_from_args(args) as project:
        removed = project.remove_document(_one(project, args.document)).value
    print(f"removed {removed.title or args.document!r} with {plural(removed.spans, 'span')}")
    return 0
