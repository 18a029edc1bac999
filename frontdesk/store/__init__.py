"""Storage: SQLAlchemy 2 async on SQLite (WAL, the default) or PostgreSQL; Alembic migrations."""
