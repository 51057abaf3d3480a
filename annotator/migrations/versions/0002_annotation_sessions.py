"""annotation sessions (the Insights process figures)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'annotation_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('annotator_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('started_at <= ended_at', name=op.f('ck_annotation_session_times')),
        sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'],
                                name=op.f('fk_annotation_session_annotator_id_annotator')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_annotation_session_document_id_document'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_session')),
    )
    with op.batch_alter_table('annotation_session', schema=None) as batch_op:
        batch_op.create_index('ix_annotation_session_annotator_ended',
                              ['annotator_id', 'ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_session_document_id'), ['document_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('annotation_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_session_document_id'))
        batch_op.drop_index('ix_annotation_session_annotator_ended')
    op.drop_table('annotation_session')
