"""Row-level security, tested with raw SQL through psycopg as each role: the
database itself keeps annotation blind, whatever program connects."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.team import notify, roles

SPAN_SQL = ("INSERT INTO span (document_id, annotator_id, label, start, \"end\", note, attributes,"
            " origin, provenance, created_at, updated_at) VALUES (1, %s, 'loaded-term', 0, 3, '',"
            " '{}', 'manual', '{}', now(), now())")


class Team:
    """A team project: the owner's project, and a URL per member."""

    def __init__(self, url: str):
        self.url = url
        self.prefix = make_url(url).database
        self.owner = Project.create(None, resolve_scheme("media-bias"), url=url)
        self.names = {who: f"{self.prefix}_{who}" for who in ("ana", "bob", "rev", "adm")}
        for who, role in (("ana", "annotator"), ("bob", "annotator"), ("rev", "reviewer"),
                          ("adm", "admin")):
            roles.add_user(self.owner, self.names[who], role)
        self.owner.import_documents([IncomingDocument(
            "The regime lied.", "x", external_id="d1",
            spans=[IncomingSpan(4, 10, "loaded-term", self.names["ana"]),
                   IncomingSpan(11, 15, "loaded-term", self.names["bob"])],
            statuses={self.names["ana"]: "done", self.names["bob"]: "in_progress"})],
            annotator=self.names["ana"])

    def user_url(self, who: str) -> str:
        return make_url(self.url).set(username=self.names[who]).render_as_string(
            hide_password=False)

    def connect(self, who: str) -> psycopg.Connection:
        return psycopg.connect(notify.conninfo(self.user_url(who)), autocommit=True)

    def id(self, who: str) -> int:
        return {n: i for i, n in self.rows("adm", "SELECT id, name FROM annotator")}[self.names[who]]

    def rows(self, who: str, query: str, params: tuple = ()) -> list[tuple]:
        with self.connect(who) as conn:
            return conn.execute(query, params).fetchall()

    def run(self, who: str, query: str, params: tuple = ()) -> int:
        with self.connect(who) as conn:
            return conn.execute(query, params).rowcount


@pytest.fixture
def team(pg_url: str):
    t = Team(pg_url)
    yield t
    t.owner.close()


def test_an_annotator_sees_only_their_own_rows(team: Team) -> None:
    ana = team.id("ana")
    for table in ("span", "document_status"):
        assert {r[0] for r in team.rows("ana", f"SELECT annotator_id FROM {table}")} == {ana}
    assert team.rows("ana", "SELECT count(*) FROM span WHERE annotator_id = %s",
                     (team.id("bob"),)) == [(0,)]
    assert team.rows("ana", "SELECT count(*) FROM document") == [(1,)]  # the texts are shared


