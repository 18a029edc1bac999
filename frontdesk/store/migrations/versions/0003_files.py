"""Uploaded files, and the ``file`` message kind.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KINDS = "'text', 'member-join', 'member-leave', 'notice', 'custom-notice', 'user-data-updated'"


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_files_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_files_member_id_members", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_files_conversation_id", "files", ["conversation_id"])
    op.create_index("ix_files_member_id", "files", ["member_id"])
    _replace_kind_check(f"kind IN ({_KINDS}, 'file')")


def downgrade() -> None:
    # Keep the indexes gapless: file messages stay, as notices.
    op.execute("UPDATE messages SET kind = 'notice' WHERE kind = 'file'")
    _replace_kind_check(f"kind IN ({_KINDS})")
    op.drop_table("files")


def _replace_kind_check(condition: str) -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("ck_messages_kind", type_="check")
        batch.create_check_constraint("ck_messages_kind", condition)
