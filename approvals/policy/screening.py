"""Screens a use case against a policy version: a pure function with evidence.

Same (texts, declared domains, policy version) in, same result out: no Django, no database,
no clock. The rule language is in rules.py; this module decides.

How a domain is detected. Every rule that fired has a weight (1-6). A cue (a sign of benign
use: "with their consent", "a human makes every decision", "detects fake reviews") lowers the
triggers of its own domain by its weight: a cue with "near": N only the triggers within N words
of it in the same field, a cue without "near" every trigger of the application, since
mitigations are where developers write their safeguards. Cues do not add up: the strongest
applicable one counts. A trigger's strength is its weight minus that cue, and the domain is
detected when the strengths of its distinct rules add up to THRESHOLD. So a weight-3 phrase
alone is enough but yields to any cue; 5 survives the generic cues (weight 1-2); 6 survives
every cue. Several weak hints together also reach the threshold, which is what catches
paraphrase. Declared domains are never suppressed.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .rules import Occurrence, PhraseIndex, Rule, RuleError, Words, parse_rules, tokenise

PROHIBITED = "prohibited"
EXTRA_SCRUTINY = "extra_scrutiny"
KINDS = (PROHIBITED, EXTRA_SCRUTINY)

PROHIBITED_DECLARED = "prohibited_declared"  # -> auto_rejected
PROHIBITED_SUSPECTED = "prohibited_suspected"  # -> route policy_escalation
SCRUTINY = "extra_scrutiny"  # -> route extra_scrutiny
CLEAR = "clear"  # -> route standard

THRESHOLD = 3
DECLARED_FIELD = "domains"

__all__ = [
    "CLEAR",
    "EXTRA_SCRUTINY",
    "PROHIBITED",
    "PROHIBITED_DECLARED",
    "PROHIBITED_SUSPECTED",
    "SCRUTINY",
    "CompiledPolicy",
    "DomainSpec",
    "Match",
    "RuleError",
    "Screening",
    "compile_policy",
    "screen",
]


@dataclass(frozen=True)
class DomainSpec:
    slug: str
    name: str
    kind: str
    rules: dict


@dataclass(frozen=True)
class Match:
    domain: str
    kind: str
    field: str
    start: int
    end: int
    text: str
    rule: str

    def as_dict(self) -> dict:
        return {
            "domain": self.domain,
            "kind": self.kind,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Screening:
    outcome: str
    policy_version: int
    matches: tuple[Match, ...]

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "policy_version": self.policy_version,
            "matches": [match.as_dict() for match in self.matches],
        }

    @property
    def matched_domains(self) -> list[str]:
        return sorted({match.domain for match in self.matches})

    @classmethod
    def from_dict(cls, data: Mapping) -> "Screening":
        return cls(
            outcome=data["outcome"],
            policy_version=data["policy_version"],
            matches=tuple(Match(**m) for m in data["matches"]),
        )

    def without_prohibited(self) -> "Screening":
        """The screening as if no prohibited clause had matched: what a person who cleared
        an escalation routes on."""
        kept = tuple(m for m in self.matches if m.kind != PROHIBITED)
        outcome = SCRUTINY if any(m.kind == EXTRA_SCRUTINY for m in kept) else CLEAR
        return Screening(outcome=outcome, policy_version=self.policy_version, matches=kept)


Found = tuple[str, str, Words, Occurrence]  # field, its text, its words, a rule found in it


class CompiledPolicy:
    """One policy version ready to screen: built once, then reused for every application."""

    def __init__(self, version: int, domains: dict[str, DomainSpec], index: PhraseIndex) -> None:
        self.version = version
        self.domains = domains
        self.index = index


def texts_of(content: dict) -> dict[str, str]:
    """What of a revision's content is screened, by field: the title, the description and
    each mitigation (`mitigations.0`, ...), the names that matches and evidence refer to."""
    texts = {"title": content["title"], "description": content["description"]}
    texts.update({f"mitigations.{i}": m for i, m in enumerate(content["mitigations"])})
    return texts


def compile_policy(version: int, domains: Iterable[DomainSpec]) -> CompiledPolicy:
    """Raises RuleError (a ValueError) naming the domain and rule that does not compile."""
    by_slug: dict[str, DomainSpec] = {}
    rules: list[Rule] = []
    for spec in domains:
        if spec.kind not in KINDS:
            raise RuleError(f"{spec.slug}: kind must be one of {KINDS}, not {spec.kind!r}")
        if spec.slug in by_slug:
            raise RuleError(f"{spec.slug}: the domain appears twice")
        by_slug[spec.slug] = spec
        rules.extend(parse_rules(spec.slug, spec.rules or {}))
    return CompiledPolicy(version, by_slug, PhraseIndex(rules))


def screen(
    policy: CompiledPolicy, *, texts: Mapping[str, str], declared: Iterable[str]
) -> Screening:
    """Unknown declared slugs are ignored (the API validates them). Declared domains appear as
    matches in the field "domains", spanning their slug in ", ".join(sorted(known declared))."""
    known = sorted({slug for slug in declared if slug in policy.domains})
    found: list[Found] = []
    for field, text in sorted(texts.items()):
        words = tokenise(text or "")
        found.extend(
            (field, text or "", words, occurrence) for occurrence in policy.index.occurrences(words)
        )
    evidence = _detected(policy, found)
    matches = _declared_matches(policy, known)
    for domain, items in evidence.items():
        for item in items:
            matches.extend(_matches(policy, domain, *item))
    ordered = tuple(sorted(set(matches), key=lambda m: (m.field, m.start, m.domain, m.end, m.rule)))
    return Screening(_outcome(policy, known, evidence), policy.version, ordered)


def _detected(policy: CompiledPolicy, found: list[Found]) -> dict[str, list[Found]]:
    """Domain -> the trigger occurrences that still count after cues, for detected domains."""
    rules = policy.index.rules
    triggers: dict[str, list[Found]] = defaultdict(list)
    cue_anywhere: dict[str, int] = defaultdict(int)
    cues_near: dict[tuple[str, str], list[tuple[Occurrence, Rule]]] = defaultdict(list)
    for item in found:
        field, _, _, occurrence = item
        rule = rules[occurrence.rule]
        if not rule.cue:
            triggers[rule.domain].append(item)
        elif rule.near is None:
            cue_anywhere[rule.domain] = max(cue_anywhere[rule.domain], rule.weight)
        else:
            cues_near[(rule.domain, field)].append((occurrence, rule))
    detected = {}
    for domain, items in triggers.items():
        strongest: dict[int, int] = {}
        counted = []
        for item in items:
            field, _, _, occurrence = item
            doubt = max(
                [cue_anywhere[domain]]
                + [
                    cue.weight
                    for cue_occurrence, cue in cues_near[(domain, field)]
                    if _gap(cue_occurrence, occurrence) <= cue.near
                ]
            )
            strength = rules[occurrence.rule].weight - doubt
            if strength > 0:
                strongest[occurrence.rule] = max(strongest.get(occurrence.rule, 0), strength)
                counted.append(item)
        if sum(strongest.values()) >= THRESHOLD:
            detected[domain] = counted
    return detected


def _gap(a: Occurrence, b: Occurrence) -> int:
    """Words between two occurrences; 0 when they touch or overlap."""
    return max(0, b.first - a.last, a.first - b.last)


def _matches(
    policy: CompiledPolicy, domain: str, field: str, text: str, words: Words, occurrence: Occurrence
) -> list[Match]:
    rule = policy.index.rules[occurrence.rule]
    kind = policy.domains[domain].kind
    in_groups = sorted(occurrence.parts, key=lambda hit: hit.group)
    together = "co-occurrence: " + (rule.name or " + ".join(hit.phrase for hit in in_groups))
    matches = []
    for hit in occurrence.parts:
        label = together if rule.together else "phrase: " + (rule.name or hit.phrase)
        start, end = words.spans[hit.start][0], words.spans[hit.end - 1][1]
        matches.append(Match(domain, kind, field, start, end, text[start:end], label))
    return matches


def _declared_matches(policy: CompiledPolicy, known: list[str]) -> list[Match]:
    matches, cursor = [], 0
    for slug in known:
        matches.append(
            Match(
                slug,
                policy.domains[slug].kind,
                DECLARED_FIELD,
                cursor,
                cursor + len(slug),
                slug,
                "declared",
            )
        )
        cursor += len(slug) + 2  # the ", " between slugs
    return matches


def _outcome(policy: CompiledPolicy, declared: list[str], detected: Mapping[str, object]) -> str:
    def kinds(slugs: Iterable[str]) -> set[str]:
        return {policy.domains[slug].kind for slug in slugs}

    if PROHIBITED in kinds(declared):
        return PROHIBITED_DECLARED
    if PROHIBITED in kinds(detected):
        return PROHIBITED_SUSPECTED
    if EXTRA_SCRUTINY in kinds(declared) | kinds(detected):
        return SCRUTINY
    return CLEAR
