"""Each rule on synthetic usage: it fires on the anomalous pattern and stays quiet just
under its threshold. The grant: 60 requests and 1,158 tokens a minute granted, 60 requests a
minute and 5,000,000 tokens a month declared, chat-small on /v1/chat/completions asked for."""

from datetime import timedelta

import pytest

from approvals.models import Application
from reviews.access import monitoring
from reviews.models import AnomalyFlag

pytestmark = pytest.mark.django_db
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
CHAT = "/v1/chat/completions"


def flags(grant):
    return list(AnomalyFlag.objects.filter(grant=grant).order_by("rule", "window_start"))


def only_flag(grant, now, rule):
    monitoring.monitor_usage(now=now)
    found = flags(grant)
    assert [f.rule for f in found] == [rule], [(f.rule, f.figures) for f in found]
    return found[0]


def quiet(grant, now):
    monitoring.monitor_usage(now=now)
    assert flags(grant) == []


# (a) sustained use at the granted rate


def busy_run(use, grant, end, minutes, requests=54, tokens=0):
    for n in range(minutes):
        use(grant, end - (n + 1) * MINUTE, requests=requests, tokens=tokens)


def test_thirty_minutes_at_the_rate_limit_are_flagged(grant, use, now):
    hour = now.replace(minute=0)
    busy_run(use, grant, hour, 30)  # 54 requests a minute: 90% of the 60 granted
    flag = only_flag(grant, now, "sustained_rate")
    assert (flag.severity, flag.window_start, flag.window_end) == ("warning", hour - HOUR, hour)
    assert flag.figures["observed"] == 30 and flag.figures["threshold"] == 30
    assert flag.figures["baseline"]["requests_per_minute"] == 60
    assert flag.figures["peak_requests_per_minute"] == 54


def test_tokens_at_the_limit_count_as_much_as_requests(grant, use, now):
    busy_run(use, grant, now.replace(minute=0), 30, requests=1, tokens=1043)  # 90% of 1,158
    assert only_flag(grant, now, "sustained_rate").figures["peak_tokens_per_minute"] == 1043


@pytest.mark.parametrize("minutes, requests", [(29, 60), (40, 53)])
def test_a_shorter_run_or_a_rate_under_the_share_is_quiet(grant, use, now, minutes, requests):
    busy_run(use, grant, now.replace(minute=0), minutes, requests=requests)
    quiet(grant, now)


def test_a_gap_breaks_the_run(grant, use, now):
    hour = now.replace(minute=0)
    busy_run(use, grant, hour, 20)
    busy_run(use, grant, hour - 21 * MINUTE, 20)
    quiet(grant, now)


def test_a_run_across_a_window_boundary_is_flagged_where_it_reaches_the_threshold(grant, use, now):
    hour = now.replace(minute=0)
    busy_run(use, grant, hour + 15 * MINUTE, 30)  # 14:45 to 15:15 for hour 15:00
    flag = only_flag(grant, now, "sustained_rate")
    assert flag.window_start == hour


# (a) tokens' run rate against the declared monthly volume


def test_tokens_running_at_three_times_the_declared_month_are_flagged(grant, use, now):
    end = now.replace(minute=0)
    use(grant, end - 3 * HOUR, requests=100, tokens=250_000)
    use(grant, end - 20 * HOUR, requests=100, tokens=250_000)  # x 30 = 15,000,000 = 3 x 5M
    flag = only_flag(grant, now, "token_run_rate")
    assert (flag.severity, flag.window_start, flag.window_end) == ("warning", end - DAY, end)
    assert flag.figures["observed"] == 15_000_000 and flag.figures["baseline"] == 5_000_000
    assert flag.figures["ratio"] == 3.0


def test_tokens_just_under_the_run_rate_are_quiet(grant, use, now):
    end = now.replace(minute=0)
    use(grant, end - 3 * HOUR, requests=100, tokens=249_999)
    use(grant, end - 20 * HOUR, requests=100, tokens=250_000)
    use(grant, end - 25 * HOUR, requests=100, tokens=900_000)  # before the 24 hours
    quiet(grant, now)


# (b) bursts of scope-denied calls


