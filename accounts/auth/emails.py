"""Email addresses as account names: one spelling per mailbox, and none that imitates another.

- normalize_email: NFKC (a compatibility character is its plain letter: long s is s), lower
  case, and the domain in its Unicode form through IDNA 2008 with UTS #46 mapping, so
  `dev@xn--e1afmkfd.test` and `dev@пример.test`, the same mailbox, are one address. Used
  wherever an address is stored or looked up (accounts, sign-in, the token endpoint, lockout
  and throttle keys), so every path agrees.
- mixed_script: a part (the local part, each domain label) that mixes writing systems, such
  as `аcme` with a Cyrillic а, is refused for a new account. Scripts are resolved as UTS #39
  section 5.1 does, so Han with Hiragana and Katakana (Japanese) or with Hangul (Korean) is
  one writing system.
- skeleton: the UTS #39 confusable skeleton, with digits folded as TR39 folds them (1 is l,
  0 is O): `victım@acme.test` (dotless ı) has the skeleton of `victim@acme.test`. A new
  account whose skeleton is an existing account's is refused (accounts.services). The
  skeleton is a key, never shown.

Mixed scripts and skeletons come from disarm (its UCD Script data and TR39 confusables).
"""

import unicodedata

import idna
from disarm import is_mixed_script, skeleton_key


def _domain(domain: str) -> str:
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain  # not a valid domain: left for the address validator to refuse


def normalize_email(email: str) -> str:
    email = unicodedata.normalize("NFKC", (email or "").strip()).lower()
    local, at, domain = email.rpartition("@")
    if not at or not domain:
        return email
    return f"{local}@{_domain(domain)}"


def mixed_script(email: str) -> str | None:
    """The first part of a (normalized) address that mixes scripts, or None."""
    local, _, domain = email.rpartition("@")
    for part in [local, *domain.split(".")]:
        if part and is_mixed_script(part):
            return part
    return None


def skeleton(email: str) -> str:
    return skeleton_key(normalize_email(email), digit_policy="tr39")
