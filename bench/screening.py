"""Screening benchmark: `make bench-screening` (or `python -m bench.screening`).

Prints per-route precision and recall over the labelled use cases in tests/data, the two
targets (every prohibited use caught; at least 90% of benign ones routed standard), the
misrouted ids, the throughput, and how the cost scales with the number of rules and with the
length of the texts. A report, not a gate: it always exits 0 (the tests hold the targets).

About the figures: the rules were written and improved against this data set, so its scores
measure coverage, not generalisation. The cases with ids starting h-, b-, c- and d- were
written in four later rounds, each scored once before the rules were changed for it. On those
first passes the rules routed 7/24, 6/23, 8/21 and 6/20 of the new prohibited descriptions to
escalation and 18/18, 11/13, 8/9 and 8/8 of the new benign ones to standard: paraphrases the
rules have not seen are mostly missed, benign text is rarely flagged.
"""

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()  # the default policy's loader checks fields against the Domain model

from approvals.policy import default  # noqa: E402
from approvals.policy import screening as s  # noqa: E402

DOMAINS = default.domains()

DATASET = Path(__file__).resolve().parents[1] / "tests" / "data" / "use_cases.json"
ROUTES = {
    s.PROHIBITED_DECLARED: "auto_reject",
    s.PROHIBITED_SUSPECTED: "policy_escalation",
    s.SCRUTINY: "extra_scrutiny",
    s.CLEAR: "standard",
}
ROUTE_ORDER = ("auto_reject", "policy_escalation", "extra_scrutiny", "standard")
CAUGHT = {"auto_reject", "policy_escalation"}
REPETITIONS = 9
PADDING_FACTOR = 10  # the padded policy has this many times the phrases of the real one


def load_cases() -> list[dict]:
    return json.loads(DATASET.read_text(encoding="utf-8"))


def texts_of(case: dict) -> dict[str, str]:
    """The fields the application screens, named as approvals.lifecycle names them."""
    texts = {"title": case["title"], "description": case["description"]}
    texts.update({f"mitigations.{i}": m for i, m in enumerate(case["mitigations"])})
    return texts


def specs(domains: list[dict]) -> list[s.DomainSpec]:
    return [
        s.DomainSpec(slug=d["slug"], name=d["name"], kind=d["kind"], rules=d["rules"])
        for d in domains
    ]


def route(policy: s.CompiledPolicy, case: dict) -> tuple[str, s.Screening]:
    result = s.screen(policy, texts=texts_of(case), declared=case["declared"])
    return ROUTES[result.outcome], result


def _count_phrases(domains: list[dict]) -> int:
    rules = [r for d in domains for part in d["rules"].values() for r in part]
    return sum(len(group) for r in rules for group in ([r["any"]] if "any" in r else r["all"]))


