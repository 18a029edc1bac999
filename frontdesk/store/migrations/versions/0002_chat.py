"""Conversations, their members and messages, and agent presence for routing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("transport", sa.String(32), nullable=False),
        sa.Column("last_index", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("user_data", sa.JSON(), nullable=False),
        sa.Column("page_url", sa.String(2048), nullable=False),
        sa.Column("page_title", sa.String(500), nullable=False),
        sa.Column("referrer", sa.String(2048), nullable=False),
        sa.Column("browser", sa.String(500), nullable=False),
        sa.Column("language", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name="fk_conversations_agent_id_agents",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("state IN ('queued', 'active', 'ended')", name="ck_conversations_state"),
    )
    op.create_index("ix_conversations_agent_id", "conversations", ["agent_id"])
    op.create_index("ix_conversations_state_created_at", "conversations", ["state", "created_at"])
    op.create_table(
        "members",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_members"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_members_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name="fk_members_agent_id_agents", ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "role IN ('CUSTOMER', 'AGENT', 'SUPERVISOR', 'BOT', 'SYSTEM')", name="ck_members_role"
        ),
        sa.CheckConstraint("state IN ('CONNECTED', 'DISCONNECTED')", name="ck_members_state"),
    )
    op.create_index("ix_members_conversation_id", "members", ["conversation_id"])
    op.create_index("ix_members_agent_id", "members", ["agent_id"])
    op.create_table(
        "messages",
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "index", name="pk_messages"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_messages_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_messages_member_id_members", ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "kind IN ('text', 'member-join', 'member-leave', 'notice', 'custom-notice',"
            " 'user-data-updated')",
            name="ck_messages_kind",
        ),
    )
    op.create_index("ix_messages_member_id", "messages", ["member_id"])
    op.create_table(
        "agent_presence",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agent_presence"),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name="fk_agent_presence_agent_id_agents",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("status IN ('available', 'away')", name="ck_agent_presence_status"),
    )


def downgrade() -> None:
    op.drop_table("agent_presence")
    op.drop_table("messages")
    op.drop_table("members")
    op.drop_table("conversations")
