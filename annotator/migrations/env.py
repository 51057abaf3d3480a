"""Alembic environment: runs on the connection the app hands over (store._upgrade)."""

from __future__ import annotations

from alembic import context

from annotator.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
)
with context.begin_transaction():
    context.run_migrations()
