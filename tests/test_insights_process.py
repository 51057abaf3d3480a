"""Annotation sessions: recorded unobtrusively, idle gaps left out; pace per
annotator; agreement over time; the migration that adds the table."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import store
from annotator.domain import IncomingDocument, IncomingSpan
from annotator.insights import process
from annotator.models import AnnotationSession
from annotator.project import Project
from annotator.schemes import resolve_scheme

T0 = datetime(2024, 5, 6, 9, 0)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def sessions(project: Project) -> list[tuple[int, float, float]]:
    """(document, start minute, end minute) of every session."""
    with project.reading() as s:
        rows = s.execute(select(AnnotationSession.document_id, AnnotationSession.started_at,
                                AnnotationSession.ended_at).order_by(AnnotationSession.id)).all()
    return [(d, (a - T0).total_seconds() / 60, (b - T0).total_seconds() / 60) for d, a, b in rows]


@pytest.fixture
def two_docs(project: Project) -> Project:
    project.import_documents([IncomingDocument("The regime slammed the plan.", "t", external_id="a"),
                              IncomingDocument("A calm report.", "t", external_id="b")],
                             annotator="ana")
    return project


def test_a_session_grows_with_each_action_and_idle_gaps_are_left_out(two_docs: Project):
    for t in (0, 1, 3):
        process.record(two_docs, "ana", 1, minutes(t))
    process.record(two_docs, "ana", 1, minutes(3 + process.IDLE_MINUTES + 1))  # after a break
    process.record(two_docs, "ana", 1, minutes(10))
    assert sessions(two_docs) == [(1, 0, 3), (1, 9, 10)]


def test_moving_to_another_document_ends_the_session_there(two_docs: Project):
    process.record(two_docs, "ana", 1, minutes(0))
    process.record(two_docs, "ana", 2, minutes(4))  # read document 1 for four minutes
    process.record(two_docs, "ana", 2, minutes(6))
    assert sessions(two_docs) == [(1, 0, 4), (2, 4, 6)]
    process.record(two_docs, "bob", 1, minutes(5))  # colleagues' sessions are their own
    assert sessions(two_docs)[-1] == (1, 5, 5)


def test_pace_counts_done_documents_spans_per_hour_and_median_minutes(two_docs: Project):
    two_docs.add_span(1, "ana", "loaded-term", 4, 10)
    two_docs.add_span(1, "ana", "loaded-term", 11, 18)
    two_docs.add_span(2, "ana", "loaded-term", 2, 6)
    two_docs.set_status(1, "ana", "done")
    two_docs.set_status(2, "ana", "done")
    process.record(two_docs, "ana", 1, minutes(0))
    process.record(two_docs, "ana", 1, minutes(2))
    process.record(two_docs, "ana", 2, minutes(20))  # after a break: a new session
    process.record(two_docs, "ana", 2, minutes(24))
    process.record(two_docs, "ana", 1, minutes(25))  # moving on: document 2 had 5 minutes
    (ana,) = process.pace(two_docs)
    assert ana.documents_done == 2 and ana.spans == 3
    assert ana.hours == pytest.approx(7 / 60)  # 2 + 5 minutes of work, 18 idle left out
    assert ana.spans_per_hour == pytest.approx(3 / (7 / 60))
    assert ana.median_minutes == pytest.approx((2 + 5) / 2)  # documents: 2 and 5 minutes
    assert ana.timed_documents == 2


def test_imported_spans_and_no_sessions_give_reasons_not_figures(two_docs: Project):
    two_docs.import_documents([IncomingDocument("The regime slammed the plan.", "t",
                                                spans=[IncomingSpan(4, 10, "loaded-term")])],
                              annotator="ana")
    (ana,) = process.pace(two_docs)
    assert ana.spans == 0  # imported, not made in the app
    assert ana.spans_per_hour is None and ana.median_minutes is None
    assert "no recorded annotation time" in ana.reason


def test_agreement_over_time_needs_two_annotators(two_docs: Project):
    two_docs.add_span(1, "ana", "loaded-term", 4, 10)
    two_docs.set_status(1, "ana", "done")
    periods, message = process.agreement_over_time(two_docs)
    assert periods == [] and message.startswith("not enough data")


def test_agreement_over_time_per_month_of_finished_documents(two_docs: Project):
    for name in ("ana", "bob"):
        two_docs.add_span(1, name, "loaded-term", 4, 10)
        two_docs.add_span(2, name, "loaded-term", 2, 6)
        two_docs.set_status(1, name, "done")
        two_docs.set_status(2, name, "done")
    periods, message = process.agreement_over_time(two_docs)
    assert message == ""
    (period,) = periods
    assert period.documents == 2 and period.value == pytest.approx(1.0)


def test_an_older_project_gains_the_sessions_table_on_opening(project_path: Path):
    from alembic import command
    from alembic.config import Config

    from annotator.models import ProjectInfo

    engine = store.make_engine(store.project_url(project_path))  # a revision 0001 project
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(ProjectInfo.__table__.insert(), [
            {"key": "app", "value": store.APP_ID},
            {"key": "scheme", "value": resolve_scheme(None).to_dict()}])
    engine.dispose()
    with Project.open(project_path) as p:
        p.import_documents([IncomingDocument("Text.", "t")], annotator="ana")
        process.record(p, "ana", 1, T0)
        assert sessions(p) == [(1, 0, 0)]
    assert project_path.with_name(project_path.name + ".rev0001.bak").exists()
