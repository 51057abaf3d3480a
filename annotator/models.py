"""The project database: SQLAlchemy 2 typed ORM tables.

Offsets (``Span.start``/``Span.end``) are code points of ``Document.text``,
``[start, end)``. Rows are never handed to the UI: :mod:`annotator.project`
returns frozen dataclasses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    LargeBinary,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORIGINS = ("manual", "imported", "suggested", "adjudicated")
STATUSES = ("todo", "in_progress", "done")


def utcnow() -> datetime:
    """Now in UTC, naive: SQLite keeps no time zone, so every stored time is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime()}


class ProjectInfo(Base):
    """Key/value facts about the project: app id, scheme, settings."""

    __tablename__ = "project_info"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Annotator(Base):
    __tablename__ = "annotator"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # "human", or "gold" for the adjudicated layer.
    kind: Mapped[str] = mapped_column(String(16), default="human")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(500), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))  # BCP 47 tag, as the source says
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Span(Base):
    __tablename__ = "span"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="offsets"),
        CheckConstraint(f"origin IN {ORIGINS!r}", name="origin"),
        Index("ix_span_document_annotator", "document_id", "annotator_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    origin: Mapped[str] = mapped_column(String(16), default="manual")
    # Where a span came from: suggester name, adjudication sources, import file.
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class DocumentLabel(Base):
    """A document-level label (overall slant, primary frame...) by one annotator."""

    __tablename__ = "document_label"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every ORM update, which matches the version it read: a
    # concurrent change makes it fail (ConflictError) instead of being lost.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class DocumentStatus(Base):
    """One annotator's progress on one document."""

    __tablename__ = "document_status"
    __table_args__ = (CheckConstraint(f"status IN {STATUSES!r}", name="status"),)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # see DocumentLabel
    __mapper_args__ = {"version_id_col": version}


class RejectedSuggestion(Base):
    """A suggestion an analyst rejected: not proposed again for that document."""

    __tablename__ = "rejected_suggestion"
    __table_args__ = (
        UniqueConstraint("document_id", "suggester", "label", "start", "end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    suggester: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdjudicationRejection(Base):
    """An annotator's span an adjudicator turned down for a gold layer, named by
    its identity (annotator, label, start, end), so it holds for every span with
    it, after merges and round trips too (:mod:`annotator.rejected`)."""

    __tablename__ = "adjudication_rejection"
    __table_args__ = (
        UniqueConstraint("document_id", "gold", "annotator", "label", "start", "end"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    gold: Mapped[str] = mapped_column(String(200))
    annotator: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    adjudicator: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601, UTC, as files carry it
    span_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # for information only


class AnnotationSession(Base):
    """A stretch of one annotator's work on one document (for the process figures).

    Recorded as the analyst works (:func:`annotator.insights.process.record`):
    ``ended_at`` moves on with each action; a pause longer than the idle limit
    starts a new session, so idle time is never counted. Nothing leaves the file.
    """

    __tablename__ = "annotation_session"
    __table_args__ = (
        CheckConstraint("started_at <= ended_at", name="times"),
        Index("ix_annotation_session_annotator_ended", "annotator_id", "ended_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"),
                                             index=True)
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()


class RawSource(Base):
    """The bytes a document was extracted from (zlib), so extraction can be redone."""

    __tablename__ = "raw_source"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Fingerprint(Base):
    """A document's MinHash over word shingles (near-duplicate detection)."""

    __tablename__ = "fingerprint"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class Tombstone(Base):
    """A removed document, by text SHA-256: a merge does not bring it back."""

    __tablename__ = "tombstone"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """A document an admin gave an annotator to do (team projects)."""

    __tablename__ = "assignment"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"), primary_key=True,
                                              index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
