"""Click-to-call: the number pool, calls with their access codes, refused redeems, operator keys.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("digits", sa.String(20), nullable=False),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("post_dial", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_call_numbers"),
        sa.UniqueConstraint("digits", name="uq_call_numbers_digits"),
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("number_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("access_code", sa.String(12), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("customer_number", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("form_data", sa.JSON(), nullable=False),
        sa.Column("user_data", sa.JSON(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("referrer", sa.String(2048), nullable=False),
        sa.Column("browser", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("caller_id", sa.String(32), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
        sa.CheckConstraint("state IN ('waiting', 'redeemed', 'taken')", name="ck_calls_state"),
        sa.ForeignKeyConstraint(
            ["number_id"], ["call_numbers.id"], name="fk_calls_number_id_call_numbers"
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name="fk_calls_agent_id_agents", ondelete="SET NULL"
        ),
    )
    op.create_index("ix_calls_number_id_access_code", "calls", ["number_id", "access_code"])
    op.create_index("ix_calls_state_queue", "calls", ["state", "queue"])
    op.create_index("ix_calls_customer_number", "calls", ["customer_number"])
    op.create_index("ix_calls_email", "calls", ["email"])
    op.create_index("ix_calls_caller_id", "calls", ["caller_id"])
    op.create_index("ix_calls_agent_id", "calls", ["agent_id"])
    op.create_table(
        "redeem_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_redeem_failures"),
    )
    op.create_index("ix_redeem_failures_key_at", "redeem_failures", ["key", "at"])
    op.create_index("ix_redeem_failures_at", "redeem_failures", ["at"])
    op.create_table(
        "operator_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_operator_keys"),
        sa.UniqueConstraint("key_hash", name="uq_operator_keys_key_hash"),
        sa.CheckConstraint("scope IN ('ivr')", name="ck_operator_keys_scope"),
    )


def downgrade() -> None:
    op.drop_table("operator_keys")
    op.drop_table("redeem_failures")
    op.drop_table("calls")
    op.drop_table("call_numbers")
