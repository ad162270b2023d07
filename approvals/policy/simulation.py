"""What a draft policy would change: every application's latest submitted revision screened
under the draft and under the current published policy, and the two routes compared.

Both sides are recomputed, from the frozen Revision.content, rather than the stored screening
used for the current side: the stored one was made by whichever version was current when the
revision was submitted (v1 for an old application), so a comparison with it would mix in
every change since; recomputing both isolates exactly what the draft changes. Screening is
pure and both policies are compiled once; PolicyPair below skips, soundly, the applications
the two cannot screen apart, so most cost one cheap screening with the changed domains only.

"Stricter" is defined here, once, and reused by reviews.access.policy_changes after a publication.
"""

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from approvals import routing
from approvals.models import Domain, Grant, PolicyVersion, Revision

from . import screening
from . import versions as policy
from .rules import PhraseIndex, tokenise
from .screening import texts_of

AUTO_REJECT = "auto_reject"
# From least to most demanding; a route further right is stricter.
ROUTE_ORDER = (routing.STANDARD, routing.EXTRA_SCRUTINY, routing.POLICY_ESCALATION, AUTO_REJECT)
RANK = {name: rank for rank, name in enumerate(ROUTE_ORDER)}
STRICTER, LOOSER, UNCHANGED = "stricter", "looser", "unchanged"
_ROUTE_OF_OUTCOME = {
    screening.CLEAR: routing.STANDARD,
    screening.SCRUTINY: routing.EXTRA_SCRUTINY,
    screening.PROHIBITED_SUSPECTED: routing.POLICY_ESCALATION,
    screening.PROHIBITED_DECLARED: AUTO_REJECT,
}


@dataclass(frozen=True)
class Verdict:
    """What a screening means for review: the route, and the policy domains it matched
    (every matched domain is a prohibited or an extra-scrutiny one)."""

    route: str
    domains: frozenset[str]

    def as_dict(self) -> dict:
        return {"route": self.route, "domains": sorted(self.domains)}


def verdict_of(result: screening.Screening) -> Verdict:
    return Verdict(_ROUTE_OF_OUTCOME[result.outcome], frozenset(result.matched_domains))


def direction(before: Verdict, after: Verdict) -> str:
    """STRICTER when `after` routes later in ROUTE_ORDER, or routes the same and matches a
    domain `before` did not (one more prohibited clause to clear, one more specialty to
    satisfy). LOOSER when it routes earlier, or the same with only fewer domains. Otherwise
    UNCHANGED: the same route and the same domains, whatever the evidence spans."""
    if RANK[after.route] != RANK[before.route]:
        return STRICTER if RANK[after.route] > RANK[before.route] else LOOSER
    if after.domains - before.domains:
        return STRICTER
    if before.domains - after.domains:
        return LOOSER
    return UNCHANGED


@dataclass(frozen=True)
class Change:
    application_id: int
    title: str
    organization: str
    status: str
    revision: int
    before: Verdict
    after: Verdict
    direction: str
    grant_id: int | None
    grant_status: str | None
    evidence: tuple[screening.Match, ...]  # the draft's matches in newly matched domains

    @classmethod
    def of(cls, row: dict, before: Verdict, after: Verdict, way: str, result) -> "Change":
        """From a row of latest_revisions(); the evidence is `result`'s (the screening after)
        matches in the newly matched domains."""
        new = after.domains - before.domains
        return cls(
            application_id=row["application_id"],
            title=row["application__title"],
            organization=row["application__organization__name"],
            status=row["application__status"],
            revision=row["number"],
            before=before,
            after=after,
            direction=way,
            grant_id=row["application__grant__id"],
            grant_status=row["application__grant__status"],
            evidence=tuple(m for m in result.matches if m.domain in new),
        )

    @property
    def new_domains(self) -> list[str]:
        return sorted(self.after.domains - self.before.domains)

    @property
    def dropped_domains(self) -> list[str]:
        return sorted(self.before.domains - self.after.domains)

    @property
    def grant_active(self) -> bool:
        return self.grant_status == Grant.Status.ACTIVE

    def as_dict(self) -> dict:
        return {
            "application": self.application_id,
            "title": self.title,
            "organization": self.organization,
            "status": self.status,
            "revision": self.revision,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "direction": self.direction,
            "new_domains": self.new_domains,
            "dropped_domains": self.dropped_domains,
            "grant": self.grant_id,
            "grant_status": self.grant_status,
            "grant_active": self.grant_active,
            "evidence": [match.as_dict() for match in self.evidence],
        }