def _nonsense(number: int) -> str:
    """A word no description contains: 'zq' and the number in base 26."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if number == 0:
            return "zq" + letters


def padded(domains: list[dict], factor: int) -> list[dict]:
    """The same domains with (factor - 1) times their phrase count added as synthetic rules,
    phrases of one to three words, stems and co-occurrences included."""
    counter = iter(range(10**9))
    extra_per_domain = _count_phrases(domains) * (factor - 1) // len(domains)
    out = []
    for domain in domains:
        triggers = list(domain["rules"].get("triggers", []))
        for n in range(extra_per_domain // 4):
            words = [_nonsense(next(counter)) for _ in range(1 + n % 3)]
            stem = _nonsense(next(counter)) + "*"
            triggers.append({"any": [" ".join(words), stem], "weight": 1 + n % 6})
            triggers.append(
                {
                    "all": [[_nonsense(next(counter))], [_nonsense(next(counter))]],
                    "weight": 3,
                    "within": 10,
                }
            )
        out.append({**domain, "rules": {**domain["rules"], "triggers": triggers}})
    return out


def lengthened(cases: list[dict], times: int) -> list[dict]:
    """Every field of every case repeated `times` times."""

    def longer(text: str) -> str:
        return " ".join([text] * times)

    return [
        {
            **case,
            "title": longer(case["title"]),
            "description": longer(case["description"]),
            "mitigations": [longer(m) for m in case["mitigations"]],
        }
        for case in cases
    ]


def timed_pass(policy: s.CompiledPolicy, cases: list[dict]) -> float:
    started = time.perf_counter()
    for case in cases:
        s.screen(policy, texts=texts_of(case), declared=case["declared"])
    return time.perf_counter() - started


def median_seconds(runs: dict[str, tuple[s.CompiledPolicy, list[dict]]]) -> dict[str, float]:
    """Median time of one pass over the cases, per run. The runs alternate within each
    repetition, so a busy machine slows them alike and their ratios stay meaningful."""
    for policy, cases in runs.values():
        timed_pass(policy, cases)  # warm-up: imports, caches
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(REPETITIONS):
        for name, (policy, cases) in runs.items():
            timings[name].append(timed_pass(policy, cases))
    return {name: statistics.median(values) for name, values in timings.items()}


def route_table(results: list[tuple[dict, str]]) -> list[str]:
    lines = [
        f"{'route':<20}{'expected':>9}{'routed':>8}{'correct':>9}{'precision':>11}{'recall':>8}"
    ]
    for name in ROUTE_ORDER:
        expected = sum(case["expected_route"] == name for case, _ in results)
        routed = sum(got == name for _, got in results)
        correct = sum(case["expected_route"] == name == got for case, got in results)
        precision = f"{correct / routed:.0%}" if routed else "-"
        recall = f"{correct / expected:.0%}" if expected else "-"
        lines.append(f"{name:<20}{expected:>9}{routed:>8}{correct:>9}{precision:>11}{recall:>8}")
    return lines


def _share(results: list[tuple[dict, str]], intent: str, good: Callable[[str], bool]) -> str:
    chosen = [got for case, got in results if case["intent"] == intent]
    hits = sum(good(got) for got in chosen)
    return f"{hits}/{len(chosen)} ({hits / len(chosen):.0%})"


def main() -> None:
    cases = load_cases()
    policy = s.compile_policy(1, specs(DOMAINS))
    screened = [(case, *route(policy, case)) for case in cases]
    results = [(case, got) for case, got, _ in screened]
    correct = sum(case["expected_route"] == got for case, got in results)

    print(
        f"Screening benchmark: {len(cases)} labelled use cases, {len(DOMAINS)} domains, "
        f"{_count_phrases(DOMAINS)} phrases\n"
    )
    print("\n".join(route_table(results)))
    print(f"\naccuracy: {correct}/{len(cases)} ({correct / len(cases):.1%})")
    print(
        "prohibited intent caught (auto_reject or policy_escalation), target all: "
        + _share(results, "prohibited", lambda got: got in CAUGHT)
    )
    print(
        "benign intent routed standard, target >= 90%: "
        + _share(results, "benign", lambda got: got == "standard")
    )
    misrouted = [
        (case, got, result) for case, got, result in screened if case["expected_route"] != got
    ]
    print(f"\nmisrouted ({len(misrouted)}):" + ("" if misrouted else " none"))
    for case, got, result in misrouted:
        print(
            f"  {case['id']}: expected {case['expected_route']}, got {got} "
            f"(domains: {', '.join(result.matched_domains) or '-'})"
        )

    padded_domains = padded(DOMAINS, PADDING_FACTOR)
    padded_policy = s.compile_policy(1, specs(padded_domains))
    seconds = median_seconds(
        {
            "base": (policy, cases),
            "padded": (padded_policy, cases),
            "longer": (policy, lengthened(cases, 4)),
        }
    )
    base, with_padding, longer = seconds["base"], seconds["padded"], seconds["longer"]
    print(
        f"\nthroughput: {len(cases) / base:,.0f} descriptions/s "
        f"(median of {REPETITIONS} passes over {len(cases)}; {base * 1000:.1f} ms a pass)"
    )
    print(
        f"rules x{_count_phrases(padded_domains) / _count_phrases(DOMAINS):.1f} "
        f"({_count_phrases(padded_domains)} phrases): time x{with_padding / base:.2f}"
    )
    print(f"texts x4 longer (every field): time x{longer / base:.2f}")


if __name__ == "__main__":
    main()
