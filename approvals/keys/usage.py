"""A grant's use over the last 30 days, from the per-minute buckets flushed from Redis, and
its bar charts as SVG geometry (templates draw them; no JavaScript)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import ExpressionWrapper, F, FloatField, Max, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from approvals.models import Grant, KeyUsage, ProductionKey, UsageBucket, UsageScope

from . import anomalies, keyformat

USAGE_DAYS = 30


@dataclass(frozen=True)
class Day:
    day: date
    requests: int
    tokens: int
    scope_denied: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    day: date
    value: int


@dataclass(frozen=True)
class Chart:
    """One measure per day as SVG geometry (a 10 x 100 cell a day, stretched by CSS); the
    template only draws it. Labels are HTML beside it, placed in percent."""

    name: str  # "requests" | "tokens"
    title: str
    bars: list[Bar]
    peak: int
    total: int
    ticks: list[tuple[float, str]]  # a week's first day: its middle in percent, label
    DAY_WIDTH, BAR_WIDTH, HEIGHT = 10, 7, 100

    @property
    def width(self) -> int:
        return USAGE_DAYS * self.DAY_WIDTH


def usage_by_day(grant: Grant, today: date) -> list[Day]:
    start = today - timedelta(days=USAGE_DAYS - 1)
    since = datetime.combine(start, time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        UsageBucket.objects.filter(grant=grant, minute__gte=since)
        .annotate(day=TruncDate("minute"))
        .values("day")
        .annotate(requests=Sum("requests"), tokens=Sum("tokens"), scope_denied=Sum("scope_denied"))
    )
    found = {row.pop("day"): row for row in rows}
    idle = {"requests": 0, "tokens": 0, "scope_denied": 0}
    days = [start + timedelta(days=n) for n in range(USAGE_DAYS)]
    return [Day(d, **found.get(d, idle)) for d in days]


def chart(days: list[Day], name: str, title: str) -> Chart:
    values = [getattr(d, name) for d in days]
    peak, margin = max(values), (Chart.DAY_WIDTH - Chart.BAR_WIDTH) / 2
    bars = []
    for n, (d, value) in enumerate(zip(days, values, strict=True)):
        if value:  # never thinner than a hair, so a small day is not lost next to a big one
            height = max(0.75, round(Chart.HEIGHT * value / peak, 2))
            bars.append(
                Bar(
                    n * Chart.DAY_WIDTH + margin,
                    round(Chart.HEIGHT - height, 2),
                    height,
                    d.day,
                    value,
                )
            )
    ticks = [
        (round(100 * (n + 0.5) / len(days), 2), f"{days[n].day:%b} {days[n].day.day}")
        for n in range(0, len(days), 7)
    ]
    return Chart(name, title, bars, peak, sum(values), ticks)


@dataclass(frozen=True)
class KeyTally:
    """One key's calls over the usage window: served, and refused by reason."""

    name: str
    prefix: str
    requests: int
    rate_limited: int
    quota_exceeded: int
    scope_denied: int

    @property
    def refused(self) -> int:
        return self.rate_limited + self.quota_exceeded + self.scope_denied


KEY_USE_ORDER = ("-requests", "-pk")  # the busiest keys first


def keys_by_use(grant: Grant, today: date):
    """The grant's keys called in the window, each with its tallies (KeyTally's figures), as
    a queryset for a keyset page in KEY_USE_ORDER: one query a page, however many keys."""
    return (
        ProductionKey.objects.filter(
            grant=grant, usage__day__gte=today - timedelta(days=USAGE_DAYS - 1)
        )
        .annotate(
            requests=Sum("usage__requests"),
            rate_limited=Sum("usage__rate_limited"),
            quota_exceeded=Sum("usage__quota_exceeded"),
            scope_denied=Sum("usage__scope_denied"),
        )
        .order_by(*KEY_USE_ORDER)
    )


def tallies(keys) -> list[KeyTally]:
    """KeyTally of each key of keys_by_use (a page of it)."""
    return [
        KeyTally(
            name=key.name,
            prefix=keyformat.shown_prefix(key.key_id),
            requests=key.requests,
            rate_limited=key.rate_limited,
            quota_exceeded=key.quota_exceeded,
            scope_denied=key.scope_denied,
        )
        for key in keys
    ]


def usage_context(grant: Grant) -> dict:
    """The grant's use in the window; `keys_by_use` is left for the page to page through."""
    today = timezone.localdate()
    days = usage_by_day(grant, today)
    refused = KeyUsage.objects.filter(
        key__grant=grant, day__gte=today - timedelta(days=USAGE_DAYS - 1)
    ).aggregate(rate_limited=Sum("rate_limited"), quota_exceeded=Sum("quota_exceeded"))
    return {
        "keys_by_use": keys_by_use(grant, today),
        "refused": {name: value or 0 for name, value in refused.items()},
        "days": days,
        "used_days": [d for d in days if d.requests or d.tokens or d.scope_denied],
        "charts": [
            chart(days, "requests", "Requests per day"),
            chart(days, "tokens", "Tokens per day"),
        ],
        "scope_denied": sum(d.scope_denied for d in days),
    }


@dataclass(frozen=True)
class UsedInPeriod:
    """What a grant actually used between two moments, beside what it was granted."""

    models: list[str]
    endpoints: list[str]
    requests: int
    tokens: int
    peak_requests_per_minute: int
    peak_tokens_per_minute: int
    scope_denied: int
    by_scope: list[dict]  # {"model", "endpoint", "requests", "tokens", "denied"}


def used_in_period(grant: Grant, since: datetime, until: datetime) -> UsedInPeriod:
    return used_in_period_many([grant.pk], since, until)[grant.pk]


