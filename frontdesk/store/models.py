"""The tables, as SQLAlchemy typed declarative classes, in types both SQLite and PostgreSQL have."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ROLES = ("agent", "supervisor", "admin")
SESSION_KINDS = ("cookie", "api")
CONVERSATION_STATES = ("queued", "active", "ended")
MEMBER_ROLES = ("CUSTOMER", "AGENT", "SUPERVISOR", "BOT", "SYSTEM")
MEMBER_STATES = ("CONNECTED", "DISCONNECTED")
MESSAGE_KINDS = (
    "text",
    "member-join",
    "member-leave",
    "notice",
    "custom-notice",
    "user-data-updated",
    "file",
)
AGENT_STATUSES = ("available", "away")

# Named constraints, so a later batch migration on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, tz-aware in UTC: the only kind of time the store accepts."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back tz-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store takes tz-aware UTC times only")
        value = value.astimezone(dt.UTC)
        # SQLite keeps no zone and compares times as text: store every time in the same zone.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The declarative base; its metadata is what the migrations must produce."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Agent(Base):
    """A person who answers chats and calls at the desk."""

    __tablename__ = "agents"
    __table_args__ = (
        CheckConstraint("role IN ('agent', 'supervisor', 'admin')", name="role"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AgentSession(Base):
    """A desk login (cookie) or an API token; only the SHA-256 of the token is kept."""

    __tablename__ = "agent_sessions"
    __table_args__ = (CheckConstraint("kind IN ('cookie', 'api')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed login, under a key such as ``email:dana@example.com`` or ``ip:192.0.2.7``."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    # Indexed alone too: expired failures are purged by time, whatever their key.
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class Conversation(Base):
    """A chat between a visitor and the desk; ``last_index`` is the index of its newest message."""

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'active', 'ended')", name="state"),
        Index("ix_conversations_state_created_at", "state", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(255))
    transport: Mapped[str] = mapped_column(String(32))
    # Incremented in the transaction that inserts a message: the per-conversation sequence.
    last_index: Mapped[int] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    user_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    page_url: Mapped[str] = mapped_column(String(2048))
    page_title: Mapped[str] = mapped_column(String(500))
    referrer: Mapped[str] = mapped_column(String(2048))
    browser: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(16))


class Member(Base):
    """A party to a conversation: the visitor, an agent, a supervisor, a bot or the system."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint(
            "role IN ('CUSTOMER', 'AGENT', 'SUPERVISOR', 'BOT', 'SYSTEM')", name="role"
        ),
        CheckConstraint("state IN ('CONNECTED', 'DISCONNECTED')", name="state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Message(Base):
    """One stored message; ``(conversation_id, index)`` is gapless from 1 per conversation."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('text', 'member-join', 'member-leave', 'notice', 'custom-notice',"
            " 'user-data-updated', 'file')",
            name="kind",
        ),
    )

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(24))
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class File(Base):
    """An uploaded file, kept in the database so that every server process can serve it."""

    __tablename__ = "files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AgentPresence(Base):
    """Whether an agent takes chats now, and how many at once."""

    __tablename__ = "agent_presence"
    __table_args__ = (CheckConstraint("status IN ('available', 'away')", name="status"),)

    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