def test_fifty_scope_denied_calls_in_one_window_are_flagged(grant, use, now):
    hour = now.replace(minute=0)
    use(grant, hour + 5 * MINUTE, scope_denied=30)
    use(grant, hour + 20 * MINUTE, scope_denied=20)
    flag = only_flag(grant, now, "denied_burst")
    assert (flag.severity, flag.figures["observed"], flag.figures["threshold"]) == (
        "warning",
        50,
        50,
    )
    assert flag.window_start == hour and not flag.suspended


def test_forty_nine_or_fifty_split_across_windows_are_quiet(grant, use, now):
    hour = now.replace(minute=0)
    use(grant, hour - 10 * MINUTE, scope_denied=25)
    use(grant, hour + 10 * MINUTE, scope_denied=25)
    use(grant, hour - 2 * HOUR + 5 * MINUTE, scope_denied=49)
    quiet(grant, now)


# (c) calls of models or endpoints the application never asked for


def test_attempts_on_a_model_never_asked_for_are_flagged(grant, use_scope, now):
    use_scope(grant, now.date(), "reasoning-large", CHAT, denied=3)
    use_scope(grant, now.date(), "chat-small", "/v1/embeddings", denied=2)
    flag = only_flag(grant, now, "unrequested_scope")
    assert flag.severity == "warning" and flag.figures["observed"] == 5
    assert {s["model"] for s in flag.figures["scopes"]} == {"reasoning-large", "chat-small"}
    assert flag.figures["baseline"] == {"models": ["chat-small"], "endpoints": [CHAT]}


def test_four_attempts_or_denials_of_what_was_asked_for_are_quiet(grant, use_scope, now):
    Application.objects.filter(pk=grant.application_id).update(
        model_names=["chat-small", "chat-large"]
    )  # asked for, but not granted
    use_scope(grant, now.date(), "(other)", "(other)", denied=4)
    use_scope(grant, now.date(), "chat-large", CHAT, denied=40)
    use_scope(grant, now.date() - 2 * DAY, "vision-v1", CHAT, denied=40)  # days ago
    quiet(grant, now)


# (d) sudden growth against the grant's own week


def week(use, grant, end, requests_a_day, tokens_a_day=0):
    for n in range(7):
        use(grant, end - DAY - (n + 1) * DAY + HOUR, requests=requests_a_day, tokens=tokens_a_day)


def test_five_times_the_weeks_daily_average_is_flagged(old_grant, use, now):
    end = now.replace(minute=0)
    week(use, old_grant, end, 2000)
    use(old_grant, end - 2 * HOUR, requests=10_000)
    flag = only_flag(old_grant, now, "sudden_growth")
    assert flag.severity == "warning" and flag.figures["metric"] == "requests"
    assert (flag.figures["observed"], flag.figures["baseline"], flag.figures["ratio"]) == (
        10_000,
        2000,
        5.0,
    )


def test_growth_just_under_the_factor_is_quiet(old_grant, use, now):
    end = now.replace(minute=0)
    week(use, old_grant, end, 2000)
    use(old_grant, end - 2 * HOUR, requests=9_999)
    quiet(old_grant, now)


def test_a_small_grant_is_compared_with_the_minimum_volume(old_grant, use, now):
    end = now.replace(minute=0)
    week(use, old_grant, end, 10)
    use(old_grant, end - 2 * HOUR, requests=4_999)  # 500 x its average, under 5 x 1,000
    quiet(old_grant, now)
    use(old_grant, end - 3 * HOUR, requests=1)
    flag = only_flag(old_grant, now, "sudden_growth")
    assert flag.figures["threshold"] == 5_000 and flag.figures["floor"] == 1000


def test_a_new_grant_has_no_baseline_to_grow_from(grant, use, now):
    use(grant, now.replace(minute=0) - 2 * HOUR, requests=50_000)
    quiet(grant, now)


def test_growth_in_tokens_is_flagged_too(old_grant, use, now):
    end = now.replace(minute=0)
    week(use, old_grant, end, 10, tokens_a_day=10_000)
    use(old_grant, end - 2 * HOUR, requests=10, tokens=5_000_000)  # floor 1M tokens x 5
    Application.objects.filter(pk=old_grant.application_id).update(
        expected_monthly_tokens=10**9
    )  # no run-rate finding
    flag = only_flag(old_grant, now, "sudden_growth")
    assert flag.figures["metric"] == "tokens"
