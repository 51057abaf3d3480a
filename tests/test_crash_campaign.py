"""The crash campaign's checks catch what they must (benchmarks/crash_campaign.py):
a benchmark whose oracle cannot see a loss would report a false zero."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.project import Project
from benchmarks.crash_campaign import WRITER, Campaign, main, parse_args

SPAN = (1, "labeling", 0, 5)


@pytest.fixture
def campaign(tmp_path: Path) -> Campaign:
    made = Campaign(tmp_path, parse_args(["--seed", "3"]))
    made.setup()
    return made


def tag(campaign: Campaign, note: str, span: tuple = SPAN) -> int:
    with Project.open(campaign.path) as project:
        return project.add_span(span[0], WRITER, span[1], span[2], span[3], note=note).value.id


def test_an_acknowledged_span_missing_from_the_file_is_a_loss(campaign: Campaign) -> None:
    campaign.model[("span", "a1")] = frozenset({SPAN})
    campaign.verify("check")
    assert len(campaign.tally.lost) == 1 and "a1" in campaign.tally.lost[0]


def test_an_acknowledged_span_in_the_file_is_no_loss(campaign: Campaign) -> None:
    tag(campaign, "a1")
    campaign.model[("span", "a1")] = frozenset({SPAN})
    campaign.verify("check")
    assert campaign.tally.lost == []


def test_an_acknowledged_delete_still_in_the_file_is_a_loss(campaign: Campaign) -> None:
    tag(campaign, "a1")
    campaign.model[("span", "a1")] = frozenset({None})
    campaign.verify("check")
    assert len(campaign.tally.lost) == 1


def test_an_undo_expects_the_value_before_the_edit(campaign: Campaign) -> None:
    campaign.acknowledge({"i": 1, "k": "add"}, ("span", "a1"), frozenset({SPAN}))
    entity, before, _after = campaign.done[-1]
    campaign.acknowledge({"i": 2, "k": "undo"}, entity, before)
    assert campaign.model[entity] == frozenset({None}) and campaign.undone
    tag(campaign, "a1")  # the undo did not reach the file
    campaign.verify("check")
    assert len(campaign.tally.lost) == 1


def test_an_action_in_flight_at_a_kill_may_have_happened_or_not(campaign: Campaign) -> None:
    entity = ("span", "a1")
    campaign.model[entity] = frozenset({None, SPAN})
    campaign.verify("before its commit surfaced")
    tag(campaign, "a1")
    campaign.verify("after")
    assert campaign.tally.lost == [] and campaign.tally.late == {entity}


def test_a_partial_import_is_reported(campaign: Campaign) -> None:
    with Project.open(campaign.path) as project:
        project.import_documents([IncomingDocument(
            text="Imported text of seven.", source="x", external_id="imp7-0",
            spans=[IncomingSpan(0, 8, "labeling")])], annotator=WRITER)
    campaign.model[("import", "imp7")] = frozenset({None, (1, 3)})
    campaign.verify("check")
    assert len(campaign.tally.partial) == 1


def test_a_damaged_file_is_reported_corrupt(campaign: Campaign) -> None:
    with sqlite3.connect(campaign.path) as conn:  # fold the WAL in: the pages are all in the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(campaign.path.read_bytes())  # no connection is open on it
    page = int.from_bytes(data[16:18], "big")
    data[2 * page:3 * page] = b"\xff" * page
    campaign.path.write_bytes(bytes(data))
    campaign.verify("check")
    assert len(campaign.tally.corrupt) == 1


@pytest.mark.slow
def test_a_short_campaign_loses_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kills", "2", "--actions", "30", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "acknowledged actions lost: 0" in out and "corrupt files: 0" in out
