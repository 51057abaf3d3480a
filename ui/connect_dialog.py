"""File > Connect to team project…: a project on a PostgreSQL server.

The dialog asks for host, port, database, user and libpq options (such as
``sslmode=require``), never a password: libpq takes it from ``~/.pgpass`` or
``PGPASSWORD``, and when the server still asks, a password prompt does, for
this connection only. Settings keep the URL without the password. The
connection is made off the UI thread; the annotator of every edit is then the
database user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QLineEdit,
                               QSpinBox, QWidget)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from annotator.errors import PasswordRequired

from .dialogs import show_error
from .tasks import run_with_progress

if TYPE_CHECKING:
    from .window import MainWindow

SETTING = "team/last_url"  # display_url: never a password


class ConnectDialog(QDialog):
    """Where the team project is; :meth:`url` is what was entered."""

    def __init__(self, parent: QWidget | None, last: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Connect to team project")
        try:
            previous = make_url(last) if last else None
        except (ArgumentError, ValueError):  # a damaged setting is forgotten
            previous = None
        self.host = QLineEdit(previous.host or "" if previous else "127.0.0.1")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(previous.port or 5432 if previous else 5432)
        self.database = QLineEdit(previous.database or "" if previous else "")
        self.user = QLineEdit(previous.username or "" if previous else "")
        self.options = QLineEdit("&".join(f"{k}={v}" for k, v in previous.query.items())
                                 if previous else "")
        self.options.setPlaceholderText("libpq options, e.g. sslmode=require")
        form = QFormLayout(self)
        for label, field in (("&Server", self.host), ("&Port", self.port),
                             ("&Database", self.database), ("&User", self.user),
                             ("&Options", self.options)):
            form.addRow(label, field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def url(self) -> str:
        """The SQLAlchemy URL entered (no password)."""
        return URL.create("postgresql+psycopg", username=self.user.text().strip() or None,
                          host=self.host.text().strip() or None, port=self.port.value(),
                          database=self.database.text().strip() or None,
                          query=dict(parse_qsl(self.options.text().strip()))
                          ).render_as_string(hide_password=False)


def connect_dialog(window: MainWindow) -> None:
    """Ask where the project is, then connect to it."""
    dialog = ConnectDialog(window, window.settings.value(SETTING, "", type=str))
    if dialog.exec():
        connect(window, dialog.url())


def connect(window: MainWindow, url: str) -> None:
    """Open the team project at ``url`` in a worker and show it, as its
    database user; a password is asked for if the server wants one."""
    from annotator.project import Project
    from annotator.store import display_url
    from annotator.team.roles import current_user

    def work(_progress: object) -> tuple[Project, str]:
        project = Project.open(url=url)
        try:
            project.scheme  # noqa: B018 (reads and checks the stored scheme)
            return project, current_user(project)
        except BaseException:
            project.close()
            raise

    def done(result: tuple[Project, str]) -> None:
        project, user = result
        window.settings.setValue(SETTING, display_url(url))
        window.annotator = user
        window.set_project(project)
        window.start()

    def failed(exc: BaseException) -> None:
        if isinstance(exc, PasswordRequired) and make_url(url).password is None:
            password, ok = QInputDialog.getText(
                window, "Password", f"Password for {display_url(url)}:",
                QLineEdit.EchoMode.Password)
            if ok:
                connect(window, make_url(url).set(password=password)
                        .render_as_string(hide_password=False))
            return
        show_error(window, "Could not connect to the team project", exc)

    run_with_progress(window, f"Connecting to {display_url(url)}…", work, done, failed)
