"""The project file: settings, durability, and refusing what is not ours."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator import store
from annotator.errors import ProjectError
from annotator.project import Project
from annotator.schemes import resolve_scheme


def test_every_connection_has_foreign_keys_wal_and_full_sync(project: Project) -> None:
    with project.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == store.BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(project: Project) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), project.engine.begin() as conn:
        conn.execute(text("INSERT INTO span (document_id, annotator_id, label, start, \"end\", "
                          "note, attributes, origin, provenance, created_at, updated_at) "
                          "VALUES (999, 999, 'x', 0, 1, '', '{}', 'manual', '{}', 0, 0)"))


def test_an_acknowledged_edit_survives_a_kill(project_path: Path) -> None:
    Project.create(project_path, resolve_scheme("media-bias")).close()
    script = textwrap.dedent(f"""
        import os, signal
        from annotator.project import Project
        from annotator.domain import IncomingDocument
        p = Project.open({str(project_path)!r})
        p.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
        p.add_span(1, "ana", "loaded-term", 4, 10)
        print("acknowledged", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.stdout.strip() == "acknowledged" and run.returncode != 0
    with Project.open(project_path) as p:
        assert [(s.label, s.start, s.end) for s in p.spans(1)] == [("loaded-term", 4, 10)]


def test_the_schema_revision_matches_the_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == store.SCHEMA_REVISION


def test_migrations_build_the_same_schema_as_the_models(tmp_path: Path) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from annotator.models import Base

    engine = store.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _untouched(path: Path) -> tuple[bytes, float]:
    return path.read_bytes(), path.stat().st_mtime


def test_a_project_from_a_newer_version_is_refused_and_untouched(project_path: Path) -> None:
    Project.create(project_path, resolve_scheme(None)).close()
    with sqlite3.connect(project_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = _untouched(project_path)
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(project_path)
    assert _untouched(project_path) == before
    assert not list(project_path.parent.glob("*.bak"))


@pytest.mark.parametrize("content, message", [
    (b"just some text, not a database", "not a project file"),
    (b"SQLite format 3\x00" + b"\x00" * 200, "damaged"),
])
def test_foreign_and_damaged_files_are_refused_and_untouched(
        tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.annotator"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        Project.open(path)
    assert path.read_bytes() == content


def test_another_apps_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()
    with pytest.raises(ProjectError, match="not a project of this app"):
        Project.open(path)


def test_missing_file_and_existing_target_are_clear_errors(project_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(project_path)
    Project.create(project_path, resolve_scheme(None)).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path, resolve_scheme(None))


def test_readonly_open_never_writes(project_path: Path) -> None:
    Project.create(project_path, resolve_scheme(None)).close()
    before = _untouched(project_path)
    with Project.open(project_path, readonly=True) as p:
        assert p.document_count() == 0
        with pytest.raises(ProjectError):
            p.ensure_annotator("intruder")
    assert _untouched(project_path) == before


def test_default_project_is_made_once_with_the_samples(data_dir: Path) -> None:
    from annotator.defaults import open_project

    with open_project() as p:
        assert p.document_count() == 3 and p.scheme.name == "media-bias"
        p.add_span(1, "me", "loaded-term", 0, 7)
    with open_project() as p:
        assert p.document_count() == 3 and len(p.spans(1)) == 1
    assert sorted(x.name for x in data_dir.iterdir() if x.suffix == ".annotator") == ["default.annotator"]


def test_an_older_project_is_backed_up_then_upgraded(project_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend this app is one release ahead: a copy of our migrations plus a 9000.
    import shutil

    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "9000_add_colour.py").write_text(textwrap.dedent(f'''
        import sqlalchemy as sa
        from alembic import op
        revision = "9000"
        down_revision = "{store.SCHEMA_REVISION}"
        branch_labels = depends_on = None
        def upgrade():
            with op.batch_alter_table("annotator") as batch:
                batch.add_column(sa.Column("colour", sa.String(7), nullable=True))
        def downgrade():
            pass
    '''), encoding="utf-8")
    with Project.create(project_path, resolve_scheme(None)) as p:
        p.ensure_annotator("ana")
    current = store.SCHEMA_REVISION
    monkeypatch.setattr(store, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(store, "SCHEMA_REVISION", "9000")
    with Project.open(project_path) as p:
        assert p.annotators() == ["ana"]
        with p.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9000"
            columns = [row[1] for row in conn.execute(text("PRAGMA table_info(annotator)"))]
            assert "colour" in columns
    backup = project_path.with_name(f"{project_path.name}.rev{current}.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (current,)
        assert conn.execute("SELECT name FROM annotator").fetchall() == [("ana",)]
    conn.close()


def test_a_failed_write_does_not_leave_a_stale_annotator_id(any_project: Project) -> None:
    project = any_project
    from annotator.domain import IncomingDocument

    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    with pytest.raises(Exception), project.writing() as s:
        project.annotator_id(s, "newcomer")
        raise RuntimeError("the action failed after making the annotator")
    project.add_span(1, "newcomer", "loaded-term", 4, 10)
    assert [s.annotator for s in project.spans(1)] == ["newcomer"]
