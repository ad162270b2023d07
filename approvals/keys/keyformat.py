"""The production key's text form: `lmk_<key id>_<secret><checksum>`.

The checksum (CRC-32 of everything before it, base62, 6 characters) lets secret scanners and
the verifier throw away typos and garbage without touching Redis or the database.
"""

import hashlib
import hmac
import re
import secrets
import zlib
from typing import NamedTuple

PREFIX = "lmk"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KEY_ID_LENGTH = 12
SECRET_LENGTH = 43  # 43 base62 characters: 256 bits
CHECKSUM_LENGTH = 6
MAX_LENGTH = len(PREFIX) + 2 + KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH
_SHAPE = re.compile(
    rf"^{PREFIX}_([0-9A-Za-z]{{{KEY_ID_LENGTH}}})_([0-9A-Za-z]{{{SECRET_LENGTH}}})"
    rf"([0-9A-Za-z]{{{CHECKSUM_LENGTH}}})$"
)


class ParsedKey(NamedTuple):
    key_id: str
    secret: str


def _base62(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        out.append(ALPHABET[digit])
    return "".join(reversed(out))


def _random(width: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(width))


def checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


def new_key() -> tuple[str, ParsedKey]:
    key_id, secret = _random(KEY_ID_LENGTH), _random(SECRET_LENGTH)
    body = f"{PREFIX}_{key_id}_{secret}"
    return body + checksum(body), ParsedKey(key_id, secret)


def parse(text) -> ParsedKey | None:
    """The key's parts, or None for anything that is not a well-formed key."""
    if not isinstance(text, str) or len(text) != MAX_LENGTH:
        return None
    shape = _SHAPE.match(text)
    if shape is None:
        return None
    key_id, secret, given = shape.groups()
    if not hmac.compare_digest(checksum(text[:-CHECKSUM_LENGTH]), given):
        return None
    return ParsedKey(key_id, secret)


def digest(secret: str) -> str:
    """SHA-256: right for 256 random bits; a password hasher would cost ~0.2 s a call."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


def shown_prefix(key_id: str) -> str:
    return f"{PREFIX}_{key_id}"
