"""The report: the median of the runs per target, the table, and the verdicts on the
targets.
"""

import statistics

from bench.verify.load import Run
from bench.verify.parameters import (
    BATCH_CHECKS,
    ORDER,
    TARGET_ANCHOR_RATIO,
    TARGET_FLOOR_RATIO,
    TARGET_P99_MS,
)


def median_of(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(run, attribute) for run in runs)


def report(results: dict[str, list[Run]]) -> dict[str, float]:
    print(
        f"\n{'target':<8}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"   req/s of each run; errors"
    )
    summary = {}
    for name in ORDER:
        runs = results[name]
        rps, p50 = median_of(runs, "rps"), median_of(runs, "p50_ms")
        p90, p99 = median_of(runs, "p90_ms"), median_of(runs, "p99_ms")
        worst = max(run.max_ms for run in runs)
        errors = {}
        for run in runs:
            for k, v in run.errors.items():
                errors[k] = errors.get(k, 0) + v
        each = ", ".join(f"{run.rps:,.0f}" for run in runs)
        print(
            f"{name:<8}{rps:>9,.0f}{p50:>9.2f}{p90:>9.2f}{p99:>9.2f}{worst:>9.1f}   "
            f"{each}; {errors or 'none'}"
        )
        summary[f"{name}_rps"], summary[f"{name}_p99"] = rps, p99
    per_check = summary["batch_rps"] * BATCH_CHECKS
    print(
        f"batch per check: {per_check:,.0f} checks/s ({summary['batch_rps']:,.0f} req/s x "
        f"{BATCH_CHECKS} checks), {per_check / summary['verify_rps']:.1f}x verify's calls/s, "
        f"{per_check / summary['floor_rps']:.1f}x the floor's req/s"
    )
    return summary


def verdicts(summary: dict[str, float]) -> bool:
    floor_ratio = summary["verify_rps"] / summary["floor_rps"]
    anchor_ratio = summary["verify_rps"] / summary["anchor_rps"]
    p99 = summary["verify_p99"]
    rows = [
        (
            f"verify / floor req/s  = {floor_ratio:.2f}",
            f">= {TARGET_FLOOR_RATIO}",
            floor_ratio >= TARGET_FLOOR_RATIO,
        ),
        (
            f"verify / anchor req/s = {anchor_ratio:.2f}",
            f">= {TARGET_ANCHOR_RATIO}",
            anchor_ratio >= TARGET_ANCHOR_RATIO,
        ),
        (f"verify p99            = {p99:.2f} ms", f"< {TARGET_P99_MS} ms", p99 < TARGET_P99_MS),
    ]
    print()
    for text, target, ok in rows:
        print(f"{text:<36} target {target:<10} {'met' if ok else 'MISSED'}")
    if summary["floor_p99"] >= TARGET_P99_MS:
        print(
            f"(the floor's own p99 is {summary['floor_p99']:.2f} ms: on this server a "
            f"do-nothing Django view misses the latency target too)"
        )
    return all(ok for _, _, ok in rows)
