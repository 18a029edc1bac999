"""Sealed values and signed tokens made from the server's secret key.

Sealing (AES-256-GCM) hides and protects what the widget keeps for the server, such as the keys
in ``webchat.state.keys``. Signing (HS256 JWT) makes bearer tokens whose claims the client may
read, such as the v3 client token and the v2 sockets token. Both live in cookies or headers, so
both stay small, and every refusal is one ``InvalidToken`` whose ``reason`` says why.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from frontdesk.errors import InvalidToken

ISSUER = "frontdesk"
MIN_SECRET_BYTES = 32
SEAL_PREFIX = "v1."
# Refuse oversized input before any work: real tokens fit in a cookie.
MAX_TOKEN_CHARACTERS = 8192

_ALGORITHM = "HS256"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_PURPOSE_TAG_BYTES = 2
_SEALED_MIN_BYTES = _PURPOSE_TAG_BYTES + _NONCE_BYTES + _TAG_BYTES
_REGISTERED_CLAIMS = frozenset({"iss", "aud", "iat", "exp", "nbf", "jti"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

Clock = Callable[[], float]


class Keyring:
    """Seal and sign with keys derived from one secret, each key used for one thing only."""

    def __init__(self, secret: bytes, *, clock: Clock = time.time) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the secret must be at least {MIN_SECRET_BYTES} bytes")
        self._aead = AESGCM(_derive(secret, b"frontdesk seal v1"))
        self._signing_key = _derive(secret, b"frontdesk sign v1")
        self._clock = clock

    def seal(self, value: Any, *, purpose: str, ttl_seconds: int | None = None) -> str:
        """Encrypt a JSON value for ``purpose``; only ``unseal`` with that purpose reads it."""
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        issued = int(self._clock())
        expires = None if ttl_seconds is None else issued + ttl_seconds
        try:
            plaintext = json.dumps(
                [issued, expires, value], separators=(",", ":"), ensure_ascii=False, allow_nan=False
            ).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise TypeError(f"a sealed value must be JSON-serialisable: {exc}") from exc
        header = _purpose_tag(purpose)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, _associated_data(header, purpose))
        return SEAL_PREFIX + _b64encode(header + nonce + sealed)

    def unseal(self, token: str, *, purpose: str) -> Any:
        """The value ``seal`` was given; ``InvalidToken`` if forged, foreign, stale or misused."""
        if not isinstance(token, str) or not token.startswith(SEAL_PREFIX):
            raise _refuse("malformed", "not a sealed value")
        raw = _b64decode(token[len(SEAL_PREFIX) :])
        if raw is None or len(raw) < _SEALED_MIN_BYTES:
            raise _refuse("malformed", "not a sealed value")
        header = raw[:_PURPOSE_TAG_BYTES]
        nonce = raw[_PURPOSE_TAG_BYTES : _PURPOSE_TAG_BYTES + _NONCE_BYTES]
        try:
            plaintext = self._aead.decrypt(
                nonce, raw[len(header) + len(nonce) :], _associated_data(header, purpose)
            )
        except InvalidTag:
            # The tag only says "not for this purpose under this key"; the purpose tag in the
            # clear tells a value meant for another purpose from a forged or foreign one.
            if header != _purpose_tag(purpose):
                raise _refuse("wrong_purpose", "sealed for another purpose") from None
            raise _refuse("tampered", "altered, or sealed with another key") from None
        try:
            issued, expires, value = json.loads(plaintext)
        except ValueError:
            raise _refuse("malformed", "unreadable contents") from None
        if not isinstance(issued, int) or not (expires is None or isinstance(expires, int)):
            raise _refuse("malformed", "unreadable contents")
        if expires is not None and self._clock() >= expires:
            raise _refuse("expired", "expired")
        return value

    def sign(self, claims: dict[str, Any], *, audience: str, ttl_seconds: int) -> str:
        """A JWT (HS256) carrying ``claims`` for ``audience``, valid for ``ttl_seconds``."""
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        clashing = _REGISTERED_CLAIMS & claims.keys()
        if clashing:
            raise ValueError(f"claims set by the keyring itself: {', '.join(sorted(clashing))}")
        issued = int(self._clock())
        payload = {
            **claims,
            "iss": ISSUER,
            "aud": audience,
            "iat": issued,
            "exp": issued + ttl_seconds,
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(payload, self._signing_key, algorithm=_ALGORITHM)

    def verify(self, token: str, *, audience: str) -> dict[str, Any]:
        """The claims of a token ``sign`` made for ``audience``; ``InvalidToken`` otherwise."""
        if not isinstance(token, str) or not _is_compact_jws(token):
            raise _refuse("malformed", "not a signed token")
        try:
            claims = jwt.decode(
                token,
                self._signing_key,
                # Fixed, never taken from the token: refuses "none", RS256 and HS512 alike.
                algorithms=[_ALGORITHM],
                audience=audience,
                issuer=ISSUER,
                # Time is checked below against the keyring's clock, which tests can move.
                options={
                    "require": ["exp", "iat", "aud", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise _refuse("wrong_audience", "signed for another audience") from None
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError):
            raise _refuse("tampered", "altered, or signed with another key") from None
        except (jwt.InvalidTokenError, RecursionError):
            # RecursionError: PyJWT parses the header before checking the signature, and
            # deeply nested JSON there exhausts the parser.
            raise _refuse("malformed", "not a signed token") from None
        expires, issued = claims["exp"], claims["iat"]
        if not isinstance(expires, int) or not isinstance(issued, int):
            raise _refuse("malformed", "exp and iat must be whole numbers")
        if self._clock() >= expires:
            raise _refuse("expired", "expired")
        return claims


def _derive(secret: bytes, use: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=use).derive(secret)


def _purpose_tag(purpose: str) -> bytes:
    return hashlib.sha256(purpose.encode("utf-8")).digest()[:_PURPOSE_TAG_BYTES]


def _associated_data(header: bytes, purpose: str) -> bytes:
    return SEAL_PREFIX.encode("ascii") + header + purpose.encode("utf-8")


def _refuse(reason: str, problem: str) -> InvalidToken:
    return InvalidToken(f"The token was refused: {problem}.", reason=reason)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes | None:
    """Strict base64url: one spelling per byte string, so no altered token decodes the same."""
    if len(text) > MAX_TOKEN_CHARACTERS or not _BASE64URL.fullmatch(text):
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == text else None


def _is_compact_jws(token: str) -> bool:
    """Three strict base64url segments; PyJWT alone would accept other spellings of a signature."""
    segments = token.split(".")
    return (
        len(token) <= MAX_TOKEN_CHARACTERS
        and len(segments) == 3
        and all(segment and _b64decode(segment) is not None for segment in segments)
    )