def used_in_period_many(grant_ids, since: datetime, until: datetime) -> dict[int, UsedInPeriod]:
    """used_in_period for many grants in two queries (a campaign page's items)."""
    totals = {
        row["grant_id"]: row
        for row in (
            UsageBucket.objects.filter(grant_id__in=grant_ids, minute__gte=since, minute__lt=until)
            .values("grant_id")
            .annotate(
                all_requests=Sum("requests"),
                all_tokens=Sum("tokens"),
                peak_requests=Max("requests"),
                peak_tokens=Max("tokens"),
                all_denied=Sum("scope_denied"),
            )
            .order_by()
        )
    }
    scopes: dict[int, list[dict]] = {}
    for row in (
        UsageScope.objects.filter(
            grant_id__in=grant_ids,
            day__gte=timezone.localdate(since),
            day__lte=timezone.localdate(until),
        )
        .values("grant_id", "model_name", "endpoint")
        .annotate(requests=Sum("requests"), tokens=Sum("tokens"), denied=Sum("denied"))
        .order_by("model_name", "endpoint")
    ):
        scopes.setdefault(row["grant_id"], []).append(
            {
                "model": row["model_name"],
                "endpoint": row["endpoint"],
                "requests": row["requests"],
                "tokens": row["tokens"],
                "denied": row["denied"],
            }
        )
    found = {}
    for grant_id in grant_ids:
        total, by_scope = totals.get(grant_id, {}), scopes.get(grant_id, [])
        used = [s for s in by_scope if s["requests"]]
        found[grant_id] = UsedInPeriod(
            models=sorted({s["model"] for s in used}),
            endpoints=sorted({s["endpoint"] for s in used}),
            requests=total.get("all_requests") or 0,
            tokens=total.get("all_tokens") or 0,
            peak_requests_per_minute=total.get("peak_requests") or 0,
            peak_tokens_per_minute=total.get("peak_tokens") or 0,
            scope_denied=total.get("all_denied") or 0,
            by_scope=by_scope,
        )
    return found


# What monitoring looks at (approvals.keys.anomalies): a handful of aggregate queries for every
# live grant at once. Only the minutes that may matter come back row by row: those at the
# sustained share of a limit, and those with scope-denied calls.

LIVE = (Grant.Status.ACTIVE, Grant.Status.SUSPENDED)


def usage_for_monitoring(
    p: anomalies.Periods, th: anomalies.Thresholds
) -> list[anomalies.GrantUsage]:
    found: dict[int, dict] = {}

    def of(grant_id: int) -> dict:
        return found.setdefault(
            grant_id, {"minutes": [], "denied_minutes": [], "denied_scopes": []}
        )

    live = UsageBucket.objects.filter(grant__status__in=LIVE)
    run_from = p.short_start - timedelta(minutes=max(th.sustained_minutes, 1) - 1)
    for grant_id, *minute in _busy(live.filter(minute__gte=run_from), th.sustained_share):
        of(grant_id)["minutes"].append(tuple(minute))
    for grant_id, *minute in live.filter(minute__gte=p.short_start, scope_denied__gt=0).values_list(
        "grant_id", "minute", "scope_denied"
    ):
        of(grant_id)["denied_minutes"].append(tuple(minute))
    for grant_id, *scope in UsageScope.objects.filter(
        grant__status__in=LIVE, day__in=p.days, denied__gt=0
    ).values_list("grant_id", "day", "model_name", "endpoint", "denied"):
        of(grant_id)["denied_scopes"].append(tuple(scope))
    for grant_id, requests, tokens in _totals(live, *p.day):
        of(grant_id).update(day_requests=requests, day_tokens=tokens)
    growing = [
        g
        for g, f in found.items()
        if f.get("day_requests", 0) >= th.growth_factor * th.growth_min_requests
        or f.get("day_tokens", 0) >= th.growth_factor * th.growth_min_tokens
    ]
    for grant_id, requests, tokens in _totals(live.filter(grant_id__in=growing), *p.baseline):
        of(grant_id).update(baseline_requests=requests, baseline_tokens=tokens)
    return [
        anomalies.GrantUsage(grant_id=grant.pk, terms=_terms(grant), **found[grant.pk])
        for grant in (
            Grant.objects.filter(pk__in=found, status__in=LIVE)
            .select_related("application")
            .order_by("pk")
        )
    ]


def _busy(buckets, share: float):
    """(grant, minute, requests, tokens) of the minutes at `share` of a limit, found by the
    database: the limits are read from each grant's JSON."""

    def limit(name):
        granted = Cast(KeyTextTransform(name, "grant__limits"), FloatField())
        return ExpressionWrapper(granted * share, output_field=FloatField())

    return (
        buckets.annotate(rpm=limit("requests_per_minute"), tpm=limit("tokens_per_minute"))
        .filter(Q(requests__gte=F("rpm")) | Q(tokens__gte=F("tpm")))
        .values_list("grant_id", "minute", "requests", "tokens")
    )


def _totals(buckets, since: datetime, until: datetime):
    return (
        buckets.filter(minute__gte=since, minute__lt=until)
        .values("grant_id")
        .annotate(requests=Sum("requests"), tokens=Sum("tokens"))
        .order_by()
        .values_list("grant_id", "requests", "tokens")
    )


def _terms(grant: Grant) -> anomalies.Terms:
    application = grant.application
    return anomalies.Terms(
        limits=grant.limits,
        expected_requests_per_minute=application.expected_requests_per_minute,
        expected_monthly_tokens=application.expected_monthly_tokens,
        requested_models=frozenset(application.model_names),
        requested_endpoints=frozenset(application.endpoints),
        created_at=grant.created_at,
    )
