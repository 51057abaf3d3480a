"""`annotator check [--repair]`: every problem named with counts, nothing
written without --repair, and a repair that backs up first and fixes only
what is safe."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from annotator import backups
from annotator.check import check_project, repair_project
from annotator.cli import main
from annotator.errors import ProjectError
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.conftest import TRICKY
from tests.ui_support import add_documents


@pytest.fixture
def sample(project_path: Path) -> Path:
    """A closed project: two documents (one with astral text), spans, a status."""
    with Project.create(project_path, resolve_scheme("media-bias")) as project:
        first, second = add_documents(project, "The regime said so.", TRICKY)
        project.add_span(first, "alice", "loaded-term", 4, 10)
        # Ends on the last code point of a text full of emoji and CRLF.
        project.add_span(second, "alice", "loaded-term", len(TRICKY) - 5, len(TRICKY))
        project.set_status(first, "alice", "done")
    return project_path


def damage(path: Path, *statements: str) -> None:
    """Write what the app never would (no foreign keys, no CHECK constraints)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints=ON")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def findings(path: Path) -> dict[str, tuple[int, tuple[str, ...]]]:
    return {f.title: (f.count, f.examples) for f in check_project(path).findings}


def test_a_healthy_project_passes_every_check(sample: Path, capsys) -> None:
    report = check_project(sample)
    assert report.healthy, report.findings
    assert report.checks == ("integrity", "project", "schema", "foreign_keys", "orphans",
                             "texts", "offsets")
    assert main(["check", "--project", str(sample)]) == 0
    assert "healthy" in capsys.readouterr().out


def test_each_problem_is_counted_and_names_records(sample: Path, capsys) -> None:
    damage(sample,
           "INSERT INTO span (document_id, annotator_id, label, start, \"end\", note, attributes,"
           " origin, provenance, created_at, updated_at) SELECT 99, annotator_id, label, 0, 3,"
           " '', '{}', 'manual', '{}', created_at, updated_at FROM span LIMIT 1",
           "INSERT INTO document_status (document_id, annotator_id, status, updated_at)"
           " VALUES (1, 42, 'done', '2026-01-01')",
           "UPDATE span SET \"end\" = 30 WHERE id = 1",  # the text has 19 characters
           "UPDATE span SET start = 7, \"end\" = 7 WHERE id = 2",
           "UPDATE document SET sha256 = 'ab' WHERE id = 1",
           "UPDATE document SET text = CAST(text AS BLOB) WHERE id = 2")
    before = snapshot(sample.parent)
    found = findings(sample)
    assert found["span rows whose document is missing"] == (1, ("span 3 (document 99)",))
    assert found["document status rows whose annotator is missing"][0] == 1
    assert found["rows referring to missing rows (PRAGMA foreign_key_check)"][0] == 2
    assert found["documents whose text differs from its stored SHA-256"] == (1, ("document 1",))
    assert found["documents whose text is not text (blob, NULL or bad UTF-8)"] == (
        1, ("document 2 (blob)",))
    assert found["spans outside their text"] == (
        1, ("span 1 [4, 30) in document 1 of 19 characters",))
    assert main(["check", "--project", str(sample)]) == 1
    out = capsys.readouterr().out
    assert "span rows whose document is missing: 1: span 3 (document 99)" in out
    assert snapshot(sample.parent) == before  # read-only: not a byte, not a new file


def test_a_span_on_an_empty_or_reversed_range_is_outside_its_text(sample: Path) -> None:
    damage(sample, "UPDATE span SET start = 7, \"end\" = 7 WHERE id = 2",
           "UPDATE span SET start = -1 WHERE id = 1")
    count, examples = findings(sample)["spans outside their text"]
    assert count == 2 and examples[0].startswith("span 1 [-1, 10)")


def test_offsets_count_code_points_not_utf16_units_or_bytes(sample: Path) -> None:
    # One past the end in code points, still inside the text in UTF-16 units and bytes.
    damage(sample, f"UPDATE span SET \"end\" = {len(TRICKY) + 1} WHERE id = 2")
    count, (example,) = findings(sample)["spans outside their text"]
    assert count == 1 and example.startswith("span 2 ")


