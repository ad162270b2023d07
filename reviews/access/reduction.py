""" "Reduce to what was used": an access-review item's suggested narrowing of its grant.

Use is measured over the item's usage period, or over the grant's own life when that is
shorter (a grant a day old is judged on its day, scaled to a month, not on 90 days of which
it lived one). Each limit comes down to the peak seen plus CAMPAIGN_REDUCE_HEADROOM, never
above what is granted and never below CAMPAIGN_REDUCE_FLOOR of it (the pages state the
floor). A reviewer sees the old and new terms and confirms before anything changes.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from approvals.grants import LIMIT_NAMES
from approvals.keys.usage import UsedInPeriod
from approvals.models import Grant

LIMIT_LABELS = {
    "requests_per_minute": "Requests per minute",
    "tokens_per_minute": "Tokens per minute",
    "monthly_tokens": "Tokens per month",
}
DAY_SECONDS = 86_400
MIN_MEASURED_DAYS = 1.0  # less than a day of use is scaled as a day


@dataclass(frozen=True)
class Reduction:
    models: list[str]
    endpoints: list[str]
    limits: dict[str, int]
    granted: dict[str, int] = field(default_factory=dict)
    days: float = 0.0  # how long the use was measured over
    since: datetime | None = None  # from when: the period's start or the grant's creation
    floored: frozenset = frozenset()  # the limits held at the floor

    @property
    def possible(self) -> bool:
        return bool(self.models and self.endpoints)

    @property
    def own_life(self) -> bool:
        """Measured over the grant's life, shorter than the usage period."""
        return self.since is not None and self.days < settings.CAMPAIGN_USAGE_DAYS

    @property
    def floor_percent(self) -> str:
        return f"{settings.CAMPAIGN_REDUCE_FLOOR * 100:g}"

    def terms(self, grant: Grant) -> list[dict]:
        """Old and new, per term, for the preview."""
        rows = [
            {
                "name": "models",
                "label": "Models",
                "old": ", ".join(grant.model_names),
                "new": ", ".join(self.models),
                "changed": self.models != grant.model_names,
            },
            {
                "name": "endpoints",
                "label": "Endpoints",
                "old": ", ".join(grant.endpoints),
                "new": ", ".join(self.endpoints),
                "changed": self.endpoints != grant.endpoints,
            },
        ]
        for name in LIMIT_NAMES:
            old, new = grant.limits[name], self.limits[name]
            rows.append(
                {
                    "name": name,
                    "label": LIMIT_LABELS[name],
                    "old": f"{old:,}",
                    "new": f"{new:,}",
                    "changed": new != old,
                    "floored": name in self.floored,
                }
            )
        return rows


def reduction_to_use(
    grant: Grant, used: UsedInPeriod, since: datetime, until: datetime
) -> Reduction:
    """Narrowed to what was used between `since` (or the grant's creation, if later) and
    `until`. Nothing used at all: no reduction is possible; revoke instead."""
    headroom, floor_share = settings.CAMPAIGN_REDUCE_HEADROOM, settings.CAMPAIGN_REDUCE_FLOOR
    start = max(since, grant.created_at)
    days = max((until - start).total_seconds() / DAY_SECONDS, MIN_MEASURED_DAYS)
    observed = {
        "requests_per_minute": used.peak_requests_per_minute,
        "tokens_per_minute": used.peak_tokens_per_minute,
        "monthly_tokens": used.tokens * 30 / days,
    }
    limits, floored = {}, set()
    for name in LIMIT_NAMES:
        granted = grant.limits[name]
        floor = max(1, math.ceil(granted * floor_share))
        fitted = math.ceil(observed[name] * headroom)
        if fitted <= floor:
            floored.add(name)
        limits[name] = min(granted, max(floor, fitted))
    return Reduction(
        models=[m for m in grant.model_names if m in used.models],
        endpoints=[e for e in grant.endpoints if e in used.endpoints],
        limits=limits,
        granted=dict(grant.limits),
        days=days,
        since=start,
        floored=frozenset(floored),
    )
