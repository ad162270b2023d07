"""The screening's rule language, and finding a policy's rules in one text.

A domain's rules (JSON, stored with the domain and checked here when a policy compiles):

    {"triggers": [RULE, ...], "cues": [RULE, ...]}
    RULE = {"any": [PHRASE, ...], "weight": W}                 one of the phrases
         | {"all": [[PHRASE, ...], ...], "within": N, "weight": W}
                                   one phrase of every group, each starting within N words of
                                   the first group's phrase (default 12)
    optional: "name" (shown as the rule that fired); for cues only, "near": N (see screening.py)
    PHRASE = words separated by spaces; a word ending in "*" is a stem ("review*" also matches
             "reviews", "reviewer"); punctuation inside a word splits it ("sock-puppet" is two).

Cost per text: every word is looked up once (itself and its stems, by length) and walked
through one trie that holds every phrase of every domain, so more rules make the trie wider,
not the pass over the text longer.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
CLAUSE_BREAK = re.compile(r"[.!?;:,\n]")
# A trigger or cue right after one of these words is denied ("we do not identify anyone"),
# unless the negator is part of the rule itself ("no human review", "never reveals").
NEGATORS = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "isn't",
        "aren't",
        "wasn't",
        "cannot",
        "can't",
        "nor",
        "neither",
        "none",
        "nothing",
        "nobody",
    }
)
NEGATION_WINDOW = 5  # words before a hit, within its clause, not counting the ones below
# "does not give advice or make credit decisions": a list does not end the negation.
COORDINATORS = frozenset({"or", "nor", "and", "a", "an", "the", "any"})
MIN_STEM = 3  # "ab*" would match half the dictionary
MAX_WINDOW = 60
MAX_WEIGHT = 6
MAX_OCCURRENCES = 20  # per rule and field: enough evidence, bounded output on hostile input
TERM_CACHE_SIZE = 50_000  # distinct words remembered per compiled policy


class RuleError(ValueError):
    """A domain's rules do not follow the rule language; the message says where."""


@dataclass(frozen=True)
class Rule:
    domain: str
    cue: bool
    weight: int
    groups: tuple[tuple[tuple[str, ...], ...], ...]  # group -> phrases -> terms
    within: int
    near: int | None
    name: str

    @property
    def together(self) -> bool:
        return len(self.groups) > 1


@dataclass(frozen=True)
class Words:
    """A text cut into words: normalised keys, their character spans, and clause numbers."""

    keys: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    clauses: tuple[int, ...]


class Hit(NamedTuple):  # a tuple: sorting and hashing thousands of them stays cheap
    start: int  # word indices, end exclusive
    end: int
    rule: int
    group: int
    phrase: str


@dataclass(frozen=True)
class Occurrence:
    rule: int
    parts: tuple[Hit, ...]  # one hit per group, in text order

    @property
    def first(self) -> int:
        return self.parts[0].start

    @property
    def last(self) -> int:
        return self.parts[-1].end


def normalise(word: str) -> str:
    return word.casefold().replace("’", "'")


def tokenise(text: str) -> Words:
    keys, spans, clauses, clause, previous_end = [], [], [], 0, 0
    for match in WORD.finditer(text):
        if CLAUSE_BREAK.search(text, previous_end, match.start()):
            clause += 1
        keys.append(normalise(match.group()))
        spans.append(match.span())
        clauses.append(clause)
        previous_end = match.end()
    return Words(tuple(keys), tuple(spans), tuple(clauses))


# ---------------------------------------------------------------- parsing


def parse_rules(domain: str, rules: object) -> list[Rule]:
    if not isinstance(rules, dict) or set(rules) - {"triggers", "cues"}:
        raise RuleError(f"{domain}: rules must be an object with 'triggers' and 'cues' lists")
    parsed = []
    for section in ("triggers", "cues"):
        entries = rules.get(section, [])
        if not isinstance(entries, list):
            raise RuleError(f"{domain}: '{section}' must be a list")
        for number, entry in enumerate(entries):
            where = f"{domain}: {section}[{number}]"
            parsed.append(parse_rule(domain, entry, cue=section == "cues", where=where))
    return parsed


def parse_rule(domain: str, entry: object, *, cue: bool, where: str) -> Rule:
    """One trigger or cue of `domain`; RuleError, its message starting with `where`, when it
    does not follow the rule language."""
    allowed = {"any", "all", "weight", "within", "name"} | ({"near"} if cue else set())
    if not isinstance(entry, dict) or set(entry) - allowed or ("any" in entry) == ("all" in entry):
        raise RuleError(f"{where}: needs exactly one of 'any' or 'all', and only {sorted(allowed)}")
    raw_groups = [entry["any"]] if "any" in entry else entry["all"]
    if not isinstance(raw_groups, list) or not raw_groups:
        raise RuleError(f"{where}: 'all' must be a non-empty list of phrase lists")
    groups = tuple(_parse_group(group, where) for group in raw_groups)
    name = entry.get("name", "")
    if not isinstance(name, str):
        raise RuleError(f"{where}: 'name' must be text")
    near = entry.get("near")
    return Rule(
        domain=domain,
        cue=cue,
        weight=_number(entry.get("weight"), 1, MAX_WEIGHT, where, "weight"),
        groups=groups,
        within=_number(entry.get("within", 12), 1, MAX_WINDOW, where, "within"),
        near=None if near is None else _number(near, 0, MAX_WINDOW, where, "near"),
        name=name,
    )


