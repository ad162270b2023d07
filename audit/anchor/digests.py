"""Signed digests of the chain head, written outside the database (as CloudTrail's digest
files are): one JSON file per run of the beat entry "write-audit-digest", in
AUDIT_DIGEST_DIR, named audit-digest-<number>.json. Each names the head (event id and
hash) at a time and the SHA-256 of the previous digest file, and is signed with
HMAC-SHA256 under a key derived from AUDIT_CHAIN_KEY, which the database never holds.

A digested head anchors every event up to it: the head's hash covers them all through the
chain's links. Verification fails when a digested head is missing from the chain or has
another hash there, when a digest's signature does not match, or when a digest between
two others is missing. Not seen: the newest digests removed, and events appended after the
last digest removed with the head rewound (docs/operations.md).
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.chain import canonical_json, verify_chain, verify_chain_since

from .keys import KeyRing, keyring

log = logging.getLogger(__name__)
VERSION = 1
_SIGNED = ("version", "number", "at", "head_id", "head_hash", "previous_digest_hash", "key_id")
_PATTERN = "audit-digest-*.json"


def _name(number: int) -> str:
    return f"audit-digest-{number:08d}.json"


@dataclass(frozen=True)
class Digest:
    number: int
    head_id: int
    head_hash: str
    previous_digest_hash: str | None
    file_hash: str  # SHA-256 of the file's bytes: what the next digest names
    name: str


@dataclass(frozen=True)
class Digests:
    configured: bool
    found: list[Digest] = field(default_factory=list)
    problem: str = ""  # why the digests themselves cannot be trusted

    @property
    def anchors(self) -> dict[int, str]:
        """Digested heads, event id -> hash (a head before the first event names none)."""
        return {d.head_id: d.head_hash for d in self.found if d.head_id}


def digests_read(ring: KeyRing | None = None) -> Digests:
    """Every digest in AUDIT_DIGEST_DIR, each checked against its signature and the one
    before it. The oldest present may be later than number 1 (older ones archived)."""
    directory = settings.AUDIT_DIGEST_DIR
    if not directory:
        return Digests(configured=False)
    ring = ring or keyring()
    try:
        paths = sorted(Path(directory).glob(_PATTERN))
        if not Path(directory).is_dir():
            raise NotADirectoryError(directory)
        found = [_read(path, ring) for path in paths]
    except (OSError, BadDigest) as exc:
        return Digests(configured=True, problem=f"the digests in AUDIT_DIGEST_DIR: {exc}")
    for before, after in pairwise(found):
        if after.number != before.number + 1 or after.previous_digest_hash != before.file_hash:
            return Digests(
                True,
                found,
                f"digest {after.name} does not follow {before.name}: a digest between "
                "them is missing or was altered",
            )
        if after.head_id < before.head_id:
            return Digests(True, found, f"digest {after.name} names an older head than the last")
    return Digests(configured=True, found=found)


class BadDigest(Exception):
    pass


def _read(path: Path, ring: KeyRing) -> Digest:
    raw = path.read_bytes()
    try:
        doc = json.loads(raw)
        body = {name: doc[name] for name in _SIGNED}
        signature = str(doc["signature"])
        number, head_id = int(doc["number"]), int(doc["head_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadDigest(f"{path.name} is not a digest ({exc})") from exc
    expected = ring.digest_signature(str(body["key_id"]), canonical_json(body).encode())
    if expected is None:
        raise BadDigest(
            f"{path.name} is signed with key {body['key_id']}, which is not configured "
            "(AUDIT_CHAIN_KEY, AUDIT_CHAIN_PREVIOUS_KEYS)"
        )
    if not hmac.compare_digest(expected, signature) or path.name != _name(number):
        raise BadDigest(f"the signature of {path.name} does not match: it was altered")
    return Digest(
        number=number,
        head_id=head_id,
        head_hash=str(body["head_hash"]),
        previous_digest_hash=body["previous_digest_hash"],
        file_hash=hashlib.sha256(raw).hexdigest(),
        name=path.name,
    )


def digest_write() -> Digest | None:
    """The scheduled digest: checks the events appended since the last digest (the whole
    chain before the first), then writes the next digest naming the head. Writes nothing,
    and says why in the log, without a directory or a key, or when anything looks wrong:
    a digest must never vouch for a rewritten chain."""
    if not settings.AUDIT_DIGEST_DIR:
        return None
    ring = keyring()
    if not ring.current_id:
        log.warning("audit digests are signed with AUDIT_CHAIN_KEY, which is not set: none written")
        return None
    existing = digests_read(ring)
    if existing.problem:
        log.error("audit digest not written: %s", existing.problem)
        return None
    previous = existing.found[-1] if existing.found else None
    if previous:
        report = verify_chain_since(last_id=previous.head_id, last_hash=previous.head_hash)
    else:
        report = verify_chain(ring=ring)
    if not report.ok:
        log.error(
            "audit chain broken at event %s (%s): no digest written",
            report.first_bad_id,
            report.problem,
        )
        return None
    body = {
        "version": VERSION,
        "number": previous.number + 1 if previous else 1,
        "at": timezone.now().isoformat(),
        "head_id": report.last_id,
        "head_hash": report.last_hash,
        "previous_digest_hash": previous.file_hash if previous else None,
        "key_id": ring.current_id,
    }
    signature = ring.digest_signature(ring.current_id, canonical_json(body).encode())
    raw = (json.dumps({**body, "signature": signature}, indent=2, sort_keys=True) + "\n").encode()
    path = Path(settings.AUDIT_DIGEST_DIR) / _name(body["number"])
    if not _create(path, raw):
        log.info("audit digest %s was written by another run meanwhile", path.name)
        return None
    return _read(path, ring)


def _create(path: Path, raw: bytes) -> bool:
    """Writes the file whole or not at all, and never over an existing one (two runs at
    once: one wins)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(partial, path)
    except FileExistsError:
        return False
    finally:
        partial.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True
