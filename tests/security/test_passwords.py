from __future__ import annotations

from argon2 import PasswordHasher, Type

from frontdesk.security.passwords import (
    hash_password,
    needs_rehash,
    verify_nothing,
    verify_password,
)


def test_hash_is_argon2id_and_salted() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$")
    assert first != second


def test_verify_accepts_the_password_and_rejects_others() -> None:
    stored = hash_password("pässwörd ✓ long")
    assert verify_password(stored, "pässwörd ✓ long")
    assert not verify_password(stored, "pässwörd ✓ lonG")
    assert not verify_password(stored, "")


def test_verify_is_false_for_broken_or_foreign_hashes() -> None:
    for stored in ("", "not a hash", "$argon2id$v=19$m=1", "$2b$12$" + "a" * 53):
        assert verify_password(stored, "whatever") is False


def test_needs_rehash_for_old_parameters_and_unreadable_hashes() -> None:
    assert not needs_rehash(hash_password("a password"))
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    assert needs_rehash(weak.hash("a password"))
    assert needs_rehash("not a hash")


def test_verify_nothing_takes_any_password() -> None:
    verify_nothing("anything at all")
