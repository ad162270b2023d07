"""What the soak saw against what PostgreSQL holds: status codes, limits per minute, usage."""

from collections import Counter, defaultdict
from datetime import UTC, datetime

from bench.soak.parameters import TOKENS


def _minute(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%H:%M")


def report(calls, grant_ids: dict, limits: dict, events: list[tuple[float, str]]) -> dict:
    from django.db.models import Sum

    from approvals.models import KeyUsage, UsageBucket

    statuses = Counter(c.status for c in calls)
    seconds = (max(c.sent for c in calls) - min(c.sent for c in calls)) if calls else 0
    print(f"calls: {len(calls)} in {seconds:.0f} s ({len(calls) / max(seconds, 1):.1f}/s)")
    print(
        "answers by status: "
        + ", ".join(f"{s or 'none'}: {n}" for s, n in sorted(statuses.items()))
    )
    fivexx = sum(n for s, n in statuses.items() if s >= 500)
    print(f"5xx: {fivexx} (goal 0); unanswered (the killed worker's connections): {statuses[0]}")
    for at, what in events:
        print(f"  event at {_minute(at)}:{datetime.fromtimestamp(at, tz=UTC):%S}: {what}")
    outage_minutes = {_minute(at) for at, what in events if what.startswith("redis")}
    if outage_minutes:  # Redis back: processes retry it GATEWAY_REDIS_RETRY_SECONDS later
        back = max(at for at, what in events if what.startswith("redis")) + 6
        outage_minutes.add(_minute(back))
    figures = {"calls": len(calls), "5xx": fivexx, "unanswered": statuses[0], "grants": {}}
    for name, grant_id in sorted(grant_ids.items()):
        mine = [c for c in calls if c.grant == name]
        codes = Counter(c.code for c in mine if c.status == 200)
        seen_valid, unanswered = codes["VALID"], sum(1 for c in mine if c.status == 0)
        buckets = UsageBucket.objects.filter(grant_id=grant_id)
        totals = buckets.aggregate(r=Sum("requests"), t=Sum("tokens"))
        pg_requests, pg_tokens = totals["r"] or 0, totals["t"] or 0
        keyed = KeyUsage.objects.filter(key__grant_id=grant_id).aggregate(
            r=Sum("requests"), l=Sum("rate_limited"), q=Sum("quota_exceeded")
        )
        per_minute = defaultdict(lambda: [0, 0])
        for b in buckets:
            per_minute[b.minute.strftime("%H:%M")][0] += b.requests
            per_minute[b.minute.strftime("%H:%M")][1] += b.tokens
        limit = limits[name]
        ratios = {
            minute: (max(r / limit["requests_per_minute"], t / limit["tokens_per_minute"]), r, t)
            for minute, (r, t) in per_minute.items()
        }
        calm = [m for m in ratios if m not in outage_minutes]
        worst = max(((*ratios[m], m) for m in ratios), default=(0, 0, 0, "-"))
        worst_calm = max((ratios[m][0] for m in calm), default=0)
        equal = seen_valid <= pg_requests <= seen_valid + unanswered
        print(
            f"grant {name} (limits rpm {limit['requests_per_minute']}, tpm "
            f"{limit['tokens_per_minute']}, month {limit['monthly_tokens']}): answers "
            + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))
            + f"; unanswered {unanswered}"
        )
        print(
            f"  admitted seen {seen_valid} calls / {seen_valid * TOKENS} tokens; PostgreSQL "
            f"buckets {pg_requests} / {pg_tokens}, KeyUsage requests {keyed['r'] or 0}, "
            f"rate_limited {keyed['l'] or 0} (seen {codes['RATE_LIMITED']}), quota_exceeded "
            f"{keyed['q'] or 0} (seen {codes['QUOTA_EXCEEDED']}): "
            + ("equal" if pg_requests == seen_valid else f"differ by {pg_requests - seen_valid}")
            + ("" if equal else "  <-- beyond what unanswered calls explain")
        )
        print(
            f"  worst minute {worst[3]}: {worst[1]} calls, {worst[2]} tokens = {worst[0]:.2f} x "
            f"the per-minute limit (goal: 2.00 at most in a minute Redis was down, "
            f"{'it was' if worst[3] in outage_minutes else 'it was not'}); worst other minute "
            f"{worst_calm:.2f} x (goal 1.00); month {pg_tokens / limit['monthly_tokens']:.2f} x "
            "the quota"
        )
        figures["grants"][name] = {
            "seen_valid": seen_valid,
            "pg_requests": pg_requests,
            "pg_tokens": pg_tokens,
            "key_requests": keyed["r"] or 0,
            "unanswered": unanswered,
            "worst_minute_ratio": round(worst[0], 3),
            "worst_calm_minute_ratio": round(worst_calm, 3),
            "month_ratio": round(pg_tokens / limit["monthly_tokens"], 4),
            "codes": dict(codes),
        }
    return figures
