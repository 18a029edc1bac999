"""Server settings: from ``FRONTDESK_*`` environment variables, overridden by command-line flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from frontdesk.errors import ConfigError

ENV_PREFIX = "FRONTDESK_"
DEFAULT_DATA_DIR = "./frontdesk-data"
# The file types the server can verify by content (``actions.files``); others are never accepted.
SUPPORTED_UPLOAD_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)
DEFAULT_UPLOAD_TYPES = ("image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain")
# Files live in the database, so any process can serve them: keep them modest.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
# Access codes are typed on a phone keypad: long enough to guess badly, short enough to type.
MIN_CODE_DIGITS = 4
MAX_CODE_DIGITS = 10
MAX_CODE_TTL_SECONDS = 24 * 60 * 60
# Past ten minutes, a connection slow to send its request is an attack, not a client.
MAX_CLIENT_TIMEOUT_SECONDS = 600
# A hundred years: larger numbers are typos, and would overflow date arithmetic.
MAX_RETENTION_DAYS = 36_500


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a server process needs to start; validated on construction."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""
    allowed_origins: tuple[str, ...] = ()
    migrate: bool = True
    max_body_bytes: int = 1_048_576
    login_attempts: int = 5
    login_window_seconds: int = 300
    chat_inactivity_seconds: int = 1800
    upload_max_bytes: int = 10 * 1024 * 1024
    upload_types: tuple[str, ...] = DEFAULT_UPLOAD_TYPES
    file_retention_days: int = 0
    conversation_starts_per_ip: int = 10
    conversation_starts_window_seconds: int = 60
    messages_per_member: int = 30
    messages_window_seconds: int = 10
    socket_connects_per_ip: int = 60
    socket_connects_window_seconds: int = 60
    access_code_digits: int = 6
    access_code_ttl_seconds: int = 600
    redeem_attempts_per_caller: int = 5
    redeem_attempts_per_code: int = 3
    redeem_window_seconds: int = 900
    call_requests_per_ip: int = 10
    call_requests_window_seconds: int = 60
    knowledge_requests_per_ip: int = 300
    knowledge_requests_window_seconds: int = 60
    header_timeout_seconds: int = 10
    body_timeout_seconds: int = 30
    keep_alive_timeout_seconds: int = 5
    log_level: str = "info"
    demo: bool = False
    fresh_demo_database: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError("port", f"must be between 1 and 65535, got {self.port}")
        if self.max_body_bytes < 1024:
            raise ConfigError("max_body_bytes", "must be at least 1024")
        if self.login_attempts < 1 or self.login_window_seconds < 1:
            raise ConfigError("login_attempts", "attempts and window must be positive")
        if self.chat_inactivity_seconds < 10:
            raise ConfigError("chat_inactivity_seconds", "must be at least 10")
        if not 0 < self.upload_max_bytes <= MAX_UPLOAD_BYTES:
            raise ConfigError("upload_max_bytes", f"must be between 1 and {MAX_UPLOAD_BYTES}")
        if not 0 <= self.file_retention_days <= MAX_RETENTION_DAYS:
            raise ConfigError(
                "file_retention_days", f"must be between 0 (keep) and {MAX_RETENTION_DAYS}"
            )
        unknown = sorted(set(self.upload_types) - SUPPORTED_UPLOAD_TYPES)
        if unknown:
            raise ConfigError(
                "upload_types",
                f"cannot verify {', '.join(unknown)}; choose from "
                + ", ".join(sorted(SUPPORTED_UPLOAD_TYPES)),
            )
        for name in ("conversation_starts", "messages", "socket_connects", "knowledge_requests"):
            count_field = "messages_per_member" if name == "messages" else f"{name}_per_ip"
            if getattr(self, count_field) < 1 or getattr(self, f"{name}_window_seconds") < 1:
                raise ConfigError(count_field, "the limit and its window must be positive")
        _check_click_to_call(self)
        for name in (
            "header_timeout_seconds",
            "body_timeout_seconds",
            "keep_alive_timeout_seconds",
        ):
            if not 0 < getattr(self, name) <= MAX_CLIENT_TIMEOUT_SECONDS:
                raise ConfigError(name, f"must be between 1 and {MAX_CLIENT_TIMEOUT_SECONDS}")
        if self.log_level not in {"critical", "error", "warning", "info", "debug"}:
            raise ConfigError("log_level", f"unknown level {self.log_level!r}")
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite:///{(self.data_dir / 'frontdesk.db').as_posix()}"
            )
        object.__setattr__(self, "database_url", _check_database_url(self.database_url))
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("redis_url", "must start with redis://, rediss:// or unix://")
        for origin in self.allowed_origins:
            _check_origin_pattern(origin)

    @property
    def async_database_url(self) -> URL:
        """The database URL with the async driver SQLAlchemy needs."""
        url = make_url(self.database_url)
        backend = url.get_backend_name()
        driver = "aiosqlite" if backend == "sqlite" else "asyncpg"
        return url.set(drivername=f"{backend}+{driver}")

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``FRONTDESK_*`` variables; explicit overrides (not None) win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = _parse(field.name, raw, field.type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        for name in ("allowed_origins", "upload_types"):
            if isinstance(values.get(name), str):
                values[name] = _split_list(values[name])
        return cls(**values)


def _parse(name: str, raw: str, kind: Any) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    if kind_name == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if kind_name == "bool":
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(name, f"must be true or false, got {raw!r}")
    if kind_name.startswith("tuple"):
        return _split_list(raw.lower() if name == "upload_types" else raw)
    return raw


def _split_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.replace(" ", ",").split(",") if part.strip())


def _check_database_url(raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError("database_url", f"not a database URL: {raw!r}") from None
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise ConfigError(
            "database_url", f"unsupported database {backend!r}: use sqlite:/// or postgresql://"
        )
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise ConfigError(
            "database_url", "SQLite needs a file path, e.g. sqlite:///data/frontdesk.db"
        )
    if backend == "postgresql" and not url.database:
        raise ConfigError("database_url", "PostgreSQL URL names no database")
    # Normalise away any driver the operator named; the async driver is chosen by us.
    return url.set(drivername=backend).render_as_string(hide_password=False)


def _check_origin_pattern(origin: str) -> None:
    if origin == "*":
        return
    scheme, sep, rest = origin.partition("://")
    if not sep or scheme not in {"http", "https"} or not rest or "/" in rest:
        raise ConfigError(
            "allowed_origins",
            f"{origin!r} is not an origin: use https://host[:port], https://*.example.com or *",
        )
    host = rest.removeprefix("*.")
    if "*" in host:
        raise ConfigError("allowed_origins", f"{origin!r}: a wildcard may only lead the host")


def _check_click_to_call(settings: Settings) -> None:
    if not MIN_CODE_DIGITS <= settings.access_code_digits <= MAX_CODE_DIGITS:
        raise ConfigError(
            "access_code_digits", f"must be between {MIN_CODE_DIGITS} and {MAX_CODE_DIGITS}"
        )
    if not 0 < settings.access_code_ttl_seconds <= MAX_CODE_TTL_SECONDS:
        raise ConfigError(
            "access_code_ttl_seconds", f"must be between 1 and {MAX_CODE_TTL_SECONDS}"
        )
    for name in ("redeem_attempts_per_caller", "redeem_attempts_per_code", "redeem_window_seconds"):
        if getattr(settings, name) < 1:
            raise ConfigError(name, "must be positive")
    if settings.call_requests_per_ip < 1 or settings.call_requests_window_seconds < 1:
        raise ConfigError("call_requests_per_ip", "the limit and its window must be positive")
