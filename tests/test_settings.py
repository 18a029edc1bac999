from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.errors import ConfigError
from frontdesk.settings import Settings


def test_defaults_use_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.is_sqlite
    assert settings.database_url == f"sqlite:///{tmp_path}/frontdesk.db"
    assert settings.async_database_url.drivername == "sqlite+aiosqlite"


def test_environment_is_read_and_flags_win(tmp_path: Path) -> None:
    env = {
        "FRONTDESK_PORT": "9001",
        "FRONTDESK_HOST": "0.0.0.0",  # noqa: S104 - parsed, not bound
        "FRONTDESK_DATA_DIR": str(tmp_path),
        "FRONTDESK_ALLOWED_ORIGINS": "https://shop.example.com, https://*.example.org",
        "FRONTDESK_MIGRATE": "false",
    }
    settings = Settings.from_env(env, port=9002)
    assert settings.port == 9002
    assert settings.host == "0.0.0.0"  # noqa: S104
    assert settings.data_dir == tmp_path
    assert settings.allowed_origins == ("https://shop.example.com", "https://*.example.org")
    assert settings.migrate is False


def test_file_retention_is_off_unless_set() -> None:
    assert Settings().file_retention_days == 0
    assert Settings.from_env({"FRONTDESK_FILE_RETENTION_DAYS": "30"}).file_retention_days == 30


def test_postgres_url_gets_the_async_driver() -> None:
    settings = Settings(database_url="postgresql+psycopg://app:pw@db.internal:5433/frontdesk")
    assert settings.database_url == "postgresql://app:pw@db.internal:5433/frontdesk"
    assert settings.async_database_url.drivername == "postgresql+asyncpg"
    assert not settings.is_sqlite


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"FRONTDESK_PORT": "eighty"}, "port"),
        ({"FRONTDESK_PORT": "70000"}, "port"),
        ({"FRONTDESK_DATABASE_URL": "mysql://root@localhost/x"}, "database_url"),
        ({"FRONTDESK_DATABASE_URL": "not a url"}, "database_url"),
        ({"FRONTDESK_DATABASE_URL": "sqlite://"}, "database_url"),
        ({"FRONTDESK_DATABASE_URL": "postgresql://host"}, "database_url"),
        ({"FRONTDESK_REDIS_URL": "http://localhost:6379"}, "redis_url"),
        ({"FRONTDESK_ALLOWED_ORIGINS": "example.com"}, "allowed_origins"),
        ({"FRONTDESK_ALLOWED_ORIGINS": "https://shop.*.com"}, "allowed_origins"),
        ({"FRONTDESK_ALLOWED_ORIGINS": "https://example.com/path"}, "allowed_origins"),
        ({"FRONTDESK_MIGRATE": "maybe"}, "migrate"),
        ({"FRONTDESK_LOG_LEVEL": "loud"}, "log_level"),
        ({"FRONTDESK_FILE_RETENTION_DAYS": "-1"}, "file_retention_days"),
        ({"FRONTDESK_FILE_RETENTION_DAYS": "a month"}, "file_retention_days"),
        ({"FRONTDESK_FILE_RETENTION_DAYS": "1000000"}, "file_retention_days"),
        ({"FRONTDESK_HEADER_TIMEOUT_SECONDS": "0"}, "header_timeout_seconds"),
        ({"FRONTDESK_BODY_TIMEOUT_SECONDS": "601"}, "body_timeout_seconds"),
        ({"FRONTDESK_KEEP_ALIVE_TIMEOUT_SECONDS": "-5"}, "keep_alive_timeout_seconds"),
    ],
)
def test_bad_configuration_names_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert raised.value.setting == setting
    assert raised.value.problem
