"""File > Connect to team project…: the window on a PostgreSQL project."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog
from sqlalchemy.engine import make_url

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.errors import PasswordRequired
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.team import roles
from ui import connect_dialog
from ui_support import ANNOTATOR, add_documents, dialogs, make_window, settings_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("settings_dir")


def test_the_dialog_makes_a_url_with_libpq_options_and_no_password(qtbot) -> None:
    dialog = connect_dialog.ConnectDialog(None, "postgresql+psycopg://ana@db.example:6543/study")
    qtbot.addWidget(dialog)
    assert (dialog.host.text(), dialog.port.value(), dialog.user.text()) == \
        ("db.example", 6543, "ana")
    dialog.options.setText("sslmode=require&connect_timeout=5")
    url = make_url(dialog.url())
    assert (url.username, url.host, url.port, url.database, url.password) == \
        ("ana", "db.example", 6543, "study", None)
    assert dict(url.query) == {"sslmode": "require", "connect_timeout": "5"}


def test_connecting_shows_the_team_project_as_the_database_user(
        qtbot, tmp_path, make_window, dialogs, pg_url, monkeypatch) -> None:
    prefix = make_url(pg_url).database
    ana, bob = f"{prefix}_ana", f"{prefix}_bob"
    with Project.create(None, resolve_scheme("media-bias"), url=pg_url) as owner:
        roles.add_user(owner, ana, "annotator")
        roles.add_user(owner, bob, "annotator")
        owner.import_documents([IncomingDocument(
            "The regime lied.", "x", title="On the server",
            spans=[IncomingSpan(4, 10, "loaded-term", bob)])], annotator=bob)
    local = Project.create(tmp_path / "local.annotator", resolve_scheme("media-bias"))
    add_documents(local, "A local text.")
    window = make_window(local)
    window.others_action.setChecked(True)  # even asking for colleagues' spans shows none
    user_url = make_url(pg_url).set(username=ana).render_as_string(hide_password=False)
    opened = Project.open

    def asks_a_password(*args, url=None, **kwargs):  # as a server with md5/scram would
        if make_url(url).password is None:
            raise PasswordRequired(f"{url}: the server asks for a password")
        return opened(*args, url=url, **kwargs)

    monkeypatch.setattr(Project, "open", staticmethod(asks_a_password))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("s3cret", True))
    connect_dialog.connect(window, user_url)
    qtbot.waitUntil(lambda: window.project.location != local.location, timeout=10_000)
    assert window.annotator == ana
    assert window.doc_model.summary(0).title == "On the server"
    assert window.others == [] and window.own == []  # bob's span is not even readable
    window.settings.sync()
    saved = (tmp_path / "settings").rglob("*")
    assert all("s3cret" not in p.read_text(errors="replace") for p in saved if p.is_file())
    assert window.settings.value(connect_dialog.SETTING) == user_url
    assert dialogs == []