def test_no_one_writes_another_annotators_spans(team: Team) -> None:
    bob = team.id("bob")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        team.run("ana", SPAN_SQL, (bob,))
    for who in ("ana", "rev", "adm"):
        assert team.run(who, "UPDATE span SET label = 'x' WHERE annotator_id = %s", (bob,)) == 0
        assert team.run(who, "DELETE FROM span WHERE annotator_id = %s", (bob,)) == 0
        assert team.run(who, "UPDATE document_status SET status = 'todo' "
                             "WHERE annotator_id = %s", (bob,)) == (1 if who == "adm" else 0)
    assert team.rows("adm", "SELECT label FROM span WHERE annotator_id = %s", (bob,)) \
        == [("loaded-term",)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor hands a span over
        team.run("ana", "UPDATE span SET annotator_id = %s WHERE annotator_id = %s",
                 (bob, team.id("ana")))
    assert team.run("ana", SPAN_SQL, (team.id("ana"),)) == 1  # their own: yes


def test_a_reviewer_reads_everyone_and_writes_only_gold(team: Team) -> None:
    assert len(team.rows("rev", "SELECT id FROM span")) == 2
    assert len(team.rows("rev", "SELECT * FROM document_status")) == 2
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.run("rev", SPAN_SQL, (team.id("ana"),))
    team.run("rev", "INSERT INTO annotator (name, kind, created_at) VALUES ('gold', 'gold', now())")
    gold = team.rows("rev", "SELECT id FROM annotator WHERE name = 'gold'")[0][0]
    assert team.run("rev", SPAN_SQL, (gold,)) == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # an annotator cannot pose as gold
        team.run("ana", "INSERT INTO annotator (name, kind, created_at) "
                        "VALUES ('gold2', 'gold', now())")
    assert team.rows("ana", "SELECT count(*) FROM span WHERE annotator_id = %s", (gold,)) == [(0,)]


def test_only_an_admin_manages_documents_scheme_and_users(team: Team) -> None:
    insert = ("INSERT INTO document (title, text, sha256, meta, imported_at) "
              "VALUES ('t', 'x', %s, '{}', now())")
    for who in ("ana", "rev"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.run(who, insert, ((who * 64)[:64],))
        assert team.run(who, "UPDATE project_info SET value = '{}' WHERE key = 'scheme'") == 0
        assert team.run(who, "DELETE FROM document") == 0
    assert team.run("adm", insert, ("a" * 64,)) == 1
    assert team.run("adm", "UPDATE document SET title = 'T' WHERE id = 1") == 1
    with Project.open(url=team.user_url("adm")) as admin:  # an admin adds a member
        roles.add_user(admin, f"{team.prefix}_cy", "annotator")
        assert [m.name for m in roles.members(admin)] == sorted(
            [*team.names.values(), f"{team.prefix}_cy"])
    with Project.open(url=team.user_url("ana")) as ana, pytest.raises(Exception, match="not allowed"):
        roles.add_user(ana, f"{team.prefix}_dan", "annotator")


def test_a_removed_user_loses_access_at_once(team: Team) -> None:
    with team.connect("ana") as open_session:
        assert open_session.execute("SELECT count(*) FROM span").fetchone() == (1,)
        roles.remove_user(team.owner, team.names["ana"])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            open_session.execute("SELECT count(*) FROM span")
    with pytest.raises(psycopg.OperationalError):
        team.connect("ana")
    members = {m.name for m in roles.members(team.owner)}
    assert team.names["ana"] not in members and team.names["bob"] in members


def test_the_app_on_the_server_is_blind_and_edits_as_the_database_user(team: Team) -> None:
    with Project.open(url=team.user_url("ana")) as ana:
        assert roles.current_user(ana) == team.names["ana"] and roles.role_of(ana) == "annotator"
        assert [s.annotator for s in ana.spans(1)] == [team.names["ana"]]
        ana.add_span(1, team.names["ana"], "loaded-term", 0, 3)
        with pytest.raises(Exception, match="row-level security"):
            ana.add_span(1, team.names["bob"], "loaded-term", 0, 3)
    with Project.open(url=team.user_url("rev")) as rev:
        assert sorted({s.annotator for s in rev.spans(1)}) == sorted(
            [team.names["ana"], team.names["bob"]])


def test_a_colleagues_edit_is_notified_within_a_second(team: Team) -> None:
    reviewer = Project.open(url=team.user_url("rev"))
    feed = notify.feed_for(reviewer)
    assert feed is not None
    try:
        assert feed.poll() == []
        started = time.monotonic()
        with Project.open(url=team.user_url("bob")) as bob:
            bob.add_span(1, team.names["bob"], "loaded-term", 0, 3)
        seen: list[tuple[str, int]] = []
        while time.monotonic() - started < 1.0 and ("span", 1) not in seen:
            seen += feed.poll()
            time.sleep(0.01)
        assert ("span", 1) in seen
        assert time.monotonic() - started < 1.0
    finally:
        feed.close()
        reviewer.close()


def test_a_password_reaches_the_server_only_as_a_scram_verifier(team: Team, monkeypatch) -> None:
    sent: list[str] = []
    make = roles.scram_verifier
    monkeypatch.setattr(roles, "scram_verifier", lambda pw: sent.append(make(pw)) or sent[-1])
    roles.add_user(team.owner, team.names["bob"], "annotator", password="correct horse")
    with team.owner.reading() as s:
        stored = s.connection().exec_driver_sql(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %(n)s",
            {"n": team.names["bob"]}).scalar()
    assert stored == sent[0] and stored.startswith("SCRAM-SHA-256$4096:")  # kept, not re-hashed
    assert "correct horse" not in stored


def test_a_reviewer_writes_review_settings_but_not_the_scheme(team: Team) -> None:
    with Project.open(url=team.user_url("rev")) as rev:
        rev.set_setting("review:annotators", ["x"])
        assert rev.setting("review:annotators") == ["x"]
        with pytest.raises(Exception, match="row-level security"):
            rev.set_setting("shortcuts", {"a": "b"})


def test_every_table_of_the_models_is_under_row_level_security(team: Team) -> None:
    from annotator.models import Base

    with team.owner.reading() as s:
        secured = {name for (name,) in s.connection().exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relrowsecurity")}
    assert set(Base.metadata.tables) <= secured
    for table in sorted(set(Base.metadata.tables) - {"span", "document_status", "document_label",
                                                     "rejected_suggestion", "annotation_session",
                                                     "assignment", "annotator", "project_info",
                                                     "document"}):
        assert team.run("ana", f"DELETE FROM {table}") == 0  # read-only for annotators
