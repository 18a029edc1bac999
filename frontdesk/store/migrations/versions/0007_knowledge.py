"""Knowledge: knowledge bases, articles, search sessions, searches, feedback, the search index.

The search index is not in the models: on SQLite it is an FTS5 virtual table, on PostgreSQL a
table with ``tsvector`` columns under GIN indexes; ``frontdesk.actions.knowledge_index`` keeps it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_bases"),
    )
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kb_id", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("unhelpful", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_articles"),
        sa.ForeignKeyConstraint(
            ["kb_id"],
            ["knowledge_bases.id"],
            name="fk_knowledge_articles_kb_id_knowledge_bases",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_knowledge_articles_kb_id_external_id",
        "knowledge_articles",
        ["kb_id", "external_id"],
        unique=True,
    )
    op.create_index(
        "ix_knowledge_articles_language_views", "knowledge_articles", ["language", "views"]
    )
    op.create_table(
        "knowledge_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("media", sa.String(32), nullable=False),
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_sessions"),
    )
    op.create_table(
        "knowledge_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("query", sa.String(500), nullable=False),
        sa.Column("normalized", sa.String(500), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_searches"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["knowledge_sessions.id"],
            name="fk_knowledge_searches_session_id_knowledge_sessions",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_knowledge_searches_session_id", "knowledge_searches", ["session_id"])
    op.create_index(
        "ix_knowledge_searches_normalized_at", "knowledge_searches", ["normalized", "at"]
    )
    op.create_index("ix_knowledge_searches_at", "knowledge_searches", ["at"])
    op.create_table(
        "knowledge_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("query", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_knowledge_feedback"),
        sa.CheckConstraint(
            "kind IN ('view', 'vote', 'notfound')", name="ck_knowledge_feedback_kind"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name="fk_knowledge_feedback_article_id_knowledge_articles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["knowledge_sessions.id"],
            name="fk_knowledge_feedback_session_id_knowledge_sessions",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_knowledge_feedback_article_id_kind", "knowledge_feedback", ["article_id", "kind"]
    )
    op.create_index(
        "ix_knowledge_feedback_session_id_article_id",
        "knowledge_feedback",
        ["session_id", "article_id"],
    )
    op.create_index("ix_knowledge_feedback_at", "knowledge_feedback", ["at"])
    op.create_table(
        "knowledge_terms",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_knowledge_terms"),
    )
    op.create_index("ix_knowledge_terms_length_term", "knowledge_terms", ["length", "term"])
    _create_search_index()


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # porter stems English words; unicode61 folds case and, with 2, accents; the prefix
        # indexes make "retu*" as fast as a whole word. The rowid is the article's id.
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
            "title, body, keywords, "
            "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4')"
        )
        return
    op.execute(
        "CREATE TABLE knowledge_fts ("
        " article_id integer PRIMARY KEY"
        " REFERENCES knowledge_articles (id) ON DELETE CASCADE,"
        " config regconfig NOT NULL,"
        " document tsvector NOT NULL,"
        " headings tsvector NOT NULL,"
        " plain text NOT NULL)"
    )
    op.execute("CREATE INDEX ix_knowledge_fts_document ON knowledge_fts USING gin (document)")
    # Headings (title A, categories and tags B) indexed apart: a GIN index cannot filter by
    # weight, and the first pass of a search looks at headings only.
    op.execute("CREATE INDEX ix_knowledge_fts_headings ON knowledge_fts USING gin (headings)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS knowledge_fts")
    op.drop_table("knowledge_terms")
    op.drop_table("knowledge_feedback")
    op.drop_table("knowledge_searches")
    op.drop_table("knowledge_sessions")
    op.drop_table("knowledge_articles")
    op.drop_table("knowledge_bases")
