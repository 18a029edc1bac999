"""The data folder: private to the server's user, and locked while a server uses its SQLite file.

A server on SQLite holds an exclusive ``flock`` on ``<database file>.lock`` for its lifetime; the
kernel releases it when the process ends, however it ends. A second server on the same file
(``frontdesk demo`` deletes and recreates its file at start) is refused before it touches it.
PostgreSQL servers take no lock: several processes sharing one database and one data folder is
how Frontdesk scales out.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from frontdesk.errors import ConfigError
from frontdesk.settings import Settings

log = logging.getLogger("frontdesk")

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
# Start-up opens the database more than once; one warning per folder is enough.
_warned: set[Path] = set()


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite database file of ``settings``, or None on PostgreSQL."""
    database = settings.async_database_url.database
    return Path(database) if settings.is_sqlite and database else None


@contextlib.contextmanager
def locked_database(settings: Settings) -> Iterator[None]:
    """Hold the SQLite file's lock during the block; ``ConfigError`` if another server has it."""
    database = sqlite_path(settings)
    if database is None:
        yield
        return
    make_private_folder(database.parent)
    path = database.with_name(database.name + ".lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    except OSError as exc:
        raise ConfigError(
            "data_dir", f"cannot create the lock file {path}: {exc.strerror}"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            process = f" (process {holder})" if holder.isdigit() else ""
            raise ConfigError(
                "data_dir",
                f"{database} is in use by another Frontdesk server{process}; stop it first, "
                "or give this one another data folder or database",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        # Closing the descriptor releases the lock; the file stays, so no second server can
        # ever lock a new file of the same name while the first still holds the old one.
        os.close(fd)


def make_private_folder(path: Path) -> None:
    """Create ``path`` with mode 700; warn when an existing folder is open to other users."""
    try:
        path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise ConfigError("data_dir", f"cannot create {path}: {exc.strerror}") from exc
    if mode & 0o077 and path not in _warned:
        # The folder may be the operator's choice (a shared mount, a project folder), so it is
        # not changed; the files in it are kept private instead (protect_sqlite_files).
        _warned.add(path)
        log.warning("%s is open to other users (mode %04o); run: chmod 700 %s", path, mode, path)


def protect_sqlite_files(database: Path) -> None:
    """Create the SQLite file with mode 600 before SQLite does, and tighten looser old files.

    SQLite gives its -wal, -shm and -journal files the database file's own permissions, so a
    database created private stays private in all its files.
    """
    make_private_folder(database.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for suffix in SQLITE_SUFFIXES:
        path = database.with_name(database.name + suffix)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(PRIVATE_FILE)
                log.warning("%s was open to other users (mode %04o); made it 600", path, mode)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError("database_url", f"cannot protect {path}: {exc.strerror}") from exc