def _parse_group(group: object, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(group, list) or not group:
        raise RuleError(f"{where}: each group must be a non-empty list of phrases")
    return tuple(_parse_phrase(phrase, where) for phrase in group)


def _parse_phrase(phrase: object, where: str) -> tuple[str, ...]:
    if not isinstance(phrase, str):
        raise RuleError(f"{where}: a phrase must be text, not {phrase!r}")
    terms: list[str] = []
    for part in phrase.split():
        words = WORD.findall(normalise(part.rstrip("*")))
        if not words:
            raise RuleError(f"{where}: {part!r} in {phrase!r} has no word in it")
        if part.endswith("*"):
            if len(words[-1]) < MIN_STEM:
                raise RuleError(f"{where}: stem {part!r} is shorter than {MIN_STEM} letters")
            words[-1] += "*"
        terms.extend(words)
    if not terms:
        raise RuleError(f"{where}: empty phrase")
    return tuple(terms)


def _number(value: object, low: int, high: int, where: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RuleError(
            f"{where}: '{field}' must be a whole number from {low} to {high}, not {value!r}"
        )
    return value


# ---------------------------------------------------------------- matching


class _Node:
    __slots__ = ("children", "outputs")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.outputs: list[tuple[int, int, str]] = []  # (rule, group, phrase as written)


class PhraseIndex:
    """Every phrase of every rule in one trie over terms (words and stems)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._root = _Node()
        self._stems: dict[str, str] = {}  # "review" -> "review*"
        for number, rule in enumerate(self.rules):
            for group_number, group in enumerate(rule.groups):
                for terms in group:
                    self._add(terms, (number, group_number, " ".join(terms)))
        self._stem_lengths = tuple(sorted({len(stem) for stem in self._stems}))
        self._term_cache: dict[str, list[str]] = {}

    def _add(self, terms: tuple[str, ...], output: tuple[int, int, str]) -> None:
        node = self._root
        for term in terms:
            if term.endswith("*"):
                self._stems[term[:-1]] = term
            node = node.children.setdefault(term, _Node())
        node.outputs.append(output)

    def _terms(self, key: str) -> list[str]:
        """The word itself and every stem of the policy it starts with."""
        cached = self._term_cache.get(key)
        if cached is not None:
            return cached
        if len(self._term_cache) >= TERM_CACHE_SIZE:
            self._term_cache.clear()  # bounded memory; only speed depends on the cache
        terms = [key]
        for length in self._stem_lengths:
            if length > len(key):
                break
            stem = self._stems.get(key[:length])
            if stem is not None:
                terms.append(stem)
        self._term_cache[key] = terms
        return terms

    def hits(self, words: Words) -> list[Hit]:
        found: list[Hit] = []
        active: list[tuple[_Node, int]] = []  # partial phrases still being walked
        for position, key in enumerate(words.keys):
            terms = self._terms(key)
            advanced = []
            for node, start in (*active, (self._root, position)):
                for term in terms:
                    child = node.children.get(term)
                    if child is None:
                        continue
                    found.extend(
                        Hit(start, position + 1, rule, group, phrase)
                        for rule, group, phrase in child.outputs
                    )
                    if child.children:
                        advanced.append((child, start))
            active = advanced
        return found

    def occurrences(self, words: Words) -> list[Occurrence]:
        """Rules found in the text: negated hits dropped, co-occurrences assembled."""
        by_rule: dict[int, list[list[Hit]]] = {}
        for hit in sorted(set(self.hits(words))):
            groups = by_rule.setdefault(hit.rule, [[] for _ in self.rules[hit.rule].groups])
            groups[hit.group].append(hit)
        found = []
        for number in sorted(by_rule):
            groups = by_rule[number]
            if all(groups):
                found.extend(_assemble(number, self.rules[number], groups, words))
        return found


def _assemble(number: int, rule: Rule, groups: list[list[Hit]], words: Words) -> list[Occurrence]:
    found: list[Occurrence] = []
    seen: set[tuple[Hit, ...]] = set()
    starts = [[hit.start for hit in group] for group in groups]
    for anchor in groups[0]:
        parts = [anchor]
        for group, group_starts in zip(groups[1:], starts[1:], strict=True):
            partner = _nearest(group, group_starts, anchor.start, rule.within, parts)
            if partner is None:
                break
            parts.append(partner)
        else:
            ordered = tuple(sorted(parts))
            if ordered not in seen and not any(_negated(p, ordered, words) for p in ordered):
                seen.add(ordered)
                found.append(Occurrence(number, ordered))
                if len(found) == MAX_OCCURRENCES:
                    break
    return found


def _nearest(
    group: list[Hit], starts: list[int], at: int, within: int, taken: list[Hit]
) -> Hit | None:
    """The hit of `group` starting closest to word `at`, not overlapping a part already taken."""
    right = bisect_left(starts, at)
    left = right - 1
    while True:
        candidates = []
        if right < len(group) and starts[right] - at <= within:
            candidates.append(group[right])
        if left >= 0 and at - starts[left] <= within:
            candidates.append(group[left])
        if not candidates:
            return None
        for hit in sorted(candidates, key=lambda h: (abs(h.start - at), h)):
            if all(hit.end <= t.start or t.end <= hit.start for t in taken):
                return hit
        left, right = left - 1, right + 1


def _negated(hit: Hit, parts: tuple[Hit, ...], words: Words) -> bool:
    clause, counted, position = words.clauses[hit.start], 0, hit.start - 1
    while position >= 0 and counted < NEGATION_WINDOW and words.clauses[position] == clause:
        key = words.keys[position]
        if key in NEGATORS and not any(p.start <= position < p.end for p in parts):
            return True
        counted += key not in COORDINATORS
        position -= 1
    return False
