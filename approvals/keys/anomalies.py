"""Anomalous use of a grant: pure rules over its usage figures (approvals.keys.usage gathers them,
reviews.access.monitoring acts on what they find).

Each rule looks at one kind of window and returns findings: the rule's name, a severity
(warning, or severe: the grant is suspended until a reviewer looks), and the figures that
triggered it (observed, threshold, baseline, window). Windows are aligned (to multiples of
MONITORING_WINDOW_MINUTES since the epoch, or to whole hours for the 24-hour rules), so a
run repeated within a window finds the same window and the caller adds nothing.

- sustained_rate: at least MONITORING_SUSTAINED_MINUTES consecutive minutes at or above
  MONITORING_SUSTAINED_SHARE of the granted requests or tokens per minute. The gateway never
  admits more than the limit, so "far above what was declared" shows as living at the limit
  (tokens per minute are granted at GRANT_TOKEN_BURST times the declared monthly average).
- token_run_rate: the last 24 hours' tokens, as a monthly run rate (x 30), at or above
  MONITORING_RUN_RATE_FACTOR times the monthly volume the application declared.
- denied_burst: scope-denied calls in one window at or above MONITORING_DENIED_CALLS.
- unrequested_scope: attempted calls (scope-denied) in one day of models or endpoints the
  application never asked for, at or above MONITORING_UNREQUESTED_CALLS.
- sudden_growth: the last 24 hours' requests or tokens at or above MONITORING_GROWTH_FACTOR
  times the grant's daily average over the 7 days before. The average is floored at a
  minimum volume (MONITORING_GROWTH_MIN_REQUESTS / _TOKENS), so a small or idle grant must
  reach that volume times the factor before it is flagged, and it needs
  MONITORING_GROWTH_MIN_HISTORY_DAYS of history.

Each rule has a severe threshold too; 0 means the rule is never severe.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

WARNING, SEVERE = "warning", "severe"
SUSTAINED_RATE, TOKEN_RUN_RATE = "sustained_rate", "token_run_rate"
DENIED_BURST, UNREQUESTED_SCOPE, SUDDEN_GROWTH = (
    "denied_burst",
    "unrequested_scope",
    "sudden_growth",
)
DAY = timedelta(days=1)
BASELINE_DAYS = 7
SETTLE = timedelta(minutes=2)  # usage reaches PostgreSQL within a flush or two


@dataclass(frozen=True)
class Thresholds:
    window_minutes: int
    lookback_minutes: int
    sustained_share: float
    sustained_minutes: int
    sustained_severe_minutes: int
    run_rate_factor: float
    run_rate_severe_factor: float
    denied_calls: int
    denied_severe_calls: int
    unrequested_calls: int
    unrequested_severe_calls: int
    growth_factor: float
    growth_severe_factor: float
    growth_min_requests: int
    growth_min_tokens: int
    growth_min_history_days: int


def thresholds() -> Thresholds:
    return Thresholds(
        **{
            name: getattr(settings, f"MONITORING_{name.upper()}")
            for name in Thresholds.__dataclass_fields__
        }
    )


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    observed: float
    threshold: float
    baseline: object
    window_start: datetime
    window_end: datetime
    details: dict = field(default_factory=dict)

    @property
    def figures(self) -> dict:
        """JSON-ready: what a flag, an audit event and a re-review keep."""
        return {
            "observed": self.observed,
            "threshold": self.threshold,
            "baseline": self.baseline,
            "window": {"start": self.window_start.isoformat(), "end": self.window_end.isoformat()},
            **self.details,
        }

    @property
    def reason(self) -> str:
        return REASONS[self.rule].format(**self.figures, severity=self.severity)


REASONS = {
    SUSTAINED_RATE: "{observed} consecutive minutes at or near the granted rate limit "
    "(threshold {threshold} minutes)",
    TOKEN_RUN_RATE: "Tokens in the last 24 hours run at {observed:,.0f} a month, "
    "{ratio}x the declared {baseline:,} (threshold {threshold:,.0f})",
    DENIED_BURST: "{observed} scope-denied calls in one window (threshold {threshold})",
    UNREQUESTED_SCOPE: "{observed} attempted calls of models or endpoints the application "
    "never asked for (threshold {threshold})",
    SUDDEN_GROWTH: "Use ({metric}) in the last 24 hours: {observed:,}, {ratio}x the daily "
    "average of the days before (threshold {threshold:,.0f})",
}


@dataclass(frozen=True)
class Periods:
    """The windows one run looks at, all derived from its `now`."""

    short: list[tuple[datetime, datetime]]  # aligned windows within the lookback
    day: tuple[datetime, datetime]  # the last 24 hours, ending at a whole hour
    baseline: tuple[datetime, datetime]  # the 7 days before `day`
    days: list[date]  # calendar days for the per-scope rule: yesterday and today

    @property
    def short_start(self) -> datetime:
        return self.short[0][0]


def periods(now: datetime, th: Thresholds) -> Periods:
    today = timezone.localdate(now)
    now = now - SETTLE
    size = th.window_minutes * 60
    first = int((now - timedelta(minutes=th.lookback_minutes)).timestamp()) // size * size
    last = int(now.timestamp()) // size * size
    short = [(_at(start), _at(start + size)) for start in range(first, last + 1, size)]
    end = now.replace(minute=0, second=0, microsecond=0)
    day = (end - DAY, end)
    return Periods(
        short=short,
        day=day,
        baseline=(day[0] - BASELINE_DAYS * DAY, day[0]),
        days=[today - DAY, today],
    )


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


@dataclass(frozen=True)
class Terms:
    """What was granted, and what the application declared and asked for."""

    limits: dict
    expected_requests_per_minute: int
    expected_monthly_tokens: int
    requested_models: frozenset
    requested_endpoints: frozenset
    created_at: datetime


@dataclass
class GrantUsage:
    grant_id: int
    terms: Terms
    # (minute, requests, tokens): at least the minutes at the sustained share of a limit
    minutes: list[tuple[datetime, int, int]] = field(default_factory=list)
    denied_minutes: list[tuple[datetime, int]] = field(default_factory=list)
    denied_scopes: list[tuple[date, str, str, int]] = field(default_factory=list)
    day_requests: int = 0
    day_tokens: int = 0
    baseline_requests: int = 0
    baseline_tokens: int = 0


def severity(observed: float, warning: float, severe: float) -> str | None:
    if severe and observed >= severe:
        return SEVERE
    if warning and observed >= warning:
        return WARNING
    return None


def evaluate(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    return [
        *sustained_rate(usage, p, th),
        *token_run_rate(usage, p, th),
        *denied_burst(usage, p, th),
        *unrequested_scope(usage, p, th),
        *sudden_growth(usage, p, th),
    ]


def is_busy(requests: int, tokens: int, limits: dict, share: float) -> bool:
    return (
        requests >= share * limits["requests_per_minute"]
        or tokens >= share * limits["tokens_per_minute"]
    )


def sustained_rate(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    """One finding per window in which a run of busy minutes reached the threshold."""
    limits, minute = usage.terms.limits, timedelta(minutes=1)
    busy = sorted(
        (m, r, t) for m, r, t in usage.minutes if is_busy(r, t, limits, th.sustained_share)
    )
    runs: dict[datetime, tuple[int, int, int]] = {}  # minute -> run length, peak requests, tokens
    previous = None
    for m, r, t in busy:
        length, peak_r, peak_t = (
            runs[previous] if previous and m - previous == minute else (0, 0, 0)
        )
        runs[m] = (length + 1, max(peak_r, r), max(peak_t, t))
        previous = m
    findings = []
    for start, end in p.short:
        inside = [runs[m] for m in runs if start <= m < end]
        if not inside:
            continue
        longest, peak_r, peak_t = max(inside)
        level = severity(longest, th.sustained_minutes, th.sustained_severe_minutes)
        if level:
            findings.append(
                Finding(
                    SUSTAINED_RATE,
                    level,
                    longest,
                    _crossed(level, th.sustained_minutes, th.sustained_severe_minutes),
                    {
                        "requests_per_minute": limits["requests_per_minute"],
                        "tokens_per_minute": limits["tokens_per_minute"],
                        "share": th.sustained_share,
                        "declared_requests_per_minute": usage.terms.expected_requests_per_minute,
                    },
                    start,
                    end,
                    {"peak_requests_per_minute": peak_r, "peak_tokens_per_minute": peak_t},
                )
            )
    return findings


def token_run_rate(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    declared = max(1, usage.terms.expected_monthly_tokens)
    run_rate = usage.day_tokens * 30
    level = severity(run_rate, th.run_rate_factor * declared, th.run_rate_severe_factor * declared)
    if not level:
        return []
    factor = th.run_rate_factor if level == WARNING else th.run_rate_severe_factor
    return [
        Finding(
            TOKEN_RUN_RATE,
            level,
            run_rate,
            factor * declared,
            declared,
            *p.day,
            {"tokens": usage.day_tokens, "ratio": round(run_rate / declared, 2)},
        )
    ]


def denied_burst(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    findings = []
    for start, end in p.short:
        denied = sum(n for m, n in usage.denied_minutes if start <= m < end)
        level = severity(denied, th.denied_calls, th.denied_severe_calls)
        if level:
            findings.append(
                Finding(
                    DENIED_BURST,
                    level,
                    denied,
                    _crossed(level, th.denied_calls, th.denied_severe_calls),
                    None,
                    start,
                    end,
                )
            )
    return findings


def unrequested_scope(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    """Per calendar day. "(other)" (a name outside the catalogue) was never asked for."""
    terms, findings = usage.terms, []
    for day in p.days:
        scopes = [
            {"model": model, "endpoint": endpoint, "denied": denied}
            for d, model, endpoint, denied in sorted(usage.denied_scopes)
            if d == day
            and (model not in terms.requested_models or endpoint not in terms.requested_endpoints)
        ]
        attempted = sum(s["denied"] for s in scopes)
        level = severity(attempted, th.unrequested_calls, th.unrequested_severe_calls)
        if level:
            start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
            findings.append(
                Finding(
                    UNREQUESTED_SCOPE,
                    level,
                    attempted,
                    _crossed(level, th.unrequested_calls, th.unrequested_severe_calls),
                    {
                        "models": sorted(terms.requested_models),
                        "endpoints": sorted(terms.requested_endpoints),
                    },
                    start,
                    start + DAY,
                    {"scopes": scopes},
                )
            )
    return findings


def sudden_growth(usage: GrantUsage, p: Periods, th: Thresholds) -> list[Finding]:
    history = (p.day[0] - max(usage.terms.created_at, p.baseline[0])) / DAY
    if history < th.growth_min_history_days:
        return []
    days = min(BASELINE_DAYS, history)
    findings = []
    for metric, observed, total, floor in (
        ("requests", usage.day_requests, usage.baseline_requests, th.growth_min_requests),
        ("tokens", usage.day_tokens, usage.baseline_tokens, th.growth_min_tokens),
    ):
        average = total / days
        compared = max(average, floor)
        level = severity(observed, th.growth_factor * compared, th.growth_severe_factor * compared)
        if level:
            factor = th.growth_factor if level == WARNING else th.growth_severe_factor
            findings.append(
                Finding(
                    SUDDEN_GROWTH,
                    level,
                    observed,
                    factor * compared,
                    round(average, 1),
                    *p.day,
                    {
                        "metric": metric,
                        "floor": floor,
                        "ratio": round(observed / compared, 2),
                        "baseline_days": round(days, 2),
                    },
                )
            )
    # Both measures grew: one finding, the more severe (then the larger ratio) of the two.
    return sorted(findings, key=lambda f: (f.severity == SEVERE, f.details["ratio"]))[-1:]


def _crossed(level: str, warning: float, severe: float) -> float:
    return severe if level == SEVERE else warning
