"""`make bench-queue`: the review queue at 1,000, 100,000 and 1,000,000 applications.

Each size has its own PostgreSQL database (access_review_queue_bench_<size>), built with
INSERT ... SELECT generate_series and kept between runs while its size and data version
match (BENCH_QUEUE_REBUILD=1 builds them again). 10% of the applications are in review, the
rest approved or rejected with a revision and a decision each. One reviewer, a
medical-health specialist who opted out of finance-credit and belongs to one of the 40
organizations, is measured: the queue page (first page, and a page halfway down by cursor),
the queue API (the same two) and "next item" (claim_next, rolled back after each run),
medians of BENCH_REPEAT (5) runs after a warm-up, with query counts and response sizes;
the sizes are measured in turn BENCH_QUEUE_ROUNDS (3) times and the median round is shown.

Knobs: BENCH_POSTGRES (postgres://root@127.0.0.1:5432), BENCH_QUEUE_DB (the databases'
name prefix), BENCH_QUEUE_SIZES (1000,100000,1000000), BENCH_REPEAT, BENCH_QUEUE_ROUNDS,
BENCH_QUEUE_REBUILD,
BENCH_EXPLAIN (1: EXPLAIN ANALYZE the largest size's queries).
"""
