"""Sealed values and signed tokens: round trips, and every way a token must be refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.errors import InvalidToken
from frontdesk.security.keyring import Keyring

SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32
NOW = 1_700_000_000.0
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keyring(clock: Clock) -> Keyring:
    return Keyring(SECRET, clock=clock)


def refusal(check: Callable[..., Any], token: Any, **context: str) -> str:
    """The reason ``check`` refuses ``token`` for: it must raise ``InvalidToken``, nothing else."""
    with pytest.raises(InvalidToken) as caught:
        check(token, **context)
    assert caught.value.code == "invalid_token"
    assert caught.value.status == 401
    reason: str = caught.value.details["reason"]
    return reason


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


# Sealing


@given(value=json_values)
def test_a_sealed_value_comes_back(value: Any) -> None:
    keyring = Keyring(SECRET)
    assert keyring.unseal(keyring.seal(value, purpose="chat-keys"), purpose="chat-keys") == value


def test_sealing_twice_gives_different_tokens(keyring: Keyring) -> None:
    value = {"chat": "c-1", "key": "k"}
    first, second = (keyring.seal(value, purpose="chat-keys") for _ in range(2))
    assert first != second
    assert "c-1" not in first


def test_a_sealed_token_is_compact_url_safe_text(keyring: Keyring) -> None:
    token = keyring.seal({"chatId": "0f8fad5b-d9cb-469f-a165-70867728950e"}, purpose="chat-keys")
    assert token.startswith("v1.")
    assert set(token[3:]) <= set(ALPHABET)
    # 3-byte header + nonce + tag + timestamps: well under 100 characters of overhead.
    assert len(token) < 150


def test_a_value_json_cannot_carry_is_refused_at_sealing(keyring: Keyring) -> None:
    with pytest.raises(TypeError, match="JSON"):
        keyring.seal({"at": object()}, purpose="p")
    with pytest.raises(ValueError, match="positive"):
        keyring.seal(1, purpose="p", ttl_seconds=0)


@given(data=st.data())
def test_changing_any_character_of_a_sealed_token_is_refused(data: st.DataObject) -> None:
    keyring = Keyring(SECRET)
    token = keyring.seal({"chat": "c-1", "n": 3}, purpose="chat-keys", ttl_seconds=60)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    replacement = data.draw(
        st.sampled_from(ALPHABET + ".=+/ ").filter(lambda c: c != token[index]), label="char"
    )
    tampered = token[:index] + replacement + token[index + 1 :]
    assert refusal(keyring.unseal, tampered, purpose="chat-keys") in {
        "malformed",
        "tampered",
        "wrong_purpose",
    }


@given(data=st.data())
def test_truncating_or_extending_a_sealed_token_is_refused(data: st.DataObject) -> None:
    keyring = Keyring(SECRET)
    token = keyring.seal("value", purpose="p")
    cut = data.draw(st.integers(0, len(token) - 1))
    extra = data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=8))
    for altered in (token[:cut], token + extra):
        assert refusal(keyring.unseal, altered, purpose="p") in {"malformed", "tampered"}


def test_a_value_sealed_with_another_key_is_refused(keyring: Keyring) -> None:
    foreign = Keyring(OTHER_SECRET).seal({"chat": "c-1"}, purpose="chat-keys")
    assert refusal(keyring.unseal, foreign, purpose="chat-keys") == "tampered"


def test_a_value_sealed_for_another_purpose_is_refused(keyring: Keyring) -> None:
    token = keyring.seal({"chat": "c-1"}, purpose="chat-keys")
    assert refusal(keyring.unseal, token, purpose="kb-session") == "wrong_purpose"


def test_a_sealed_value_expires(keyring: Keyring, clock: Clock) -> None:
    token = keyring.seal("v", purpose="p", ttl_seconds=60)
    clock.now = NOW + 59
    assert keyring.unseal(token, purpose="p") == "v"
    clock.now = NOW + 60
    assert refusal(keyring.unseal, token, purpose="p") == "expired"


def test_a_sealed_value_without_ttl_does_not_expire(keyring: Keyring, clock: Clock) -> None:
    token = keyring.seal("v", purpose="p")
    clock.now = NOW + 10 * 365 * 86400
    assert keyring.unseal(token, purpose="p") == "v"


@given(garbage=st.one_of(st.text(), st.text(alphabet=ALPHABET).map(lambda t: "v1." + t)))
def test_garbage_is_never_unsealed(garbage: str) -> None:
    assert refusal(Keyring(SECRET).unseal, garbage, purpose="p") in {
        "malformed",
        "tampered",
        "wrong_purpose",
    }


@pytest.mark.parametrize("garbage", [None, b"v1.AAAA", 12, ["v1."], "v1." + "A" * 10_000])
def test_non_tokens_are_refused_as_malformed(keyring: Keyring, garbage: Any) -> None:
    assert refusal(keyring.unseal, garbage, purpose="p") == "malformed"
    assert refusal(keyring.verify, garbage, audience="a") == "malformed"


# Signing


def test_a_signed_token_carries_its_claims(keyring: Keyring) -> None:
    token = keyring.sign({"sub": "visitor-1", "chat": "c-1"}, audience="v3-client", ttl_seconds=300)
    claims = keyring.verify(token, audience="v3-client")
    assert claims["sub"] == "visitor-1"
    assert claims["chat"] == "c-1"
    assert claims["iss"] == "frontdesk"
    assert claims["aud"] == "v3-client"
    assert claims["iat"] == int(NOW)
    assert claims["exp"] == int(NOW) + 300
    assert len(claims["jti"]) >= 16
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_every_signed_token_has_its_own_id(keyring: Keyring) -> None:
    tokens = [keyring.sign({}, audience="a", ttl_seconds=60) for _ in range(20)]
    assert len({keyring.verify(t, audience="a")["jti"] for t in tokens}) == 20


def test_registered_claims_cannot_be_overridden(keyring: Keyring) -> None:
    for claim in ("iss", "aud", "exp", "iat", "jti", "nbf"):
        with pytest.raises(ValueError, match=claim):
            keyring.sign({claim: 1}, audience="a", ttl_seconds=60)
    with pytest.raises(ValueError, match="positive"):
        keyring.sign({}, audience="a", ttl_seconds=0)


@given(data=st.data())
def test_changing_any_character_of_a_signed_token_is_refused(data: st.DataObject) -> None:
    keyring = Keyring(SECRET, clock=lambda: NOW)
    token = keyring.sign({"sub": "visitor-1"}, audience="v3-client", ttl_seconds=300)
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    replacement = data.draw(
        st.sampled_from(ALPHABET + ".=+/ ").filter(lambda c: c != token[index]), label="char"
    )
    tampered = token[:index] + replacement + token[index + 1 :]
    assert refusal(keyring.verify, tampered, audience="v3-client") in {"malformed", "tampered"}


def test_the_last_character_has_no_spare_spellings(keyring: Keyring) -> None:
    """Base64 leaves unused bits in a last character: other spellings must not pass."""
    sealed = keyring.seal({"n": 1}, purpose="p")
    signed = keyring.sign({}, audience="a", ttl_seconds=60)
    for char in ALPHABET.replace(sealed[-1], ""):
        assert refusal(keyring.unseal, sealed[:-1] + char, purpose="p") in {"malformed", "tampered"}
    for char in ALPHABET.replace(signed[-1], ""):
        assert refusal(keyring.verify, signed[:-1] + char, audience="a") in {
            "malformed",
            "tampered",
        }


def test_a_token_signed_with_another_key_is_refused(keyring: Keyring) -> None:
    foreign = Keyring(OTHER_SECRET, clock=lambda: NOW).sign({}, audience="a", ttl_seconds=60)
    assert refusal(keyring.verify, foreign, audience="a") == "tampered"


def test_a_token_for_another_audience_is_refused(keyring: Keyring) -> None:
    token = keyring.sign({}, audience="v3-client", ttl_seconds=60)
    assert refusal(keyring.verify, token, audience="v2-sockets") == "wrong_audience"


def test_a_signed_token_expires(keyring: Keyring, clock: Clock) -> None:
    token = keyring.sign({}, audience="a", ttl_seconds=60)
    clock.now = NOW + 59.9
    keyring.verify(token, audience="a")
    clock.now = NOW + 60
    assert refusal(keyring.verify, token, audience="a") == "expired"


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _valid_claims() -> dict[str, Any]:
    return {"iss": "frontdesk", "aud": "a", "iat": int(NOW), "exp": int(NOW) + 60}


def test_an_unsigned_token_is_refused(keyring: Keyring) -> None:
    token = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_valid_claims())}."
    assert refusal(keyring.verify, token, audience="a") in {"malformed", "tampered"}
    token = jwt.encode(_valid_claims(), None, algorithm="none")
    assert refusal(keyring.verify, token, audience="a") in {"malformed", "tampered"}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_other_algorithms_are_refused_even_with_the_right_key(keyring: Keyring) -> None:
    key = keyring._signing_key
    token = jwt.encode(_valid_claims(), key, algorithm="HS512")
    assert refusal(keyring.verify, token, audience="a") == "tampered"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_valid_claims(), rsa_key, algorithm="RS256")
    assert refusal(keyring.verify, token, audience="a") == "tampered"


@pytest.mark.parametrize("missing", ["exp", "iat", "aud", "iss"])
def test_a_token_missing_a_required_claim_is_refused(keyring: Keyring, missing: str) -> None:
    claims = _valid_claims()
    del claims[missing]
    token = jwt.encode(claims, keyring._signing_key, algorithm="HS256")
    assert refusal(keyring.verify, token, audience="a") in {"malformed", "wrong_audience"}


@pytest.mark.parametrize(
    "changes",
    [{"iss": "someone-else"}, {"exp": "tomorrow"}, {"iat": 1.5}, {"exp": [1]}],
    ids=["issuer", "exp-text", "iat-float", "exp-list"],
)
def test_a_token_with_bad_registered_claims_is_refused(
    keyring: Keyring, changes: dict[str, Any]
) -> None:
    token = jwt.encode({**_valid_claims(), **changes}, keyring._signing_key, algorithm="HS256")
    assert refusal(keyring.verify, token, audience="a") == "malformed"


@pytest.mark.parametrize(
    "header",
    [
        [1, 2],
        "text",
        {"alg": ["HS256"]},
        {"alg": {"x": 1}},
        {"alg": "HS256", "kid": 3},
        {"alg": "HS256", "crit": ["x"]},
    ],
)
def test_strange_headers_are_refused(keyring: Keyring, header: Any) -> None:
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    token = f"{head}.{_segment(_valid_claims())}.{'A' * 43}"
    assert refusal(keyring.verify, token, audience="a") in {"malformed", "tampered"}


def test_deeply_nested_json_is_refused(keyring: Keyring) -> None:
    head = base64.urlsafe_b64encode(b"[" * 5000).rstrip(b"=").decode()
    token = f"{head}.{_segment(_valid_claims())}.{'A' * 43}"
    assert refusal(keyring.verify, token, audience="a") == "malformed"


@given(
    garbage=st.one_of(
        st.text(),
        st.lists(st.text(alphabet=ALPHABET, max_size=60), min_size=3, max_size=3).map(".".join),
        st.tuples(st.dictionaries(st.text(max_size=5), json_values, max_size=4), json_values).map(
            lambda parts: f"{_segment(parts[0])}.{_segment({'v': parts[1]})}.{'A' * 43}"
        ),
    )
)
def test_garbage_is_never_verified(garbage: str) -> None:
    assert refusal(Keyring(SECRET).verify, garbage, audience="a") in {
        "malformed",
        "tampered",
        "wrong_audience",
    }


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring(b"short")


def test_tokens_are_signed_with_a_derived_key_not_the_secret(keyring: Keyring) -> None:
    assert keyring._signing_key != SECRET
    token = jwt.encode(_valid_claims(), SECRET, algorithm="HS256")
    assert refusal(keyring.verify, token, audience="a") == "tampered"
