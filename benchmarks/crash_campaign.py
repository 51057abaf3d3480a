"""Crash campaign (issue 9): is an acknowledged edit ever lost?

A writer process runs scripted label actions through the core API (add,
update and delete span, set status, set document label, undo, redo, import,
close and reopen) and prints an acknowledgement after each call returns:
acknowledged means committed. The campaign SIGKILLs it at random moments
(aimed inside the call), checks the file, and starts a new writer. Meanwhile,
in other processes, a second writer (another annotator) adds and deletes spans
and imports articles, a CLI-like reader runs ``stats`` and ``export``, and two
openers open and close the project over and over.

After every kill and at the end: ``PRAGMA integrity_check`` is ok, every
acknowledged action is in the file (an acknowledged delete is absent), and no
import is partial. The check reads the file with plain ``sqlite3``, not the
code under test. The action in flight at a kill may or may not have committed,
and its commit may surface only later (after WAL recovery): both outcomes stay
accepted until a later acknowledged action on the same thing.

``--hazard raw``: between actions the writer opens and closes the project file
with plain ``open()``, as foreign code (a file dialog) does; that drops the
process's SQLite locks. ``--hazard project``: it opens and closes a second
``Project`` on the file instead (a second window). ``--sequence`` runs the six
steps of the issue once instead. Run: ``python -m benchmarks.crash_campaign
--kills 20 --actions 600`` (or ``python -m benchmarks crash ...``).
Deterministic with ``--seed``: kill points and choices come from it; the instant
a kill lands (so whether the action in flight committed) is up to the OS.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WRITER, OTHER = "ana", "bob"
SPAN_DOCS = range(1, 9)  # documents the writers tag
STATUS_DOCS = range(9, 13)  # documents whose status the writer sets (spans would touch it)
DOC_LABELS = {"overall-slant": ["left", "centre", "right", "unclear"],
              "opinion-piece": [True, False], "reviewer-comment": ["check", "ok 🙂"]}
WORDS = ("the regime said thugs infest a city council vote claims everyone knows officials "
         "denied report 🙂 café naïve according to data shows clearly").split()
WEIGHTS = {"add": 30, "update": 15, "delete": 10, "status": 10, "doclabel": 10,
           "undo": 12, "redo": 6, "import": 5, "reopen": 2}
Entity = tuple[Any, ...]
OTHER_IMPORT = 25  # articles in each import of the second writer


def article(rng: random.Random, words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def default_of(entity: Entity) -> Any:
    """What the file holds for an entity nobody has touched."""
    return "todo" if entity[0] == "status" else None


# -- child processes ------------------------------------------------------------

def run_writer(path: Path, hazard: str) -> None:
    """Read actions (JSON lines) on stdin, run each, acknowledge after it returns."""
    from annotator.formats import import_files
    from annotator.project import Project

    try:
        project = Project.open(path)
    except Exception as exc:  # a file this damaged ends the campaign
        print("DEAD", describe(exc), flush=True)
        return
    for line in sys.stdin:
        action = json.loads(line)
        try:
            if action["k"] == "reopen":  # quit the window and open the project again
                project.close()
                project = Project.open(path)
            else:
                perform(project, action, import_files)
            print("ACK", action["i"], flush=True)
        except Exception as exc:  # reported, not fatal: the campaign counts them
            print("ERR", action["i"], describe(exc), flush=True)
        try:
            if hazard == "raw":  # foreign code peeking at the file, as a file dialog does
                with open(path, "rb") as fh:
                    fh.read(100)
            elif hazard == "project":  # a second window on the same project, opened and closed
                Project.open(path).close()
        except Exception as exc:  # counted with the next action's reply
            print("HAZARD", describe(exc), file=sys.stderr, flush=True)
    project.close()


def describe(exc: Exception) -> str:
    """One line: the message of a core error, the type of anything else."""
    from annotator.errors import AnnotatorError

    text = str(exc).replace("\n", " ")
    return text if isinstance(exc, AnnotatorError) else f"{type(exc).__name__}: {text}"


def live_span_id(project: Any, document_id: int, tag: str, annotator: str = WRITER) -> int:
    for span in project.spans(document_id, [annotator]):
        if span.note == tag:
            return span.id
    raise LookupError(f"span {tag} is not in the file")


def perform(project: Any, a: dict[str, Any], import_files: Any) -> None:
    kind = a["k"]
    if kind == "add":
        project.add_span(a["doc"], WRITER, a["label"], a["start"], a["end"], note=a["tag"])
    elif kind == "update":
        project.update_span(live_span_id(project, a["doc"], a["tag"]), WRITER,
                            label=a["label"], start=a["start"], end=a["end"])
    elif kind == "delete":
        project.delete_span(live_span_id(project, a["doc"], a["tag"]), WRITER)
    elif kind == "status":
        project.set_status(a["doc"], WRITER, a["value"])
    elif kind == "doclabel":
        project.set_document_label(a["doc"], WRITER, a["key"], a["value"])
    elif kind == "undo":
        assert project.undo().value is not None
    elif kind == "redo":
        assert project.redo().value is not None
    elif kind == "import":
        import_files(project, [Path(a["file"])], annotator=WRITER)


class Stopping:
    """Set by SIGTERM: a helper finishes its current step, reports, exits."""

    def __init__(self) -> None:
        self.stop = False
        signal.signal(signal.SIGTERM, self._set)

    def _set(self, *_: object) -> None:
        self.stop = True


def run_other_writer(path: Path, seed: int) -> None:
    """A second annotator adding and deleting spans and importing articles (as
    ``annotator import`` does), acknowledging each; like CLI calls, it opens and
    closes the project for every action."""
    from annotator.formats import import_files
    from annotator.project import Project

    rng, flag, live, n = random.Random(seed), Stopping(), [], 0
    with Project.open(path) as project:
        labels = [label.key for label in project.scheme.labels]
        lengths = {d: len(project.document(d).text) for d in SPAN_DOCS}
    while not flag.stop:
        n += 1
        try:
            with Project.open(path) as project:
                if n % 10 == 0:  # an import that grows the file, as in the issue
                    file = path.with_name(f"other{n}.jsonl")
                    file.write_text("".join(json.dumps({"id": f"bimp{n}-{k}", "text": article(rng, 300)})
                                            + "\n" for k in range(OTHER_IMPORT)), encoding="utf-8")
                    import_files(project, [file], annotator=OTHER)
                    print("IMP", f"bimp{n}", flush=True)
                elif live and rng.random() < 0.3:
                    doc, tag = live.pop(rng.randrange(len(live)))
                    project.delete_span(live_span_id(project, doc, tag, OTHER), OTHER)
                    print("DEL", tag, flush=True)
                else:
                    doc, tag = rng.choice(SPAN_DOCS), f"b{n}"
                    start = rng.randrange(lengths[doc] - 30)  # n in the end: never twice
                    project.add_span(doc, OTHER, rng.choice(labels), start,
                                     start + 1 + n % 29, note=tag)
                    live.append((doc, tag))
                    print("ADD", tag, flush=True)
        except Exception as exc:  # reported, not fatal
            print("ERR", n, describe(exc), flush=True)
        time.sleep(0.2)  # helpers pace themselves: the writer is what is measured


def run_reader(path: Path, out: Path) -> None:
    """CLI-like readers: ``stats`` and ``export``, each opening and closing the project."""
    from annotator.cli import main

    flag, runs, errors = Stopping(), 0, []
    commands = [["stats", "--json"], ["export", "--format", "jsonl", "-o", str(out)],
                ["export", "--format", "csv", "-o", str(out.with_suffix(".csv"))]]
    while not flag.stop:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = main([*commands[runs % len(commands)], "--project", str(path)])
        runs += 1
        if status:
            errors.append(err.getvalue().strip())
        time.sleep(0.2)
    print("SUMMARY", json.dumps({"runs": runs, "errors": errors}), flush=True)


def run_opener(path: Path) -> None:
    """Open and close the project over and over (read and read-only), as CLI calls do."""
    from annotator.project import Project

    flag, runs, errors = Stopping(), 0, []
    while not flag.stop:
        try:
            with Project.open(path, readonly=runs % 2 == 1) as project:
                project.document_count()
        except Exception as exc:  # reported, not fatal
            errors.append(describe(exc))
        runs += 1
        time.sleep(0.1)
    print("SUMMARY", json.dumps({"runs": runs, "errors": errors}), flush=True)


# -- what the file holds (plain sqlite3: the oracle shares no code with the store) --

class Corrupt(Exception):
    """The file fails ``integrity_check`` or cannot be read."""


def read_file_state(path: Path) -> dict[Entity, Any]:
    """Every entity the campaign tracks, as the file holds it now."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if check != ["ok"]:
                raise Corrupt("; ".join(check[:3]))
            return _entities(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise Corrupt(str(exc)) from None


def _entities(conn: sqlite3.Connection) -> dict[Entity, Any]:
    state: dict[Entity, Any] = {}
    for name, note, doc, label, start, end, deleted in conn.execute(
            "SELECT a.name, s.note, s.document_id, s.label, s.start, s.\"end\", s.deleted_at "
            "FROM span s JOIN annotator a ON a.id = s.annotator_id WHERE s.origin = 'manual'"):
        key = ("span", note) if name == WRITER else ("other", note)
        value = (doc, label, start, end) if name == WRITER else True
        if deleted is None:
            if key in state:
                state[("duplicate", note)] = True
            state[key] = value
    for doc, status in conn.execute(
            "SELECT d.document_id, d.status FROM document_status d JOIN annotator a "
            "ON a.id = d.annotator_id WHERE a.name = ?", (WRITER,)):
        state[("status", doc)] = status
    for doc, key, value in conn.execute(
            "SELECT l.document_id, l.key, l.value FROM document_label l JOIN annotator a "
            "ON a.id = l.annotator_id WHERE a.name = ?", (WRITER,)):
        state[("doclabel", doc, key)] = json.loads(value)
    for external, docs, spans in conn.execute(
            "SELECT substr(d.external_id, 1, instr(d.external_id, '-') - 1), "
            "count(DISTINCT d.id), count(s.id) FROM document d LEFT JOIN span s "
            "ON s.document_id = d.id WHERE d.external_id LIKE '%imp%-%' GROUP BY 1"):
        key = ("other import", external) if external.startswith("b") else ("import", external)
        state[key] = (docs, spans)
    return state


# -- the campaign -----------------------------------------------------------------

@dataclass
class Tally:
    sent: int = 0
    acked: int = 0
    errors: list[str] = field(default_factory=list)
    kills: int = 0
    in_flight: int = 0  # kills that landed before the action's acknowledgement
    lost: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    checks: int = 0
    corrupt: list[str] = field(default_factory=list)
    deleted_fds: int = 0  # kills at which the writer held a deleted WAL/SHM
    late: set[Entity] = field(default_factory=set)  # in-flight outcomes seen to change later
    restarts: list[float] = field(default_factory=list)


class Campaign:
    def __init__(self, folder: Path, args: argparse.Namespace):
        self.folder, self.args = folder, args
        self.path = folder / "campaign.annotator"
        self.rng = random.Random(args.seed)
        # What the file may hold for each entity: one value, or two while the outcome of
        # an action in flight at a kill is open (its commit may surface after WAL recovery).
        self.model: dict[Entity, frozenset[Any]] = {}
        self.done: list[tuple[Entity, frozenset[Any], frozenset[Any]]] = []  # the writer's undo
        self.undone: list[tuple[Entity, frozenset[Any], frozenset[Any]]] = []  # stack, mirrored
        self.tally = Tally()
        self.lengths: dict[int, int] = {}
        self.labels: list[str] = []
        self.latency = 0.02  # running mean seconds per action, to aim the kills
        self.other_acks, self.other_errors = 0, []
        self.helpers: list[subprocess.Popen] = []
        self.dead = ""  # why the writer could not go on (the file cannot be opened)
        self.summaries: dict[str, dict[str, Any]] = {}
        self.history: dict[Entity, list[str]] = {}  # acknowledged actions per entity, for reports
        self.seen: dict[Entity, Any] = {}  # first value found of an entity with an open outcome

    def setup(self) -> None:
        from annotator.domain import IncomingDocument
        from annotator.project import Project
        from annotator.schemes import resolve_scheme

        rng = random.Random(self.args.seed + 1)
        texts = [f"Article {n}. " + article(rng) for n in range(1, 13)]
        with Project.create(self.path, resolve_scheme("media-bias")) as project:
            project.import_documents([IncomingDocument(text=t, source="campaign", external_id=f"d{n}")
                                      for n, t in enumerate(texts, 1)], annotator=WRITER)
            self.labels = [label.key for label in project.scheme.labels]
        self.lengths = {n: len(t) for n, t in enumerate(texts, 1)}

    def child(self, role: str, *extra: str, **kwargs: Any) -> subprocess.Popen:
        command = [sys.executable, "-m", "benchmarks.crash_campaign", "--role", role,
                   "--project", str(self.path), "--seed", str(self.args.seed), *extra]
        return subprocess.Popen(command, text=True, **kwargs)

    # planning: every choice comes from the seeded generator and the model
    def possible(self, entity: Entity) -> frozenset[Any]:
        return self.model.get(entity, frozenset({default_of(entity)}))

    def plan(self, i: int) -> tuple[dict[str, Any], Entity, frozenset[Any]]:
        """The next action, the entity it sets and the value(s) it sets it to."""
        action, entity, new = self.choose(i)
        return action, entity, new if isinstance(new, frozenset) else frozenset({new})

    def choose(self, i: int) -> tuple[dict[str, Any], Entity, Any]:
        rng = self.rng
        spans = sorted((e, sorted(v - {None})) for e, v in self.model.items() if e[0] == "span")
        mine = [(e, v[0]) for e, v in spans if len(v) == 1 and None not in self.model[e]]
        while True:
            kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            if kind in ("update", "delete") and not mine or kind == "undo" and not self.done \
                    or kind == "redo" and not self.undone:
                continue
            break
        action: dict[str, Any] = {"i": i, "k": kind}
        if kind in ("add", "update"):
            entity, value = (("span", f"a{i}"), None) if kind == "add" else rng.choice(mine)
            doc = rng.choice(SPAN_DOCS) if kind == "add" else value[0]
            taken = {v[1:] for _, values in spans for v in values if v[0] == doc}
            while True:
                start = rng.randrange(self.lengths[doc] - 25)
                new = (doc, rng.choice(self.labels), start, start + rng.randrange(1, 25))
                if new[1:] not in taken:
                    break
            action.update(doc=doc, tag=entity[1], label=new[1], start=new[2], end=new[3])
            return action, entity, new
        if kind == "delete":
            entity, value = rng.choice(mine)
            action.update(doc=value[0], tag=entity[1])
            return action, entity, None
        if kind == "status":
            doc = rng.choice(STATUS_DOCS)
            action.update(doc=doc, value=rng.choice(["todo", "in_progress", "done"]))
            return action, ("status", doc), action["value"]
        if kind == "doclabel":
            doc, key = rng.choice(range(1, 13)), rng.choice(list(DOC_LABELS))
            action.update(doc=doc, key=key, value=rng.choice([*DOC_LABELS[key], None]))
            return action, ("doclabel", doc, key), action["value"]
        if kind == "reopen":
            return action, ("reopen",), frozenset()
        if kind == "undo":
            entity, old, _new = self.done[-1]
            return action, entity, old
        if kind == "redo":
            entity, _old, new = self.undone[-1]
            return action, entity, new
        return self.plan_import(action, i)

    def plan_import(self, action: dict[str, Any], i: int) -> tuple[dict[str, Any], Entity, Any]:
        rng, records, spans = self.rng, [], 0
        for n in range(rng.randint(1, 4)):
            text = f"Imported {i}-{n}. " + article(rng, 40)
            found: dict[tuple[str, int, int], dict[str, Any]] = {}
            for _ in range(rng.randint(2, 6)):
                start = rng.randrange(len(text) - 20)
                span = {"start": start, "end": start + rng.randrange(1, 20),
                        "label": rng.choice(self.labels), "annotator": WRITER, "note": "imported"}
                found[(span["label"], span["start"], span["end"])] = span
            spans += len(found)
            records.append({"id": f"imp{i}-{n}", "title": f"Imported {i}-{n}", "text": text,
                            "spans": list(found.values())})
        file = self.folder / f"import{i}.jsonl"
        file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        action["file"] = str(file)
        return action, ("import", f"imp{i}"), (len(records), spans)

    def acknowledge(self, action: dict[str, Any], entity: Entity, new: frozenset[Any]) -> None:
        if action["k"] == "reopen":  # a new Project has no undo history
            self.done.clear()
            self.undone.clear()
            return
        old = self.possible(entity)
        self.model[entity] = new
        self.seen.pop(entity, None)
        self.history.setdefault(entity, []).append(f"{action['i']} {action['k']} {set(new)!r}")
        if action["k"] == "undo":
            self.undone.append(self.done.pop())
        elif action["k"] == "redo":
            self.done.append(self.undone.pop())
        elif action["k"] != "import":
            self.done.append((entity, old, new))
            del self.done[:-1000]  # History.limit
            self.undone.clear()

    def verify(self, when: str) -> None:
        """The file against the model: every acknowledged action in it, no import partial."""
        self.tally.checks += 1
        try:
            state = read_file_state(self.path)
        except Corrupt as exc:
            self.tally.corrupt.append(f"{when}: {exc}")
            return
        for entity in sorted(set(self.model) | {e for e in state if e[0] in ("span", "import")},
                             key=repr):
            found, allowed = state.get(entity, default_of(entity)), self.possible(entity)
            if len(allowed) > 1:  # an open outcome: note when it changes between checks
                if self.seen.setdefault(entity, found) != found:
                    self.tally.late.add(entity)
            if found in allowed:
                continue
            if entity[0] == "import" and found is not None:
                self.tally.partial.append(f"{when}: {entity} has {found}, the file had "
                                          f"{sorted(allowed - {None})}")
            else:
                self.tally.lost.append(
                    f"{when}: {entity} is {found!r}, acknowledged {set(allowed)!r} "
                    f"(actions: {', '.join(self.history.get(entity, [])[-4:])})")
            self.model[entity] = frozenset({found})  # count each loss once
        if any(e[0] == "duplicate" for e in state):
            self.tally.lost.append(f"{when}: a span twice in the file")

    def run_writer_life(self, first: int, last: int, kill_at: int | None) -> int:
        """One writer process from action ``first``; returns the next action to plan."""
        started = time.perf_counter()
        hazard = ["--hazard", self.args.hazard] if self.args.hazard else []
        with (self.folder / "logs" / "writer.txt").open("a") as log:  # its stderr, for --keep
            proc = self.child("writer", *hazard, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=log)
        assert proc.stdin and proc.stdout
        self.done.clear()  # a new process has no undo history
        self.undone.clear()
        i = first
        try:
            while i < last:
                action, entity, new = self.plan(i)
                try:
                    proc.stdin.write(json.dumps(action) + "\n")
                    proc.stdin.flush()
                except BrokenPipeError:
                    self.dead = proc.stdout.read().strip() or "the writer died"
                    return last
                self.tally.sent += 1
                if i == kill_at:
                    time.sleep(self.rng.uniform(0, 0.8 * self.latency))
                    self.kill(proc, action, entity, new)
                    return i + 1
                sent = time.perf_counter()
                reply = proc.stdout.readline().split(" ", 2)
                if reply[0] in ("DEAD", ""):
                    self.dead = " ".join(reply).strip() or "the writer died"
                    return last
                self.latency = 0.9 * self.latency + 0.1 * (time.perf_counter() - sent)
                if i == first:
                    self.tally.restarts.append(time.perf_counter() - started)
                self.reply(reply, action, entity, new)
                i += 1
        finally:
            if proc.poll() is None:
                if i == last:  # the others finish first; then the window quits, as in the issue
                    self.stop_helpers()
                proc.stdin.close()
                proc.wait()
        return i

    def stop_helpers(self) -> None:
        for helper in self.helpers:
            helper.send_signal(signal.SIGTERM)
        for helper in self.helpers:
            helper.wait(timeout=60)

    def reply(self, reply: list[str], action: dict[str, Any], entity: Entity,
              new: frozenset[Any]) -> None:
        if reply[0] == "ACK":
            self.tally.acked += 1
            self.acknowledge(action, entity, new)
        else:
            self.tally.errors.append(f"action {action['i']} ({action['k']}): "
                                     f"{' '.join(reply).strip() or 'writer died'}")

    def kill(self, proc: subprocess.Popen, action: dict[str, Any], entity: Entity,
             new: frozenset[Any]) -> None:
        self.tally.deleted_fds += deleted_fds(proc.pid, self.path)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.tally.kills += 1
        assert proc.stdout
        lines = proc.stdout.read().splitlines()  # acknowledgements written before the kill count
        if lines:
            self.reply(lines[0].split(" ", 2), action, entity, new)
        else:  # it may have committed or not, and its commit may surface only later
            self.tally.in_flight += 1
            if new:  # not a reopen
                self.model[entity] = self.possible(entity) | new
                self.seen.pop(entity, None)
        self.verify(f"kill {self.tally.kills} (action {action['i']} {action['k']})")

    def run(self) -> Tally:
        args = self.args
        self.setup()
        logs = self.folder / "logs"
        logs.mkdir()
        roles = {"other": (), "reader": ("--out", str(self.folder / "export.jsonl")),
                 "opener": (), "opener2": ()}
        for name, extra in roles.items():
            with (logs / f"{name}.txt").open("w") as log:
                self.helpers.append(self.child(name.rstrip("2"), *extra, stdout=log))
        kills = sorted(self.rng.sample(range(1, args.actions), min(args.kills, args.actions - 1)))
        i = 0
        for kill_at in [*kills, None]:
            i = self.run_writer_life(i, args.actions, kill_at)
            if self.dead:
                self.stop_helpers()
                break
        self.verify("end")
        self.check_other(logs / "other.txt")
        self.summaries = {name: summary(logs / f"{name}.txt") for name in ("reader", "opener", "opener2")}
        cli = subprocess.run([sys.executable, "-m", "annotator.cli", "stats", "--project",
                              str(self.path)], capture_output=True, text=True)
        if cli.returncode:
            self.tally.corrupt.append(f"end: annotator stats: {cli.stderr.strip()}")
        return self.tally

    def check_other(self, log: Path) -> None:
        """The second writer's acknowledged adds are there, its acknowledged deletes gone."""
        expected: dict[str, bool] = {}
        imports = []
        for line in log.read_text().splitlines():
            word, _, rest = line.partition(" ")
            if word in ("ADD", "DEL"):
                expected[rest] = word == "ADD"
            elif word == "IMP":
                imports.append(rest)
            else:
                self.other_errors.append(rest)
        self.other_acks = len(log.read_text().splitlines()) - len(self.other_errors)
        try:
            state = read_file_state(self.path)
        except Corrupt:
            return
        for tag, live in expected.items():
            if state.get(("other", tag), False) != live:
                self.tally.lost.append(f"second writer: span {tag} should be "
                                       f"{'live' if live else 'deleted'}")
        for tag in imports:
            if state.get(("other import", tag)) != (OTHER_IMPORT, 0):
                self.tally.lost.append(f"second writer: import {tag} holds "
                                       f"{state.get(('other import', tag))}, not {OTHER_IMPORT} articles")


def deleted_fds(pid: int, path: Path) -> int:
    """1 if the process holds a deleted file named like the project (the issue's symptom)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return 0
    return int(any(link.startswith(str(path)) and link.endswith("(deleted)") for link in links))


def summary(log: Path) -> dict[str, Any]:
    for line in log.read_text().splitlines():
        if line.startswith("SUMMARY "):
            return json.loads(line[len("SUMMARY "):])
    return {"runs": 0, "errors": ["no summary (the helper died)"]}


def report(campaign: Campaign, seconds: float) -> bool:
    t, args = campaign.tally, campaign.args
    readers = campaign.summaries
    reader_errors = [e for h in readers.values() for e in h["errors"]]
    print(f"crash campaign: seed {args.seed}, hazard {args.hazard or 'none'}")
    print(f"kills: {t.kills} ({t.in_flight} before the acknowledgement, "
          f"{t.kills - t.in_flight} after it)")
    print(f"actions: {t.sent} sent, {t.acked} acknowledged, {len(t.errors)} refused with an error")
    if campaign.dead:
        print(f"stopped early: the writer cannot open the project: {campaign.dead}")
    print(f"acknowledged actions lost: {len(t.lost)}")
    print(f"partial imports: {len(t.partial)}")
    print(f"in-flight actions whose commit surfaced only after a later check: {len(t.late)}")
    print(f"corrupt files: {int(bool(t.corrupt))} (integrity_check failed in {len(t.corrupt)} "
          f"of {t.checks} checks)")
    print(f"second writer: {campaign.other_acks} acknowledged, "
          f"{len(campaign.other_errors)} errors")
    print(f"readers: {readers['reader']['runs']} stats/export runs, "
          f"{readers['opener']['runs'] + readers['opener2']['runs']} open/close, "
          f"{len(reader_errors)} errors")
    if t.deleted_fds:
        print(f"writer held a deleted project file (WAL/SHM) at {t.deleted_fds} of {t.kills} kills")
    if t.restarts:
        print(f"writer start to first acknowledgement: median "
              f"{sorted(t.restarts)[len(t.restarts) // 2]:.2f} s")
    print(f"time: {seconds:.1f} s")
    for title, items in (("lost", t.lost), ("partial", t.partial), ("corrupt", t.corrupt),
                         ("writer errors", t.errors), ("second writer errors", campaign.other_errors),
                         ("reader errors", reader_errors)):
        for item in sorted(set(items))[:5]:
            print(f"  {title}: {item}")
    return not (t.lost or t.partial or t.corrupt)


def run_sequence(folder: Path, hazard: str | None) -> bool:
    """The six steps of the issue with the core API: this process is the window,
    the CLI runs in other processes. True if the project stays healthy and the
    CLI sees every edit made in the window."""
    from annotator.domain import IncomingDocument
    from annotator.project import Project
    from annotator.schemes import resolve_scheme

    path = folder / "sequence.annotator"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "annotator.cli", *args, "--project",
                               str(path)], capture_output=True, text=True)

    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([IncomingDocument(text=article(random.Random(3), 300),
                                                   source="sequence")], annotator=WRITER)
    window = Project.open(path)  # 1. start annotator on the project
    window.add_span(1, WRITER, "labeling", 0, 3, note="first")
    if hazard == "raw":  # 2. Ctrl+O, Escape: the file dialog reads the project file
        with open(path, "rb") as fh:
            fh.read(100)
    elif hazard == "project":  # ... or a second window opened and closed on it
        Project.open(path).close()
    print(f"3. annotator stats: exit {cli('stats').returncode}")
    window.add_span(1, WRITER, "loaded-term", 4, 10, note="second")  # 4. tag a word
    seen = '"second"' in cli("export", "--format", "jsonl", "-o", "-").stdout
    print(f"4. the CLI sees the span tagged in the window: {seen}")
    articles = folder / "x.jsonl"  # 5. annotator import x, then more tagging, then quit
    articles.write_text("".join(json.dumps({"id": f"x{i}", "text": f"Article {i}. " * 60}) + "\n"
                                for i in range(200)), encoding="utf-8")
    print(f"5. annotator import: exit {cli('import', str(articles)).returncode}")
    for n in range(50):
        window.add_span(1, WRITER, "labeling", 11 + n, 12 + n, note=f"late{n}")
    window.close()
    stats = cli("stats")  # 6.
    print(f"6. annotator stats: exit {stats.returncode} {stats.stderr.strip()}")
    try:
        state = read_file_state(path)
    except Corrupt as exc:
        print(f"integrity_check: {exc}")
        return False
    missing = [n for n in ("first", "second", *(f"late{n}" for n in range(50)))
               if ("span", n) not in state]
    print(f"integrity_check: ok; spans tagged in the window missing: {len(missing)} of 52")
    return stats.returncode == 0 and seen and not missing


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crash_campaign",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of the writer (20)")
    parser.add_argument("--actions", type=int, default=600, help="scripted actions (600)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hazard", choices=["raw", "project"], default=None,
                        help="open and close the project file beside the writer's connection")
    parser.add_argument("--keep", action="store_true", help="keep the project folder")
    parser.add_argument("--sequence", action="store_true",
                        help="run the six steps of issue 9 once instead of the campaign")
    parser.add_argument("--role", default="campaign", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    if keep:
        folder = Path(tempfile.mkdtemp(prefix="crash-campaign-"))
        print(f"project folder: {folder}")
        yield folder
    else:
        with tempfile.TemporaryDirectory(prefix="crash-campaign-") as tmp:
            yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role == "writer":
        run_writer(args.project, args.hazard)
    elif args.role == "other":
        run_other_writer(args.project, args.seed)
    elif args.role == "reader":
        run_reader(args.project, args.out)
    elif args.role == "opener":
        run_opener(args.project)
    else:
        started = time.perf_counter()
        with workspace(args.keep) as folder:
            if args.sequence:
                return 0 if run_sequence(folder, args.hazard) else 1
            campaign = Campaign(folder, args)
            campaign.run()
            return 0 if report(campaign, time.perf_counter() - started) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
