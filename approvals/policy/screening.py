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

The classifier (approvals/policy/classifier/) is the second layer: when screen() is given
one, each domain it names is detected too, with a match of source "classifier" that carries
its score and nearest labelled example. Either layer can flag; the one exception is an
extra-scrutiny topic word the classifier finds no policy use in (classifier/training.py),
set aside rather than routed on. Screening records which layers judged it, and why only the
rules did when the classifier could not.
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
RULE, CLASSIFIER = "rule", "classifier"  # a match's source
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
    "shown_to_applicant",
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
    rule: str  # which rule fired, or the classifier's nearest example: for reviewers only
    source: str = RULE
    score: float | None = None  # the classifier's probability; None for a rule

    def as_dict(self) -> dict:
        return {
            "domain": self.domain,
            "kind": self.kind,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "source": self.source,
            "rule": self.rule,
            "score": self.score,
        }


@dataclass(frozen=True)
class Screening:
    outcome: str
    policy_version: int
    matches: tuple[Match, ...]
    classifier_version: int | None = None  # None: the rules alone screened it
    note: str = ""  # why the rules alone screened it
    set_aside: tuple[Match, ...] = ()  # rule hits the classifier did not corroborate

    @property
    def layers(self) -> list[str]:
        return [RULE, CLASSIFIER] if self.classifier_version is not None else [RULE]

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "policy_version": self.policy_version,
            "classifier_version": self.classifier_version,
            "layers": self.layers,
            "note": self.note,
            "matches": [match.as_dict() for match in self.matches],
            "set_aside": [match.as_dict() for match in self.set_aside],
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
            classifier_version=data.get("classifier_version"),
            note=data.get("note", ""),
            set_aside=tuple(Match(**m) for m in data.get("set_aside", ())),
        )

    def without_prohibited(self) -> "Screening":
        """The screening as if no prohibited clause had matched: what a person who cleared
        an escalation routes on."""
        kept = tuple(m for m in self.matches if m.kind != PROHIBITED)
        outcome = SCRUTINY if any(m.kind == EXTRA_SCRUTINY for m in kept) else CLEAR
        return Screening(
            outcome, self.policy_version, kept, self.classifier_version, self.note, self.set_aside
        )


Found = tuple[str, str, Words, Occurrence]  # field, its text, its words, a rule found in it


class CompiledPolicy:
    """One policy version ready to screen: built once, then reused for every application."""

    def __init__(self, version: int, domains: dict[str, DomainSpec], index: PhraseIndex) -> None:
        self.version = version
        self.domains = domains
        self.index = index


APPLICANT_MATCH_FIELDS = ("domain", "kind", "field", "start", "end", "text", "source")


def shown_to_applicant(stored: Mapping | None) -> dict | None:
    """A stored screening as its applicant may see it: the domains, their kinds and the
    applicant's own words, never which rule or example fired, its score, the rule hits set
    aside, or why a layer did not run (each would show how to word around the screen)."""
    if not stored:
        return stored
    return {
        "outcome": stored["outcome"],
        "policy_version": stored["policy_version"],
        "matches": [
            {k: m.get(k, RULE if k == "source" else None) for k in APPLICANT_MATCH_FIELDS}
            for m in stored["matches"]
        ],
    }


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
    policy: CompiledPolicy,
    *,
    texts: Mapping[str, str],
    declared: Iterable[str],
    classifier=None,
    note: str = "",
) -> Screening:
    """Unknown declared slugs are ignored (the API validates them). Declared domains appear as
    matches in the field "domains", spanning their slug in ", ".join(sorted(known declared)).
    `classifier`: anything with `version` and `assess(texts)` (classifier.versions.Screener);
    its hits in domains this policy does not have are ignored. When it does not corroborate,
    the extra-scrutiny domains only the rules found are set aside (kept, shown to reviewers,
    not routed on). `note`: why there is no classifier."""
    known = sorted({slug for slug in declared if slug in policy.domains})
    found: list[Found] = []
    for field, text in sorted(texts.items()):
        words = tokenise(text or "")
        found.extend(
            (field, text or "", words, occurrence) for occurrence in policy.index.occurrences(words)
        )
    evidence: dict[str, object] = dict(_detected(policy, found))
    assessment = classifier.assess(texts) if classifier is not None else None
    set_aside: list[Match] = []
    if assessment is not None and not assessment.corroborates:
        for domain in sorted(evidence):  # topic words the classifier finds no policy use in
            if policy.domains[domain].kind == EXTRA_SCRUTINY and domain not in known:
                for item in evidence.pop(domain):
                    set_aside.extend(_matches(policy, domain, *item))
    matches = _declared_matches(policy, known)
    for domain, items in evidence.items():
        for item in items:
            matches.extend(_matches(policy, domain, *item))
    for hit in assessment.hits if assessment is not None else ():
        if hit.domain not in policy.domains:
            continue
        kind = policy.domains[hit.domain].kind
        matches.append(
            Match(
                hit.domain, kind, hit.field, hit.start, hit.end, hit.text, hit.evidence,
                CLASSIFIER, hit.score,
            )
        )  # fmt: skip
        evidence.setdefault(hit.domain, [])
    return Screening(
        _outcome(policy, known, evidence),
        policy.version,
        _ordered(matches),
        classifier.version if classifier is not None else None,
        "" if classifier is not None else note,
        _ordered(set_aside),
    )


def _ordered(matches: list[Match]) -> tuple[Match, ...]:
    return tuple(sorted(set(matches), key=lambda m: (m.field, m.start, m.domain, m.end, m.rule)))


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
