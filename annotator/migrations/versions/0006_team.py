"""team projects: assignments; versions of document labels and statuses

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-03 13:50:00

Plain tables and columns: harmless on SQLite, where a project has no team.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'assignment',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('annotator_id', sa.Integer(), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'],
                                name=op.f('fk_assignment_annotator_id_annotator')),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_assignment_document_id_document'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', 'annotator_id', name=op.f('pk_assignment')),
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_annotator_id'), ['annotator_id'],
                              unique=False)
    for table in ('document_label', 'document_status'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                          nullable=False))


def downgrade() -> None:
    for table in ('document_status', 'document_label'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_annotator_id'))
    op.drop_table('assignment')
