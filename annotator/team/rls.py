"""Row-level security: the database, not the app, keeps annotation blind.

- an annotator reads and writes only their own spans, statuses, document
  labels, rejections and work sessions, and sees only their assignments;
- a reviewer reads everyone's and writes the gold layer (annotators of kind
  ``gold``, and the adjudication and review settings);
- an admin manages documents, the scheme and settings, annotators and
  assignments, and may add anyone's rows (imports, ``team push``) and raise
  their statuses, but, like everyone, changes and deletes only their own spans;
- everyone reads documents (and their sources), annotators and the
  project's facts; every table the models add later falls under this rule.

Policies are permissive and name the group roles, so a member's rights are
their group's; the project's owner (who ran ``init``) is not bound by them.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

MINE = "annotator_id IN (SELECT id FROM annotator WHERE name = current_user)"
GOLD = "annotator_id IN (SELECT id FROM annotator WHERE kind = 'gold')"
# Settings a reviewer writes: the gold layer's rejections, the compare view's choice.
REVIEW_SETTINGS = "key LIKE 'setting:adjudication:%' OR key LIKE 'setting:review:%'"
# Tables whose rows belong to one annotator.
OWNED = ("span", "document_status", "document_label", "rejected_suggestion",
         "annotation_session")
# Owned tables an admin's import may raise for others (statuses, document labels).
RAISED_BY_IMPORT = ("document_status", "document_label")
# Every other table of the models (documents, their raw sources, fingerprints,
# tombstones, annotators, the project's facts...) everyone reads and admins
# write; annotator, project_info and assignment have rules of their own besides.


def install(cursor: Any, groups: dict[str, str]) -> None:
    """Grants and policies on every table of the project."""
    ann, rev, adm = (sql.Identifier(groups[r]) for r in ("annotator", "reviewer", "admin"))
    everyone = sql.SQL(", ").join((ann, rev, adm))
    run = cursor.execute
    run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(everyone))
    run(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}")
        .format(everyone))
    run(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {}").format(everyone))
    run(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}")
        .format(everyone))

    def policy(table: str, name: str, command: str, to: sql.Composable,
               using: str | None, check: str | None = None) -> None:
        parts = [sql.SQL("CREATE POLICY {} ON {} FOR {} TO {}").format(
            sql.Identifier(f"{table}_{name}"), sql.Identifier(table), sql.SQL(command), to)]
        if using is not None:
            parts.append(sql.SQL("USING ({})").format(sql.SQL(using)))
        if check is not None:
            parts.append(sql.SQL("WITH CHECK ({})").format(sql.SQL(check)))
        run(sql.SQL(" ").join(parts))

    from ..models import Base

    tables = sorted(Base.metadata.tables)
    for table in tables:
        run(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))
    for table in OWNED:
        policy(table, "own", "ALL", everyone, MINE, MINE)
        policy(table, "review", "SELECT", sql.SQL(", ").join((rev, adm)), "true")
        policy(table, "gold", "ALL", rev, GOLD, GOLD)
        policy(table, "import", "INSERT", adm, None, "true")
    for table in RAISED_BY_IMPORT:
        policy(table, "raise", "UPDATE", adm, "true", "true")
    for table in [t for t in tables if t not in OWNED and t != "assignment"]:
        policy(table, "read", "SELECT", everyone, "true")
        policy(table, "manage", "ALL", adm, "true", "true")
    policy("annotator", "self", "INSERT", everyone, None,
           "name = current_user AND kind = 'human'")
    policy("annotator", "gold", "INSERT", rev, None, "kind = 'gold'")
    policy("project_info", "review", "ALL", rev, REVIEW_SETTINGS, REVIEW_SETTINGS)
    policy("assignment", "own", "SELECT", ann, MINE)
    policy("assignment", "review", "SELECT", rev, "true")
    policy("assignment", "manage", "ALL", adm, "true", "true")
