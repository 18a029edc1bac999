"""When retention deleted a file's bytes.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # A deleted file's row has no bytes left; without the column it would look like an empty
    # file, so it goes, and its message keeps the name as text.
    op.execute("DELETE FROM files WHERE deleted_at IS NOT NULL")
    with op.batch_alter_table("files") as batch:
        batch.drop_column("deleted_at")