@dataclass
class Simulation:
    draft: int
    current: int
    fingerprint: str  # of what was compared: a publish confirmed on it can check it still holds
    screened: int
    seconds: float
    changes: list[Change] = field(default_factory=list)

    def summary(self) -> dict:
        by_direction = Counter(change.direction for change in self.changes)
        return {
            "draft": self.draft,
            "current": self.current,
            "screened": self.screened,
            "changed": len(self.changes),
            "stricter": by_direction[STRICTER],
            "looser": by_direction[LOOSER],
            "active_grants": sum(c.grant_active for c in self.changes),
            "active_grants_stricter": sum(
                c.grant_active and c.direction == STRICTER for c in self.changes
            ),
            "routes": _counted(
                f"{c.before.route}->{c.after.route}"
                for c in self.changes
                if c.before.route != c.after.route
            ),
            "newly_matched": _counted(d for c in self.changes for d in c.new_domains),
            "no_longer_matched": _counted(d for c in self.changes for d in c.dropped_domains),
            "seconds": round(self.seconds, 3),
        }


def concern(change: Change) -> tuple:
    """The order changes are listed in: stricter first, those holding an active grant first."""
    return (change.direction != STRICTER, not change.grant_active, change.application_id)


def _counted(items: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(items).items()))


class PolicyPair:
    """Two compiled policies, and a quick test of whether they could screen a text apart.

    Screening detects each domain from that domain's own rules alone (its triggers and its
    cues; see approvals/policy/screening.py), so two policies can only disagree on the domains whose
    kind or rules differ. Screening with just those domains is cheap (a small trie); when both
    sides then match the same (domain, kind) pairs, the full screenings match the same domains
    with the same kinds, hence the same route. Only the rest are screened in full, by
    screening.screen itself, so the verdicts compared are always the real ones."""

    def __init__(self, before: screening.CompiledPolicy, after: screening.CompiledPolicy):
        self.before, self.after = before, after
        self.changed = sorted(
            slug
            for slug in before.domains.keys() | after.domains.keys()
            if _screens(before.domains.get(slug)) != _screens(after.domains.get(slug))
        )
        self._parts = [
            screening.compile_policy(
                side.version, [side.domains[slug] for slug in self.changed if slug in side.domains]
            )
            for side in (before, after)
        ]
        # Every phrase of the changed domains on either side: one pass finds out whether a
        # text holds any, which most texts do not.
        self._phrases = PhraseIndex(self._parts[0].index.rules + self._parts[1].index.rules)

    def may_differ(self, texts: dict[str, str], declared: list[str]) -> bool:
        if not self.changed:
            return False
        if not set(declared) & set(self.changed) and not any(
            self._phrases.hits(tokenise(text or "")) for text in texts.values()
        ):
            return False  # no rule of a changed domain can fire: nothing to screen
        before, after = (
            {
                (m.domain, m.kind)
                for m in screening.screen(part, texts=texts, declared=declared).matches
            }
            for part in self._parts
        )
        return before != after


def _screens(spec: screening.DomainSpec | None) -> tuple | None:
    """What of a domain screens: names and descriptions do not."""
    return None if spec is None else (spec.kind, json.dumps(spec.rules, sort_keys=True))


def policy_simulate(*, draft: PolicyVersion) -> Simulation:
    """Screens every application's latest revision with `draft` and with the current policy;
    returns the applications whose route or matched domains differ, stricter ones first.
    Reads only. Conflict for a published version, InvalidInput for rules that do not compile."""
    started = time.perf_counter()
    proposed = policy.compiled_draft(draft)
    current = policy.current_policy()
    fingerprint = draft_fingerprint(draft, current=current)
    pair = PolicyPair(policy.compiled(current), proposed)
    screened, changes = 0, []
    for row in latest_revisions():
        screened += 1
        texts, declared = texts_of(row["content"]), row["content"]["domains"]
        if not pair.may_differ(texts, declared):
            continue
        before = verdict_of(screening.screen(pair.before, texts=texts, declared=declared))
        result = screening.screen(proposed, texts=texts, declared=declared)
        after = verdict_of(result)
        way = direction(before, after)
        if way == UNCHANGED:
            continue
        changes.append(Change.of(row, before, after, way, result))
    changes.sort(key=concern)
    return Simulation(
        draft=draft.number,
        current=current.number,
        fingerprint=fingerprint,
        screened=screened,
        seconds=time.perf_counter() - started,
        changes=changes,
    )


def draft_fingerprint(draft: PolicyVersion, *, current: PolicyVersion | None = None) -> str:
    """Changes when the draft's screening rules or the published policy change (names and
    descriptions do not screen, so they do not count)."""
    current = current or policy.current_policy()
    rules = list(
        Domain.objects.filter(policy=draft).order_by("slug").values_list("slug", "kind", "rules")
    )
    blob = json.dumps([current.number, rules], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def latest_revisions(**filters) -> Iterator[dict]:
    """Each application's latest submitted revision with what the report shows, streamed in
    chunks so thousands of them never sit in memory at once."""
    newer = Revision.objects.filter(
        application=OuterRef("application"), number__gt=OuterRef("number")
    )
    return (
        Revision.objects.filter(~Exists(newer), **filters)
        .order_by("application_id")
        .values(
            "application_id",
            "number",
            "content",
            "screening",
            "application__title",
            "application__status",
            "application__organization__name",
            "application__grant__id",
            "application__grant__status",
        )
        .iterator(chunk_size=1000)
    )
