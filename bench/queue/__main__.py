"""`python -m bench.queue` (`make bench-queue`): build (or reuse) each size's database,
measure each size in a child process, print the table and the goal check."""

import json
import os
import statistics
import subprocess
import sys

if __name__ == "__main__":  # run as a file too: the project root first
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from bench.queue.dataset import (
    POSTGRES,
    REPEAT,
    ROUNDS,
    SIZES,
    build,
    cached,
    db_name,
    recreate_database,
)

GOAL_RATIO, GOAL_QUERIES, GOAL_PAGE_BYTES = 1.5, 15, 300_000


def child(size: int) -> int:
    os.environ.update(
        DATABASE_URL=f"{POSTGRES}/{db_name(size)}",
        CACHE_URL="locmemcache://",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    fresh = not cached(size)
    if fresh:
        recreate_database(size)
    import django

    django.setup()
    if fresh:
        build(size)
    else:
        print(f"  reusing {db_name(size)} ({size:,} applications; BENCH_QUEUE_REBUILD=1 rebuilds)")
    from bench.queue.measure import measure

    print("RESULT " + json.dumps(measure(size)), flush=True)
    return 0


def main() -> int:
    print(
        f"Review queue benchmark: {', '.join(f'{s:,}' for s in SIZES)} applications; "
        f"{ROUNDS} rounds over the sizes in turn (so that the shared machine's load falls on "
        f"each alike), each a median of {REPEAT} runs; the figure is the median round"
    )
    print(f"  load average: {os.getloadavg()[0]:.2f} (2 cores, shared)")
    rounds: dict[int, list] = {size: [] for size in SIZES}
    for turn in range(ROUNDS):
        for size in SIZES:
            explain = turn == 0 and size == max(SIZES)
            done = subprocess.run(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", "bench.queue", "--size", str(size)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "BENCH_EXPLAIN_NOW": "1" if explain else ""},
            )
            for line in done.stdout.splitlines():
                if line.startswith("RESULT "):
                    rounds[size].append(json.loads(line[7:]))
                elif turn == 0:
                    print(line)
            if done.returncode:
                print(done.stderr[-3000:])
                return done.returncode
    report([combined(rounds[size]) for size in SIZES])
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    return 0


def combined(results: list) -> dict:
    """The last round's figures, with each case's time the median over the rounds."""
    last = results[-1]
    for index, row in enumerate(last["rows"]):
        row["ms"] = statistics.median(r["rows"][index]["ms"] for r in results)
    return last


def report(results: list) -> None:
    print()
    head = f"{'case':<30}" + "".join(f"{r['size']:>26,}" for r in results)
    print(head)
    print(f"{'':<30}" + "".join(f"{'ms / queries / KB':>26}" for _ in results))
    base, last = results[0], results[-1]
    for index, row in enumerate(base["rows"]):
        cells = ""
        for result in results:
            r = result["rows"][index]
            kb = f"{r['bytes'] / 1000:.1f}" if r["bytes"] else "-"
            cells += f"{r['ms']:>12.1f} / {r['queries']:>3} / {kb:>6}"
        print(f"{row['case']:<30}{cells}")
    print(
        "in review / eligible:        "
        + "".join(f"{r['in_review']:>16,} / {r['eligible']:>7,}" for r in results)
    )
    print(
        f"\nGoal at {last['size']:,} against {base['size']:,}: within {GOAL_RATIO}x, "
        f"at most {GOAL_QUERIES} queries, a page under {GOAL_PAGE_BYTES // 1000} KB"
    )
    for small, big in zip(base["rows"], last["rows"], strict=True):
        ratio = big["ms"] / small["ms"]
        checks = [ratio <= GOAL_RATIO, big["queries"] <= GOAL_QUERIES]
        if big["bytes"] and "page" in big["case"]:
            checks.append(big["bytes"] < GOAL_PAGE_BYTES)
        verdict = "met" if all(checks) else "NOT met"
        print(f"  {big['case']:<30} {ratio:5.2f}x, {big['queries']} queries: {verdict}")
    print("  (items_for is gone: the queue is reviews.queue.page, a keyset page in SQL)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        sys.exit(child(int(sys.argv[2])))
    sys.exit(main())
