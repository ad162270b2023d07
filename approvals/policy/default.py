"""The default usage policy as data: default_policy.toml, read and checked here.

`domains()` gives the Domain rows that `versions.default_policy_load` publishes as version 1,
their rules in the stored language of rules.py: the file's `[[domain.trigger]]` and
`[[domain.cue]]` tables become the "triggers" and "cues" lists, "@name" phrase lists and
shared cues are written out in full. A malformed file raises DefaultPolicyError, whose
message names the file, the domain and the field; `manage.py load_policy` prints it and stops.
"""

import re
import tomllib
from pathlib import Path

from approvals.models import Domain, DomainKind

from .rules import RuleError, parse_rule

PATH = Path(__file__).with_name("default_policy.toml")

DOMAIN_FIELDS = {"slug", "name", "kind", "description", "typical_conditions", "trigger", "cue"}
RULE_FIELDS = {"weight", "any", "all", "within", "near", "name"}
SHARED_CUE_FIELDS = {"use", "weight", "near", "name"}  # a shared cue, optionally adjusted
SLUG = re.compile(r"[-a-z0-9]+")


class DefaultPolicyError(ValueError):
    """The policy file is malformed; the message says where."""


def domains(path: Path = PATH) -> list[dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DefaultPolicyError(f"{path}: cannot be read ({exc.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefaultPolicyError(f"{path.name}: not valid TOML: {exc}.") from None
    return _File(path.name, data).domains()


class _File:
    def __init__(self, name: str, data: dict):
        self.name = name
        self.data = data

    def fail(self, where: str, problem: str):
        raise DefaultPolicyError(f"{self.name}: {where}: {problem}")

    def domains(self) -> list[dict]:
        unknown = set(self.data) - {"phrases", "cues", "domain"}
        if unknown:
            self.fail("the file", f"unknown {_names(unknown)}; expected phrases, cues and domain.")
        self.phrases = self._phrase_lists(self.data.get("phrases", {}))
        self.cues = self._shared_cues(self.data.get("cues", {}))
        entries = self.data.get("domain")
        if not isinstance(entries, list) or not entries:
            self.fail("the file", "no [[domain]] tables.")
        rows, seen = [], set()
        for number, entry in enumerate(entries, start=1):
            row = self._domain(entry, number)
            if row["slug"] in seen:
                self.fail(f"domain '{row['slug']}'", "this slug is used by an earlier domain.")
            seen.add(row["slug"])
            rows.append(row)
        return rows

    def _phrase_lists(self, table) -> dict[str, list[str]]:
        if not isinstance(table, dict):
            self.fail("phrases", "must be a table of phrase lists.")
        for name, phrases in table.items():
            where = f"phrases.{name}"
            if not isinstance(phrases, list) or not phrases:
                self.fail(where, "must be a non-empty list of phrases.")
            if any(not isinstance(p, str) or p.startswith("@") for p in phrases):
                self.fail(where, "holds phrases (text) only, and cannot name another list.")
        return table

    def _shared_cues(self, table) -> dict[str, dict]:
        if not isinstance(table, dict):
            self.fail("cues", "must be a table of cues.")
        return {name: self._rule(cue, f"cues.{name}", cue=True) for name, cue in table.items()}

    def _domain(self, entry, number: int) -> dict:
        if not isinstance(entry, dict):
            self.fail(f"domain {number}", "must be a table.")
        slug = entry.get("slug")
        if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > _max("slug"):
            self.fail(
                f"domain {number}",
                f"'slug' must be lowercase letters, digits and hyphens, at most {_max('slug')} "
                f"characters; got {slug!r}.",
            )
        where = f"domain '{slug}'"
        unknown = set(entry) - DOMAIN_FIELDS
        if unknown:
            self.fail(where, f"unknown {_names(unknown)}; expected {_names(DOMAIN_FIELDS)}.")
        for field in ("name", "description"):
            value = entry.get(field)
            if not isinstance(value, str) or not value.strip():
                self.fail(where, f"'{field}' is missing or empty.")
        if len(entry["name"]) > _max("name"):
            self.fail(where, f"'name' has more than {_max('name')} characters.")
        if entry.get("kind") not in DomainKind.values:
            self.fail(
                where,
                f"'kind' must be one of {_names(DomainKind.values)}, not {entry.get('kind')!r}.",
            )
        conditions = entry.get("typical_conditions", "")
        if not isinstance(conditions, str):
            self.fail(where, "'typical_conditions' must be text.")
        rules = {
            "triggers": self._rules(entry.get("trigger", []), f"{where}: trigger", cue=False),
            "cues": self._rules(entry.get("cue", []), f"{where}: cue", cue=True),
        }
        return {
            "slug": slug,
            "name": entry["name"],
            "kind": entry["kind"],
            "description": entry["description"],
            "typical_conditions": conditions,
            "rules": rules,
        }

    def _rules(self, entries, where: str, *, cue: bool) -> list[dict]:
        if not isinstance(entries, list):
            self.fail(where, "must be [[...]] tables.")
        return [self._rule(e, f"{where} {n}", cue=cue) for n, e in enumerate(entries, start=1)]

    def _rule(self, entry, where: str, *, cue: bool) -> dict:
        """One rule in the stored language: a shared cue and "@name" lists written out, then
        checked by the rule language itself (rules.parse_rule), its message placed here."""
        if not isinstance(entry, dict):
            self.fail(where, "must be a table.")
        if "use" in entry:
            if not cue or set(entry) - SHARED_CUE_FIELDS:
                others = _names(SHARED_CUE_FIELDS - {"use"})
                self.fail(where, f"'use' names a shared cue; beside it only {others}.")
            if entry["use"] not in self.cues:
                self.fail(where, f"'use' names no cue of [cues]: {entry['use']!r}.")
            entry = {**self.cues[entry["use"]], **{k: v for k, v in entry.items() if k != "use"}}
        allowed = RULE_FIELDS - ({"near"} if not cue else set())
        unknown = set(entry) - allowed
        if unknown:
            self.fail(where, f"unknown {_names(unknown)}; expected {_names(allowed)}.")
        rule = dict(entry)
        if isinstance(entry.get("any"), list):
            rule["any"] = self._expanded(entry["any"], f"{where}: 'any'")
        if isinstance(entry.get("all"), list):
            rule["all"] = [
                self._expanded(group, f"{where}: 'all' group {n}")
                if isinstance(group, list)
                else group
                for n, group in enumerate(entry["all"], start=1)
            ]
        try:
            parse_rule("", rule, cue=cue, where=where)
        except RuleError as exc:
            raise DefaultPolicyError(f"{self.name}: {exc}") from None
        return rule

    def _expanded(self, phrases: list, where: str) -> list:
        """The phrases with each "@name" replaced by the list [phrases].name."""
        out = []
        for phrase in phrases:
            if isinstance(phrase, str) and phrase.startswith("@"):
                if phrase[1:] not in self.phrases:
                    self.fail(where, f"{phrase!r} names no list of [phrases].")
                out.extend(self.phrases[phrase[1:]])
            else:
                out.append(phrase)
        return out


def _max(field: str) -> int:
    return Domain._meta.get_field(field).max_length


def _names(names) -> str:
    return ", ".join(f"'{n}'" for n in sorted(names))
