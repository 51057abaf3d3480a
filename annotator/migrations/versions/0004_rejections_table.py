"""adjudication rejections: a table, not a JSON blob in the settings

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-03 13:45:00

The rejections of each gold layer were a JSON value in ``project_info``
(``setting:adjudication:<gold>`` -> ``{"rejections": {sha256: [records]}}``);
they become rows (one per rejected identity), the documents found by SHA-256.
Records that name no document of the project are dropped (they could apply
to nothing); the rest of the setting, if any, stays.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0006'
branch_labels = None
depends_on = None

PREFIX = "setting:adjudication:"
COLUMNS = ("annotator", "label", "start", "end", "adjudicator", "at", "span_id")


def upgrade() -> None:
    op.create_table(
        'adjudication_rejection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('gold', sa.String(length=200), nullable=False),
        sa.Column('annotator', sa.String(length=200), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('end', sa.Integer(), nullable=False),
        sa.Column('adjudicator', sa.String(length=200), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.Column('span_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_adjudication_rejection_document_id_document'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_adjudication_rejection')),
        sa.UniqueConstraint('document_id', 'gold', 'annotator', 'label', 'start', 'end',
                            name=op.f('uq_adjudication_rejection_document_id')),
    )
    conn = op.get_bind()
    by_sha: dict[str, int] = dict(conn.execute(sa.text("SELECT sha256, id FROM document")).all())
    rows, seen = [], set()
    for key, raw in conn.execute(sa.text("SELECT key, value FROM project_info WHERE "
                                         "substr(key, 1, :n) = :prefix"),
                                 {"n": len(PREFIX), "prefix": PREFIX}).all():
        value = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(value, dict):
            continue
        gold = key[len(PREFIX):]
        for sha, records in (value.pop("rejections", None) or {}).items():
            for r in records if sha in by_sha and isinstance(records, list) else ():
                identity = (by_sha[sha], gold, r["annotator"], r["label"], r["start"], r["end"])
                if identity not in seen:
                    seen.add(identity)
                    rows.append({"document_id": by_sha[sha], "gold": gold,
                                 **{c: r.get(c) for c in COLUMNS}})
        if value:
            conn.execute(sa.text("UPDATE project_info SET value = :v WHERE key = :k"),
                         {"v": json.dumps(value), "k": key})
        else:
            conn.execute(sa.text("DELETE FROM project_info WHERE key = :k"), {"k": key})
    if rows:
        table = sa.table('adjudication_rejection', sa.column('document_id'), sa.column('gold'),
                         *(sa.column(c) for c in COLUMNS))
        conn.execute(table.insert(), rows)


def downgrade() -> None:
    conn = op.get_bind()
    layers: dict[str, dict[str, list[dict[str, object]]]] = {}
    for gold, sha, *values in conn.execute(sa.text(
            "SELECT r.gold, d.sha256, " + ", ".join(f'r."{c}"' for c in COLUMNS)
            + " FROM adjudication_rejection r JOIN document d ON d.id = r.document_id "
              "ORDER BY r.id")).all():
        record = {c: v for c, v in zip(COLUMNS, values) if v is not None}
        layers.setdefault(gold, {}).setdefault(sha, []).append(record)
    for gold, rejections in layers.items():
        raw = conn.execute(sa.text("SELECT value FROM project_info WHERE key = :k"),
                           {"k": PREFIX + gold}).scalar()
        value = json.loads(raw) if isinstance(raw, str) else {}
        value = {**(value if isinstance(value, dict) else {}), "rejections": rejections}
        conn.execute(sa.text("DELETE FROM project_info WHERE key = :k"), {"k": PREFIX + gold})
        conn.execute(sa.text("INSERT INTO project_info (key, value) VALUES (:k, :v)"),
                     {"k": PREFIX + gold, "v": json.dumps(value)})
    op.drop_table('adjudication_rejection')
