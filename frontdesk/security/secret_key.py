"""The server's secret key: from the environment, or generated once into the data folder."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import stat
from pathlib import Path

from frontdesk.errors import ConfigError
from frontdesk.settings import Settings

MIN_KEY_CHARACTERS = 32
GENERATED_KEY_BYTES = 32
KEY_FILE_NAME = "secret_key"
_RECOVERY = "restore it from a backup, or delete it to generate a new one (signing everyone out)"


def load_secret_key(settings: Settings) -> bytes:
    """The secret every process of one deployment shares; ``ConfigError`` when unusable."""
    if settings.secret_key:
        if len(settings.secret_key) < MIN_KEY_CHARACTERS:
            raise ConfigError(
                "secret_key",
                f"FRONTDESK_SECRET_KEY must be at least {MIN_KEY_CHARACTERS} characters long, "
                f"got {len(settings.secret_key)}",
            )
        return settings.secret_key.encode("utf-8")
    path = secret_key_path(settings)
    key = _read_key_file(path)
    if key is None:
        _create_key_file(path)
        key = _read_key_file(path)
    if key is None:
        raise ConfigError("secret_key", f"{path} disappeared right after it was created")
    return key


def secret_key_path(settings: Settings) -> Path:
    """Where the generated key lives when FRONTDESK_SECRET_KEY is not set."""
    return settings.data_dir / KEY_FILE_NAME


def _create_key_file(path: Path) -> None:
    """Write a new key so that no process ever sees a partial file or replaces another's key."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("data_dir", f"cannot create {path.parent}: {exc.strerror}") from exc
    text = base64.urlsafe_b64encode(secrets.token_bytes(GENERATED_KEY_BYTES)).rstrip(b"=") + b"\n"
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    try:
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, text)
            os.fsync(fd)
        finally:
            os.close(fd)
        # link() publishes the complete file under its name, or fails if another process won.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    except OSError as exc:
        raise ConfigError("secret_key", f"cannot create {path}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(draft)


def _read_key_file(path: Path) -> bytes | None:
    """The key stored at ``path``, or None if there is no file yet."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError("secret_key", f"{path} is not a regular file")
        if info.st_mode & 0o077:
            raise ConfigError(
                "secret_key",
                f"{path} is accessible by group or others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"run: chmod 600 {path}",
            )
        text = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError("secret_key", f"cannot read {path}: {exc.strerror}") from exc
    if not text:
        raise ConfigError("secret_key", f"{path} is empty; {_RECOVERY}")
    try:
        key = base64.b64decode(text + b"=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error:
        key = b""
    if len(key) < GENERATED_KEY_BYTES:
        raise ConfigError(
            "secret_key",
            f"{path} does not hold a key of {GENERATED_KEY_BYTES} bytes in URL-safe base64; "
            + _RECOVERY,
        )
    return key
