"""The project store on both backends (SQLite file, PostgreSQL database): what a
user does gives the same results on either."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update

from annotator import store
from annotator.agreement import EXACT, F1, measure
from annotator.domain import IncomingDocument, IncomingSpan, SpanFilter
from annotator.errors import ConflictError, PasswordRequired, ProjectError
from annotator.insights import stats
from annotator.models import DocumentStatus
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.team import assign

from tests.conftest import TRICKY


def _docs(*texts: str, spans: tuple[IncomingSpan, ...] = ()) -> list[IncomingDocument]:
    return [IncomingDocument(text, f"d{n}", title=f"doc {n}", external_id=f"d{n}",
                             spans=list(spans) if n == 0 else [])
            for n, text in enumerate(texts)]


def test_spans_round_trip_with_exact_offsets_and_undo(any_project: Project) -> None:
    p = any_project
    p.import_documents(_docs(TRICKY), annotator="ana")
    start = TRICKY.index("thugs")
    span = p.add_span(1, "ana", "loaded-term", start, start + 5, note="né", attributes={})
    (again,) = p.spans(1)
    assert (again.start, again.end, again.note, again.annotator) == (start, start + 5, "né", "ana")
    assert again.created_at == span.created_at
    assert TRICKY[again.start:again.end] == "thugs"
    p.undo()
    assert p.spans(1) == []
    p.redo()
    assert [s.label for s in p.spans(1)] == ["loaded-term"]
    ((doc, spans),) = list(p.iter_spans(SpanFilter()))
    assert doc.text == TRICKY and [s.id for s in spans] == [span.id]


@pytest.mark.parametrize("needle", ["ΣΟΦΊΑ", "σοφία", "КИЇВ", "école", "REGIME", "50%"])
def test_search_ignores_case_in_every_script(any_project: Project, needle: str) -> None:
    p = any_project
    p.import_documents(_docs("Die ÉCOLE in σοφία, київ: the regime", "Nothing 50% here"),
                       annotator="ana")
    found = p.summaries("ana", search=needle)
    assert [d.external_id for d in found] == (["d1"] if needle == "50%" else ["d0"])
    assert p.summary_count("ana", search="5_%") == 0  # LIKE wildcards are literal


def test_agreement_and_insights_read_the_same_figures(any_project: Project) -> None:
    p = any_project
    text = "The regime lied about the thugs again."
    p.import_documents([IncomingDocument(text, "x", meta={"story": "s1"}, spans=[
        IncomingSpan(4, 10, "loaded-term", "ana"), IncomingSpan(4, 10, "loaded-term", "bob"),
        IncomingSpan(26, 31, "loaded-term", "ana")])], annotator="ana")
    result = measure(p, ["ana", "bob"])
    assert result.find(F1, EXACT, "loaded-term").value == pytest.approx(2 / 3)
    figures = stats.load(p)
    assert figures.fields["story"] == ("s1",)


def test_ids_continue_after_an_import_with_explicit_ids(any_project: Project) -> None:
    p = any_project
    p.import_documents(_docs("one", "two"), annotator="ana")
    from annotator.models import Document

    with p.writing() as s:  # a document added the ORM way takes the next free id
        row = Document(text="three", sha256="c" * 64, title="", meta={})
        s.add(row)
        s.flush()
        assert row.id == 3
    p.import_documents(_docs("four"), annotator="ana")
    assert p.document_ids() == [1, 2, 3, 4]


def test_assigned_documents_come_first_with_progress(any_project: Project) -> None:
    p = any_project
    p.import_documents(_docs("a", "b", "c", "d"), annotator="ana")
    for name in ("ana", "bob", "cy"):
        p.ensure_annotator(name)
    added = assign.assign(p, ["ana", "bob", "cy"], [2, 4, 3], per_document=2)
    assert added == 6
    again = assign.assign(p, ["ana", "bob", "cy"], [2, 4, 3], per_document=2)
    assert again == 0
    mine = p.summaries("ana")
    assigned = [d.id for d in mine if d.assigned]
    assert [d.id for d in mine][:len(assigned)] == assigned and len(assigned) == 2
    p.set_status(assigned[0], "ana", "done")
    rows = {r.annotator: r for r in assign.progress(p)}
    assert sorted(r.assigned for r in rows.values()) == [2, 2, 2]
    assert (rows["ana"].done, rows["ana"].todo) == (1, 1)


def test_a_concurrent_change_of_a_status_is_a_conflict(any_project: Project) -> None:
    p = any_project
    if p.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serializes writers: a transaction cannot be overtaken")
    p.import_documents(_docs("a"), annotator="ana")
    p.set_status(1, "ana", "in_progress")
    loaded, go = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def slow_writer() -> None:
        try:
            with p.writing() as s:  # reads version 1, then another writer commits
                row = s.get(DocumentStatus, (1, p.annotator_id(s, "ana")))
                loaded.set()
                go.wait(5)
                row.status = "todo"
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            errors.append(exc)

    worker = threading.Thread(target=slow_writer)
    worker.start()
    assert loaded.wait(5)
    p.set_status(1, "ana", "done")
    go.set()
    worker.join(10)
    assert len(errors) == 1 and isinstance(errors[0], ConflictError)
    assert p.status(1, "ana") == "done"  # the later write was not lost


def test_versions_count_the_changes(any_project: Project) -> None:
    p = any_project
    p.import_documents(_docs("a"), annotator="ana")
    for status in ("in_progress", "done", "todo"):
        p.set_status(1, "ana", status)
    with p.reading() as s:
        assert s.scalar(select(DocumentStatus.version)) == 3


def test_display_url_never_shows_the_password() -> None:
    url = "postgresql+psycopg://ana:s3cret@db.example:5433/study?sslmode=require"
    shown = store.display_url(url)
    assert "s3cret" not in shown and shown.startswith("postgresql+psycopg://ana@db.example:5433/")
    assert "sslmode=require" in shown
    assert store.is_server(url) and not store.is_server("sqlite:///x.annotator")


def test_connection_errors_are_typed_and_never_show_the_password() -> None:
    from sqlalchemy.exc import OperationalError

    with pytest.raises(ProjectError, match="cannot connect") as caught:
        Project.open(url="postgresql+psycopg://ana:s3cret@127.0.0.1:1/study?connect_timeout=2")
    assert "s3cret" not in str(caught.value) and "ana@127.0.0.1:1/study" in str(caught.value)
    asked = OperationalError("connect", None, Exception(
        'connection to server at "db", port 5432 failed: fe_sendauth: no password supplied'))
    assert isinstance(store.connect_error(asked, "db"), PasswordRequired)


def test_a_server_database_that_is_not_a_project_is_refused(pg_url: str) -> None:
    with pytest.raises(ProjectError, match="holds no project"):
        Project.open(url=pg_url)
    Project.create(None, resolve_scheme(None), url=pg_url).close()
    with pytest.raises(ProjectError, match="already holds a project"):
        Project.create(None, resolve_scheme(None), url=pg_url)
    with Project.open(url=pg_url) as p:
        assert p.location == store.display_url(pg_url) and p.path is None


def test_an_older_server_project_is_upgraded_by_alembic(pg_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from annotator.models import ProjectInfo

    engine = store.make_engine(pg_url)
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(ProjectInfo.__table__.insert(), [
            {"key": "app", "value": store.APP_ID},
            {"key": "scheme", "value": resolve_scheme(None).to_dict()}])
    engine.dispose()
    with Project.open(url=pg_url) as p:
        p.import_documents(_docs("a"), annotator="ana")
        p.set_status(1, "ana", "done")
        assert p.status(1, "ana") == "done"
    with store.make_engine(pg_url).connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
            == store.SCHEMA_REVISION


def test_core_updates_of_versioned_statuses_still_apply(project_path: Path) -> None:
    Project.create(project_path, resolve_scheme(None)).close()
    with Project.open(project_path) as p:
        p.import_documents(_docs("a"), annotator="ana")
        p.set_status(1, "ana", "done")
        with p.writing() as s:  # raw Core updates (adjudication's) leave the version alone
            s.execute(update(DocumentStatus).values(status="in_progress"))
        assert p.status(1, "ana") == "in_progress"


def test_migrations_build_the_models_schema_on_postgresql_too(pg_url: str) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from annotator.models import Base

    engine = store.make_engine(pg_url)
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