def test_json_output(sample: Path, capsys) -> None:
    damage(sample, "DELETE FROM annotator")
    assert main(["check", "--project", str(sample), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is False
    titles = {f["title"]: f["count"] for f in report["findings"]}
    assert titles["span rows whose annotator is missing"] == 2
    assert all(f["fixable"] for f in report["findings"])


def test_repair_backs_up_then_deletes_orphans_in_one_go(sample: Path, capsys) -> None:
    damage(sample, "DELETE FROM document WHERE id = 2", "UPDATE span SET \"end\" = 30 WHERE id = 1")
    assert main(["check", "--project", str(sample), "--repair"]) == 1  # the offsets remain
    out = capsys.readouterr().out
    assert "deleted 1 span rows whose document is missing" in out
    assert "spans outside their text: 1" in out
    (saved,) = backups.list_backups(sample)
    assert saved.spans == 2 and str(saved.path) in out  # the backup holds the state before
    found = findings(sample)
    assert list(found) == ["spans outside their text"]  # reported, never "fixed"
    with Project.open(sample) as project:
        assert [(s.start, s.end) for s in project.spans(1)] == [(4, 30)]


def test_repair_leaves_a_text_whose_sha256_differs_and_its_spans(sample: Path, capsys) -> None:
    damage(sample, "UPDATE document SET sha256 = 'ab' WHERE id = 1")
    assert main(["check", "--project", str(sample), "--repair"]) == 1
    assert "nothing can be repaired safely" in capsys.readouterr().out
    report = repair_project(sample)
    assert report.backup is None and report.deleted == {}
    assert [f.title for f in report.after.findings] == [
        "documents whose text differs from its stored SHA-256"]
    assert not backups.list_backups(sample)


def test_repair_json(sample: Path, capsys) -> None:
    damage(sample, "DELETE FROM document WHERE id = 2")
    assert main(["check", "--project", str(sample), "--repair", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["deleted"] == {"span rows whose document is missing": 1,
                                 "document status rows whose document is missing": 1}
    assert report["after"]["healthy"] and Path(report["backup"]).is_file()


def test_repair_of_a_healthy_project_writes_nothing(sample: Path, capsys) -> None:
    before = snapshot(sample.parent)
    assert main(["check", "--project", str(sample), "--repair"]) == 0
    assert "nothing to repair" in capsys.readouterr().out
    assert snapshot(sample.parent) == before


def test_foreign_triggers_and_views_are_dropped_by_a_repair(sample: Path) -> None:
    damage(sample, "CREATE TRIGGER eat AFTER DELETE ON span BEGIN DELETE FROM document; END",
           "CREATE VIEW \"odd \"\"name\" AS SELECT 1",
           "DELETE FROM document WHERE id = 2")
    (schema,) = [f for f in check_project(sample).findings if f.check == "schema"]
    assert schema.count == 2 and schema.fixable
    assert any("trigger eat on span" in e for e in schema.examples)
    report = repair_project(sample)
    assert report.deleted == {"triggers that are not ours": 1, "views that are not ours": 1,
                              "span rows whose document is missing": 1,
                              "document status rows whose document is missing": 1}
    assert report.after.healthy
    with Project.open(sample) as project:  # the store opens it again; the trigger never ran
        assert project.document_count() == 1


def test_other_schema_drift_blocks_repair(sample: Path) -> None:
    damage(sample, "CREATE TABLE extra (x)", "CREATE TRIGGER eat AFTER DELETE ON span BEGIN "
           "DELETE FROM document; END", "DELETE FROM document WHERE id = 2")
    (schema,) = [f for f in check_project(sample).findings if f.check == "schema"]
    assert not schema.fixable
    before = snapshot(sample.parent)
    with pytest.raises(ProjectError, match="not repaired"):
        repair_project(sample)
    assert snapshot(sample.parent) == before


def test_a_recursive_view_named_like_a_table_does_not_hang(sample: Path) -> None:
    damage(sample, "DROP TABLE span",
           "CREATE VIEW span AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"
           " SELECT n AS id FROM r")
    report = check_project(sample)
    assert not report.healthy
    assert "offsets" not in report.checks


def test_integrity_problems_are_listed(sample: Path) -> None:
    damage(sample, "PRAGMA writable_schema=ON",
           "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_span_label ON span (note)'"
           " WHERE name = 'ix_span_label'")
    assert findings(sample)["integrity problems (PRAGMA integrity_check)"] == (
        2, ("row 1 missing from index ix_span_label", "row 2 missing from index ix_span_label"))
    with pytest.raises(ProjectError, match="not repaired"):
        repair_project(sample)


def test_a_damaged_file_is_reported_without_a_traceback(sample: Path, capsys) -> None:
    conn = sqlite3.connect(sample)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_span_label'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(sample.read_bytes())
    data[(root - 1) * size:(root - 1) * size + 100] = b"\xff" * 100
    sample.write_bytes(bytes(data))
    assert main(["check", "--project", str(sample)]) == 1
    captured = capsys.readouterr()
    assert "integrity" in captured.out and "malformed" in captured.out
    assert "Traceback" not in captured.err
    assert main(["check", "--project", str(sample), "--repair"]) == 1
    assert "not repaired" in capsys.readouterr().err
    assert not backups.backup_folder(sample).exists()


def test_a_schema_whose_error_message_does_not_decode(sample: Path, capsys) -> None:
    damage(sample, "PRAGMA writable_schema=ON",
           "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_span_label ON span (' ||"
           " CAST(x'8c' AS TEXT) || ')' WHERE name = 'ix_span_label'")
    assert main(["check", "--project", str(sample)]) == 1
    assert "not a project file" in capsys.readouterr().out
    assert main(["backup", "--project", str(sample)]) == 1
    assert "cannot take a backup" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_a_file_that_is_not_a_project(tmp_path: Path, content: bytes, capsys) -> None:
    path = tmp_path / "x.annotator"
    path.write_bytes(content)
    assert main(["check", "--project", str(path)]) == 1
    assert "x.annotator" in capsys.readouterr().out + capsys.readouterr().err
    assert path.read_bytes() == content


def test_a_foreign_sqlite_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert main(["check", "--project", str(path)]) == 1
    assert "not a project of this app" in capsys.readouterr().out


def test_a_project_of_a_newer_version(sample: Path, capsys) -> None:
    damage(sample, "UPDATE alembic_version SET version_num = '9999'")
    assert main(["check", "--db", f"sqlite:///{sample}"]) == 1
    assert "written by a newer version of this app" in capsys.readouterr().out


def test_a_database_that_is_not_a_file(capsys) -> None:
    assert main(["check", "--db", "postgresql://localhost/x"]) == 1
    assert "only an SQLite project file" in capsys.readouterr().err


def test_a_fifo_or_a_missing_file_is_one_line(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipe.annotator"
    os.mkfifo(fifo)
    assert main(["check", "--project", str(fifo)]) == 1  # and does not block
    assert main(["check", "--project", str(tmp_path / "missing.annotator")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "pipe.annotator" in err[0] and "missing.annotator" in err[1]
