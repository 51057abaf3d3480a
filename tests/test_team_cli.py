"""Setting up and running a team project from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from annotator.cli import main
from annotator.domain import IncomingDocument, IncomingSpan
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.conftest import write_jsonl


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def as_user(url: str, name: str) -> str:
    return make_url(url).set(username=name).render_as_string(hide_password=False)


def test_an_admin_sets_up_a_team_and_annotators_work_blind(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    prefix = make_url(pg_url).database
    ana, bob, rev, adm = (f"{prefix}_{n}" for n in ("ana", "bob", "rev", "adm"))
    code, out, _ = run(capsys, "init", "--db", pg_url, "--scheme", "media-bias")
    assert code == 0 and "created postgresql+psycopg://" in out
    for name, role in ((ana, "annotator"), (bob, "annotator"), (rev, "reviewer")):
        assert run(capsys, "team", "add-user", "--db", pg_url, name, "--role", role)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pa55word\n"))
    code, out, _ = run(capsys, "team", "add-user", "--db", pg_url, adm, "--role", "admin",
                       "--password-stdin")
    assert code == 0 and "pa55word" not in out
    code, out, _ = run(capsys, "team", "list", "--db", pg_url, "--json")
    assert {m["name"]: m["role"] for m in json.loads(out)} == {
        ana: "annotator", bob: "annotator", rev: "reviewer", adm: "admin"}

    data = write_jsonl(tmp_path / "in.jsonl", *({"id": f"a{n}", "text": f"The regime {n} lied.",
                                                 "spans": [{"start": 4, "end": 10,
                                                            "label": "loaded-term",
                                                            "annotator": who}]}
                                                for n, who in enumerate((ana, bob))))
    code, _, err = run(capsys, "import", "--db", as_user(pg_url, ana), str(data))
    assert code == 1 and "only an admin" in err
    code, out, err = run(capsys, "import", "--db", pg_url, str(data))
    assert code == 0, err

    code, out, err = run(capsys, "team", "assign", "--db", as_user(pg_url, ana),
                         "--annotators", ana, bob, "--all")
    assert code == 1 and "only an admin" in err
    code, out, err = run(capsys, "team", "assign", "--db", pg_url, "--annotators", ana, bob,
                         "--all", "--per-document", "1")
    assert code == 0 and out.startswith("2 assignments added"), err
    code, out, _ = run(capsys, "team", "progress", "--db", as_user(pg_url, rev), "--json")
    assert {r["annotator"]: r["assigned"] for r in json.loads(out)} == {ana: 1, bob: 1}
    code, out, _ = run(capsys, "team", "progress", "--db", as_user(pg_url, ana), "--json")
    assert [r["annotator"] for r in json.loads(out)] == [ana]  # only their own

    code, out, _ = run(capsys, "export", "--db", as_user(pg_url, ana), "--format", "csv")
    assert [r["annotator"] for r in csv.DictReader(io.StringIO(out))] == [ana]
    code, out, _ = run(capsys, "export", "--db", as_user(pg_url, rev), "--format", "csv")
    assert sorted(r["annotator"] for r in csv.DictReader(io.StringIO(out))) == [ana, bob]


def test_push_uploads_a_local_project_with_its_gold_layer(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "mine.annotator"
    with Project.create(local, resolve_scheme("media-bias")) as p:
        p.import_documents([IncomingDocument("The regime lied again.", "x", external_id="d1",
                                             spans=[IncomingSpan(4, 10, "loaded-term", "carol"),
                                                    IncomingSpan(4, 10, "loaded-term", "gold",
                                                                 origin="adjudicated")],
                                             statuses={"carol": "done"})], annotator="carol")
    assert run(capsys, "team", "push", str(local), "--db", pg_url)[0] == 1  # no project yet
    assert run(capsys, "init", "--db", pg_url)[0] == 0
    code, out, err = run(capsys, "team", "push", str(local), "--db", pg_url)
    assert code == 0 and "1 document added" in out, err
    assert run(capsys, "team", "push", str(local), "--db", pg_url)[0] == 0  # twice: nothing new
    code, out, _ = run(capsys, "export", "--db", pg_url, "--format", "jsonl")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert sorted((s["annotator"], s["start"], s["end"]) for s in record["spans"]) == [
        ("carol", 4, 10), ("gold", 4, 10)]
    code, out, _ = run(capsys, "export", "--db", pg_url, "--format", "csv", "--gold")
    assert [r["annotator"] for r in csv.DictReader(io.StringIO(out))] == ["gold"]
    with Project.open(url=pg_url) as p:
        assert p.status(1, "carol") == "done"


def test_team_commands_need_a_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "p.annotator")
    assert run(capsys, "init", path)[0] == 0
    code, _, err = run(capsys, "team", "list", "--project", path)
    assert code == 1 and "need a PostgreSQL project" in err
    code, _, err = run(capsys, "init")
    assert code == 1 and "name a new project file or give --db" in err
