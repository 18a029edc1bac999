"""The secret key: from FRONTDESK_SECRET_KEY, or generated once, safely, into the data folder."""

from __future__ import annotations

import base64
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from frontdesk.errors import ConfigError
from frontdesk.security.secret_key import load_secret_key, secret_key_path
from frontdesk.settings import Settings


def settings_for(data_dir: Path, secret_key: str = "") -> Settings:
    return Settings(data_dir=data_dir, secret_key=secret_key)


def test_the_environment_key_is_used_as_is(tmp_path: Path) -> None:
    key = "k" * 32
    assert load_secret_key(settings_for(tmp_path, key)) == key.encode()
    assert not secret_key_path(settings_for(tmp_path, key)).exists()


def test_a_short_environment_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_secret_key(settings_for(tmp_path, "k" * 31))
    assert caught.value.setting == "secret_key"
    assert "at least 32 characters" in caught.value.problem


def test_a_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "there" / "yet"
    first = load_secret_key(settings_for(data_dir))
    path = data_dir / "secret_key"
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert base64.urlsafe_b64decode(path.read_text().strip() + "=") == first
    assert load_secret_key(settings_for(data_dir)) == first
    assert os.listdir(data_dir) == ["secret_key"]


def test_an_existing_data_folder_keeps_its_mode(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    load_secret_key(settings_for(tmp_path))
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def _load_in_child(data_dir: str) -> bytes:
    return load_secret_key(settings_for(Path(data_dir)))


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        keys = pool.map(_load_in_child, [str(tmp_path)] * 32)
    assert len(set(keys)) == 1
    assert load_secret_key(settings_for(tmp_path)) == keys[0]
    assert os.listdir(tmp_path) == ["secret_key"]


def write_key_file(data_dir: Path, content: bytes, mode: int = 0o600) -> Path:
    path = data_dir / "secret_key"
    path.write_bytes(content)
    path.chmod(mode)
    return path


def test_a_key_file_written_by_the_operator_is_read(tmp_path: Path) -> None:
    key = bytes(range(48))
    write_key_file(tmp_path, b"  " + base64.urlsafe_b64encode(key) + b"\n\n")
    assert load_secret_key(settings_for(tmp_path)) == key


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b" \n", "is empty"),
        (b"not base64 at all!", "does not hold a key"),
        (base64.urlsafe_b64encode(b"too short"), "does not hold a key"),
        (b"\xff\xfe", "does not hold a key"),
    ],
    ids=["empty", "blank", "garbage", "short", "binary"],
)
def test_a_bad_key_file_is_named_with_its_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = write_key_file(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        load_secret_key(settings_for(tmp_path))
    assert caught.value.setting == "secret_key"
    assert str(path) in caught.value.problem
    assert problem in caught.value.problem
    assert path.read_bytes() == content, "a bad key must never be replaced silently"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o644])
def test_a_key_file_others_can_access_is_refused(tmp_path: Path, mode: int) -> None:
    key = base64.urlsafe_b64encode(bytes(32))
    path = write_key_file(tmp_path, key, mode)
    with pytest.raises(ConfigError) as caught:
        load_secret_key(settings_for(tmp_path))
    assert str(path) in caught.value.problem
    assert f"mode {mode:04o}" in caught.value.problem
    assert "chmod 600" in caught.value.problem


def test_a_folder_in_place_of_the_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").mkdir()
    with pytest.raises(ConfigError, match="not a regular file"):
        load_secret_key(settings_for(tmp_path))


def test_an_unreadable_path_is_named(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(ConfigError) as caught:
        load_secret_key(settings_for(not_a_folder))
    assert caught.value.problem.startswith(f"cannot read {not_a_folder / 'secret_key'}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_key_file_without_read_permission_is_named(tmp_path: Path) -> None:
    path = write_key_file(tmp_path, base64.urlsafe_b64encode(bytes(32)), 0o200)
    with pytest.raises(ConfigError, match=f"cannot read {path}"):
        load_secret_key(settings_for(tmp_path))


def test_a_data_folder_that_cannot_be_created_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ConfigError) as caught:
        load_secret_key(settings_for(tmp_path / "data"))
    assert caught.value.setting == "data_dir"
    assert "Permission denied" in caught.value.problem
