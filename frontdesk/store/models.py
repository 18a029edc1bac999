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
    text,
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
CALL_STATES = ("waiting", "redeemed", "taken")
KEY_SCOPES = ("ivr",)

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
        # A sender's retried send finds its first one here; unique, so that two copies of one
        # send racing each other cannot both be stored.
        Index(
            "ix_messages_idempotency",
            "conversation_id",
            "member_id",
            "idempotency_key",
            unique=True,
            sqlite_where=text("idempotency_key IS NOT NULL"),
            postgresql_where=text("idempotency_key IS NOT NULL"),
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
    # The sender's key for this send (``actions.idempotency``); never shown to anyone.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))


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
    # Set when retention removed the bytes; the row stays so a link to it can say "gone".
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


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


class CallNumber(Base):
    """A contact-centre phone number that visitors are given to dial, for one queue and language."""

    __tablename__ = "call_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As shown and dialled: "+" and digits.
    number: Mapped[str] = mapped_column(String(32))
    # Digits only: what the IVR's dialled number is matched against.
    digits: Mapped[str] = mapped_column(String(20), unique=True)
    queue: Mapped[str] = mapped_column(String(64))
    # Empty: any language.
    language: Mapped[str] = mapped_column(String(35))
    # Post-dial digits for the tel: link, "{code}" standing for the access code; empty: none.
    post_dial: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # A removed number gets no new codes; codes it already gave out still work until they expire.
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Call(Base):
    """A visitor's click-to-call: the number and code they were given, and what they told us."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("state IN ('waiting', 'redeemed', 'taken')", name="state"),
        # Issuing a code reads a number's active codes; redeeming finds one code of a number.
        Index("ix_calls_number_id_access_code", "number_id", "access_code"),
        Index("ix_calls_state_queue", "state", "queue"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number_id: Mapped[int] = mapped_column(ForeignKey("call_numbers.id"))
    queue: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(35))
    access_code: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(255))
    # The visitor's own phone number from the form, "+" and digits.
    customer_number: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    form_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"url", "title", "at"}]: the page the visitor asked from, and the ones they went on to.
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    referrer: Mapped[str] = mapped_column(String(2048))
    browser: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The number the call came from, as the IVR reported it ("+" and digits; empty: withheld).
    caller_id: Mapped[str] = mapped_column(String(32), index=True)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )


class RedeemFailure(Base):
    """One refused redeem, under a key such as ``caller:+4930123`` or ``code:4930123:123456``."""

    __tablename__ = "redeem_failures"
    __table_args__ = (Index("ix_redeem_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    # Indexed alone too: old failures are purged by time, whatever their key.
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class OperatorKey(Base):
    """An API key for a system of the operator's (the IVR); only its SHA-256 is kept."""

    __tablename__ = "operator_keys"
    __table_args__ = (CheckConstraint("scope IN ('ivr')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class KnowledgeBase(Base):
    """A named collection of articles that the KnowledgeCenter widgets search."""

    __tablename__ = "knowledge_bases"

    # A slug chosen by the admin or the import: stable across imports and shown in URLs.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # The language new articles get when they name none.
    language: Mapped[str] = mapped_column(String(35))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Article(Base):
    """One article: a title and a Markdown body, found by search and counted by feedback."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        # Imports match articles by this pair, so importing again updates instead of duplicating.
        Index("ix_knowledge_articles_kb_id_external_id", "kb_id", "external_id", unique=True),
        Index("ix_knowledge_articles_language_views", "language", "views"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kb_id: Mapped[str] = mapped_column(ForeignKey("knowledge_bases.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    categories: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    # SHA-256 of what an import supplies: an unchanged article is not written again.
    content_hash: Mapped[str] = mapped_column(String(64))
    # Counters kept beside the feedback rows, so trending and result lists need no aggregate.
    views: Mapped[int] = mapped_column(Integer)
    helpful: Mapped[int] = mapped_column(Integer)
    unhelpful: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class KnowledgeSession(Base):
    """A visitor's search session: what their searches and feedback are attributed to."""

    __tablename__ = "knowledge_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    language: Mapped[str] = mapped_column(String(35))
    # An opaque id the site gives (never personal data by the cookie contract).
    customer_id: Mapped[str] = mapped_column(String(100))
    media: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class KnowledgeSearch(Base):
    """One search a visitor ran, for the admins' top searches and searches without a result."""

    __tablename__ = "knowledge_searches"
    __table_args__ = (Index("ix_knowledge_searches_normalized_at", "normalized", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_sessions.id", ondelete="SET NULL"), index=True
    )
    query: Mapped[str] = mapped_column(String(500))
    # The terms the search used, lower case, in order: what "the same search" means in stats.
    normalized: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(35))
    results: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class KnowledgeFeedback(Base):
    """A view of an article, a vote on it, or a visitor saying no article answered them."""

    __tablename__ = "knowledge_feedback"
    __table_args__ = (
        CheckConstraint("kind IN ('view', 'vote', 'notfound')", name="kind"),
        Index("ix_knowledge_feedback_article_id_kind", "article_id", "kind"),
        Index("ix_knowledge_feedback_session_id_article_id", "session_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_articles.id", ondelete="CASCADE")
    )
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_sessions.id", ondelete="SET NULL")
    )
    # Votes only: True for helpful.
    helpful: Mapped[bool | None]
    # Not-found reports only: what the visitor was looking for.
    query: Mapped[str] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class KnowledgeTerm(Base):
    """A word that occurs in some article: the vocabulary typo correction picks from."""

    __tablename__ = "knowledge_terms"
    __table_args__ = (Index("ix_knowledge_terms_length_term", "length", "term"),)

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(Integer)
