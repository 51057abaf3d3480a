"""check, backup."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..wording import plural
from . import add_project_options

if TYPE_CHECKING:
    from ..check import CheckReport


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check", help="check a project file's integrity (and repair what is safe)",
        description="Check a project file read-only: SQLite integrity and foreign keys, the "
                    "schema, orphaned rows, spans outside their text, texts against their "
                    "SHA-256. Exit status 0 when healthy, 1 when problems were found.")
    add_project_options(p)
    p.add_argument("--repair", action="store_true",
                   help="take a backup, then drop triggers and views that are not ours and "
                        "delete orphaned rows, in one transaction")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=check)

    p = sub.add_parser(
        "backup", help="back up the project, list its backups or restore one",
        description="Take a consistent backup into NAME.backups/ beside the project (old ones "
                    "are pruned after the project setting backup_days, default 14), list "
                    "them, or restore one (the current state is backed up first).")
    add_project_options(p)
    action = p.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the backups, newest first")
    action.add_argument("--restore", metavar="NAME", help="restore the backup NAME (see --list)")
    action.add_argument("--keep-days", type=int, metavar="N",
                        help="keep backups N days (a project setting), then prune")
    p.add_argument("--json", action="store_true", help="print JSON (with --list)")
    p.set_defaults(func=backup)


def project_file(args: argparse.Namespace) -> Path:
    """The project file named by ``--project``/``--db``, else the default one."""
    from ..errors import ProjectError
    from ..paths import default_project_path
    from ..store import sqlite_path

    if args.db:
        path = sqlite_path(args.db)
        if path is None:
            raise ProjectError(f"{args.db}: only an SQLite project file can be checked or backed up")
        return path
    return Path(args.project) if args.project else default_project_path()


def check(args: argparse.Namespace) -> int:
    from ..check import check_project, repair_project

    path = project_file(args)
    if not args.repair:
        report = check_project(path)
        if args.json:
            print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        else:
            _print_report(report)
        return 0 if report.healthy else 1
    repaired = repair_project(path)
    after = repaired.after
    if args.json:
        print(json.dumps(repaired.to_dict(), indent=2, ensure_ascii=False))
        return 0 if after.healthy else 1
    if repaired.backup is None:
        print(f"{path}: nothing to repair" if after.healthy
              else f"{path}: nothing can be repaired safely; the problems below need a person")
    else:
        print(f"backed up to {repaired.backup}")
        for title, count in repaired.deleted.items():
            print(f"deleted {count} {title}")
    _print_report(after)
    return 0 if after.healthy else 1


def _print_report(report: CheckReport) -> None:
    if report.healthy:
        print(f"{report.file}: healthy ({', '.join(c.replace('_', ' ') for c in report.checks)} "
              "checked)")
        return
    for finding in report.findings:
        print(f"{report.file}: {finding.line()}")
    kinds, fixable = len(report.findings), len(report.fixable)
    hint = (f"; `annotator check --repair` fixes {fixable} of them after a backup" if fixable
            else "")
    print(f"{report.file}: {kinds} kind{'s' if kinds > 1 else ''} of problem found{hint}")


def _keep_days(args: argparse.Namespace, path: Path) -> int:
    from .. import backups
    from ..errors import ProjectError
    from ..project import Project

    if args.keep_days < 1:
        raise ProjectError("--keep-days must be at least 1")
    with Project.open(path) as project:
        project.set_setting(backups.KEEP_DAYS_SETTING, args.keep_days)
    pruned = backups.prune_backups(path, keep_days=args.keep_days)
    print(f"{path}: backups are kept {args.keep_days} days; {len(pruned)} pruned")
    return 0


def backup(args: argparse.Namespace) -> int:
    from .. import backups

    path = project_file(args)
    if args.restore:
        print(backups.restore_backup(path, args.restore).summary())
        return 0
    if args.keep_days is not None:
        return _keep_days(args, path)
    if not args.list:
        print(f"backed up to {backups.take_backup(path)}")
        return 0
    found = backups.list_backups(path)
    if args.json:
        print(json.dumps([{"name": b.name, "path": str(b.path), "taken_at": b.taken_at.isoformat() + "Z",
                           "size": b.size, "documents": b.documents, "spans": b.spans,
                           "problem": b.problem} for b in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print(f"{path}: no backups yet (in {backups.backup_folder(path)})")
    for b in found:
        counts = (f"{plural(b.documents, 'document')}, {plural(b.spans, 'span')}"
                  if b.documents is not None and b.spans is not None else f"unreadable: {b.problem}")
        print(f"{b.name}  {b.taken_at:%Y-%m-%d %H:%M} UTC  {b.size / 1e6:.1f} MB  {counts}")
    return 0
