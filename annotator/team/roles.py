"""Who is on a team: group roles ``DB_annotator``, ``DB_reviewer``, ``DB_admin``
and one login role per member.

Identifiers are always composed with :class:`psycopg.sql.Identifier`, values
bound or quoted by psycopg; a password is sent only as a SCRAM-SHA-256
verifier computed here, so neither the server's log nor ours ever sees it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psycopg import sql

from ..errors import AnnotatorError, ProjectError
from . import ROLES

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # annotator, reviewer or admin
    can_login: bool


def group_names(cursor: Any) -> dict[str, str]:
    """role -> the group role of this database's team, e.g. ``study_admin``."""
    cursor.execute("SELECT current_database()")
    database = cursor.fetchone()[0]
    return {role: f"{database}_{role}" for role in ROLES}


def create_groups(cursor: Any) -> dict[str, str]:
    """The three group roles (made if missing), only they may connect."""
    groups = group_names(cursor)
    for group in groups.values():
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
    cursor.execute("SELECT current_database()")
    database = sql.Identifier(cursor.fetchone()[0])
    cursor.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(database))
    cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        database, sql.SQL(", ").join(map(sql.Identifier, groups.values()))))
    return groups


@contextmanager
def team_cursor(project: Project) -> Iterator[Any]:
    """A psycopg cursor in one transaction of a server project (committed on exit)."""
    if project.engine.dialect.name != "postgresql":
        raise ProjectError(f"{project.location}: team commands need a PostgreSQL project "
                           "(--db postgresql+psycopg://USER@HOST/DB)")
    import psycopg

    with project.engine.begin() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            yield cursor
        except psycopg.errors.InsufficientPrivilege as exc:
            raise AnnotatorError(f"{project.location}: not allowed: {exc.diag.message_primary}"
                                 ) from None
        except psycopg.Error as exc:
            raise AnnotatorError(f"{project.location}: {exc.diag.message_primary or exc}"
                                 ) from None


def current_user(project: Project) -> str:
    """The database user: on a server, the annotator of every edit."""
    with team_cursor(project) as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def role_of(project: Project) -> str | None:
    """The team role of the database user (admin for the project's owner or a
    superuser), None for someone outside the team."""
    with team_cursor(project) as cursor:
        return _role(cursor)


def _role(cursor: Any) -> str | None:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    cursor.execute("SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'project_info'"
                   " AND schemaname = current_schema()")
    owner = cursor.fetchone()
    if (row and row[0]) or (owner and owner[0]):
        return "admin"
    groups = group_names(cursor)
    for role in reversed(ROLES):  # the strongest first
        cursor.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (groups[role],))
        if cursor.fetchone()[0]:
            return role
    return None


def require_admin(project: Project, what: str) -> None:
    """Refuse ``what`` unless the database user is an admin of the team."""
    if project.engine.dialect.name == "postgresql" and role_of(project) != "admin":
        raise AnnotatorError(f"{project.location}: only an admin of the team can {what}")


def add_user(project: Project, name: str, role: str, password: str | None = None) -> None:
    """Make ``name`` a member with ``role`` (a login role made if missing; an
    admin may create roles), with an annotator of that name."""
    if role not in ROLES:
        raise AnnotatorError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 63:
        raise AnnotatorError("a user name has 1 to 63 characters")
    with team_cursor(project) as cursor:
        groups = group_names(cursor)
        user = sql.Identifier(name)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cursor.fetchone() is None:
            options = sql.SQL("LOGIN CREATEROLE" if role == "admin" else "LOGIN")
            cursor.execute(sql.SQL("CREATE ROLE {} {}").format(user, options))
        else:
            cursor.execute(sql.SQL("ALTER ROLE {} LOGIN").format(user))
        if password is not None:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                user, sql.Literal(scram_verifier(password))))
        for other in ROLES:
            if other != role:
                cursor.execute(sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(groups[other]), user))
        cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[role]), user))
        cursor.execute("INSERT INTO annotator (name, kind, created_at) "
                       "VALUES (%s, 'human', now() AT TIME ZONE 'utc') "
                       "ON CONFLICT (name) DO NOTHING", (name,))


def remove_user(project: Project, name: str) -> None:
    """Take ``name`` off the team at once: out of every group (their open
    sessions lose access with their next statement), and no more log in.
    Their annotations stay."""
    with team_cursor(project) as cursor:
        groups = group_names(cursor)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cursor.fetchone() is None:
            raise AnnotatorError(f"{project.location}: no user {name!r}")
        user = sql.Identifier(name)
        for group in groups.values():
            cursor.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), user))
        cursor.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(user))


def members(project: Project) -> list[Member]:
    """The team, by name."""
    with team_cursor(project) as cursor:
        groups = group_names(cursor)
        by_group = {group: role for role, group in groups.items()}
        cursor.execute(
            "SELECT m.rolname, g.rolname, m.rolcanlogin FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
            "WHERE g.rolname = ANY(%s) ORDER BY m.rolname", (list(groups.values()),))
        return [Member(name, by_group[group], login) for name, group, login in cursor.fetchall()]


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677)."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
