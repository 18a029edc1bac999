"""Attempt counters: one locked row per subject replaces the logs of failed logins and redeems.

The logs could not be counted and written atomically, so a burst of simultaneous guesses got
past their limits. The old rows are recent failures only; dropping them lifts any lockout.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt_counters",
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_attempt_counters"),
    )
    op.create_index("ix_attempt_counters_expires_at", "attempt_counters", ["expires_at"])
    op.drop_table("login_failures")
    op.drop_table("redeem_failures")


def downgrade() -> None:
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
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.drop_table("attempt_counters")
