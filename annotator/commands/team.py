"""team: members, assignments, progress and push for a project on PostgreSQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..wording import plural
from . import add_project_options, open_from_args, stderr_progress


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    team = sub.add_parser("team", help="team projects on PostgreSQL: users, assignments, push",
                          description="Manage a team project on a PostgreSQL server "
                                      "(--db postgresql+psycopg://USER@HOST/DB). The password "
                                      "comes from ~/.pgpass, PGPASSWORD or a prompt.")
    commands = team.add_subparsers(dest="team_command", metavar="COMMAND", required=True)

    p = commands.add_parser("add-user", help="add a member (a login role) with a role")
    add_project_options(p)
    p.add_argument("name", metavar="NAME", help="the member's database user name")
    p.add_argument("--role", required=True, choices=["annotator", "reviewer", "admin"])
    p.add_argument("--password-stdin", action="store_true",
                   help="read the new user's password from the first line of standard input")
    p.set_defaults(func=add_user)

    p = commands.add_parser("remove-user", help="take a member off the team at once "
                                                "(their annotations stay)")
    add_project_options(p)
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=remove_user)

    p = commands.add_parser("list", help="the members and their roles")
    add_project_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=list_team)

    p = commands.add_parser("assign", help="give documents to annotators (admins)")
    add_project_options(p)
    p.add_argument("--annotators", nargs="+", required=True, metavar="NAME")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--documents", nargs="+", metavar="ID",
                       help="documents by external id or row id")
    which.add_argument("--all", action="store_true", help="every document")
    p.add_argument("--per-document", type=int, default=None, metavar="N",
                   help="give each document to N of the annotators, spreading the load "
                        "(default: to all of them)")
    p.set_defaults(func=assign)

    p = commands.add_parser("progress", help="each annotator's assigned documents by status "
                                             "(reviewers see everyone, annotators themselves)")
    add_project_options(p, read_only=True)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=progress)

    p = commands.add_parser("push", help="upload a local project file into a team project "
                                         "(admins): documents, spans, annotators, gold")
    add_project_options(p)
    p.add_argument("source", metavar="PROJECT", help="the local .annotator file")
    p.set_defaults(func=push)


def add_user(args: argparse.Namespace) -> int:
    from ..team import roles

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            from ..errors import AnnotatorError

            raise AnnotatorError("--password-stdin: standard input gave no password")
    with open_from_args(args) as project:
        roles.add_user(project, args.name, args.role, password)
    print(f"{args.name} is a member with the role {args.role}")
    return 0


def remove_user(args: argparse.Namespace) -> int:
    from ..team import roles

    with open_from_args(args) as project:
        roles.remove_user(project, args.name)
    print(f"{args.name} is no longer on the team")
    return 0


def list_team(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ..team import roles

    with open_from_args(args) as project:
        members = roles.members(project)
    if args.json:
        print(json.dumps([asdict(m) for m in members], indent=2, ensure_ascii=False))
        return 0
    for member in members:
        print(f"{member.name}\t{member.role}" + ("" if member.can_login else "\t(cannot log in)"))
    return 0


def assign(args: argparse.Namespace) -> int:
    from ..team import assign as assignments
    from ..team import roles

    with open_from_args(args) as project:
        roles.require_admin(project, "assign documents")
        ids = project.document_ids() if args.all else project.resolve_documents(args.documents)
        added = assignments.assign(project, args.annotators, ids, args.per_document)
    print(f"{plural(added, 'assignment')} added ({plural(len(ids), 'document')}, "
          f"{plural(len(args.annotators), 'annotator')})")
    return 0


def progress(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ..team import assign as assignments

    with open_from_args(args) as project:
        rows = assignments.progress(project)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False))
        return 0
    print("annotator\tassigned\tto do\tin progress\tdone\tspans")
    for r in rows:
        print(f"{r.annotator}\t{r.assigned}\t{r.todo}\t{r.in_progress}\t{r.done}\t{r.spans}")
    return 0


def push(args: argparse.Namespace) -> int:
    from ..team import push as pushing

    with open_from_args(args) as project:
        report = pushing.push(Path(args.source), project, progress=stderr_progress("pushing"))
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return 0
