"""article intake: document language, raw sources, fingerprints, tombstones

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=35), nullable=True))
    op.create_table(
        'raw_source',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.Text(), nullable=True),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_raw_source_document_id_document'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_raw_source')),
    )
    op.create_table(
        'fingerprint',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('minhash', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_fingerprint_document_id_document'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_fingerprint')),
    )
    op.create_table(
        'tombstone',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_tombstone')),
    )


def downgrade() -> None:
    op.drop_table('tombstone')
    op.drop_table('fingerprint')
    op.drop_table('raw_source')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('language')
