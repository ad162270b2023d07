"""The secrets the audit chain is keyed with: AUDIT_CHAIN_KEY (new events) and
AUDIT_CHAIN_PREVIOUS_KEYS (retired ones, to verify what they keyed). They come from the
environment and are never stored: an event carries only its key's id, an HMAC of a fixed
text under the key, which reveals nothing that would let anyone compute an event's hash."""

import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings

SCHEME_KEYED, SCHEME_PLAIN = "HMAC-SHA256", "SHA-256"
_KEY_ID_TEXT = b"access-review audit chain key id"
_DIGEST_KEY_TEXT = b"access-review audit digest signing"


def key_id(secret: bytes) -> str:
    return hmac.new(secret, _KEY_ID_TEXT, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class KeyRing:
    current_id: str  # "" when no key is configured: new events are plain SHA-256
    secrets: dict[str, bytes]
    # One keyed HMAC per key, copied per event: half the cost of keying each one anew.
    _macs: dict = field(default_factory=dict, compare=False, repr=False)

    def chain_mac(self, key_id: str, body: bytes) -> str | None:
        """The event's keyed hash, or None when that key is not configured."""
        base = self._macs.get(key_id)
        if base is None:
            secret = self.secrets.get(key_id)
            if secret is None:
                return None
            base = self._macs[key_id] = hmac.new(secret, digestmod=hashlib.sha256)
        mac = base.copy()
        mac.update(body)
        return mac.hexdigest()

    def digest_signature(self, key_id: str, body: bytes) -> str | None:
        """A digest's signature: HMAC-SHA256 under a key derived from the chain key."""
        secret = self.secrets.get(key_id)
        if secret is None:
            return None
        signing = hmac.new(secret, _DIGEST_KEY_TEXT, hashlib.sha256).digest()
        return hmac.new(signing, body, hashlib.sha256).hexdigest()


def keyring() -> KeyRing:
    current = settings.AUDIT_CHAIN_KEY.encode()
    secrets = {key_id(s): s for s in (k.encode() for k in settings.AUDIT_CHAIN_PREVIOUS_KEYS) if s}
    if current:
        secrets[key_id(current)] = current
    return KeyRing(current_id=key_id(current) if current else "", secrets=secrets)


def unkeyed() -> KeyRing:
    return KeyRing(current_id="", secrets={})
