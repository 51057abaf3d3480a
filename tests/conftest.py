"""Shared fixtures: every test gets its own data folder and project files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.project import Project  # noqa: E402
from annotator.schemes import resolve_scheme  # noqa: E402

# Text that trips UTF-16 and CRLF counting: emoji (astral), a combining mark,
# CJK, right-to-left Arabic, NBSP, CRLF line breaks.
TRICKY = "Title 🙂\r\n\r\nThe cafe\u0301 «thugs» 🇺🇦 attacked\u00a0民主 مرحبا regime.\r\nEnd 👍🏽 here."


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.annotator"


@pytest.fixture
def project(project_path: Path):
    with Project.create(project_path, resolve_scheme("media-bias")) as p:
        yield p


def write_jsonl(path: Path, *records: dict) -> Path:
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


# -- PostgreSQL (team projects) ---------------------------------------------------
# A real server: 127.0.0.1:5432 with trust authentication on this project's
# machines and CI (ANNOTATOR_TEST_PG overrides). Each test that asks gets a new,
# uniquely named database, dropped afterwards with the roles named after it.
PG_SERVER = os.environ.get("ANNOTATOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
_PG_RUN = f"annotator_t{os.getpid()}_{os.urandom(3).hex()}"
_pg_count = iter(range(1, 1_000_000))


def _pg_admin():
    """A superuser connection to the server's postgres database, or skip (fail
    when ANNOTATOR_REQUIRE_PG=1, as .ci/run sets where a server runs)."""
    import psycopg

    from annotator.team.notify import conninfo

    try:
        return psycopg.connect(conninfo(f"{PG_SERVER}/postgres"), autocommit=True,
                               connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL server at {PG_SERVER} ({str(exc).strip().splitlines()[0]})"
        if os.environ.get("ANNOTATOR_REQUIRE_PG") == "1":
            pytest.fail(f"{reason}; ANNOTATOR_REQUIRE_PG=1 requires one")
        pytest.skip(reason)


@pytest.fixture
def pg_url():
    """The URL of a new empty database (as the server's superuser); its name
    prefixes every role a test makes (roles are global to a server)."""
    from psycopg import sql

    admin = _pg_admin()
    name = f"{_PG_RUN}_{next(_pg_count)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        roles = admin.execute("SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)",
                              (name + "_",)).fetchall()
        for (role,) in roles:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_project(request: pytest.FixtureRequest, project_path: Path):
    """A new project on each backend: a file, and a database on the server."""
    if request.param == "sqlite":
        with Project.create(project_path, resolve_scheme("media-bias")) as p:
            yield p
        return
    url = request.getfixturevalue("pg_url")
    with Project.create(None, resolve_scheme("media-bias"), url=url) as p:
        yield p
