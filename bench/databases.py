"""The benchmarks' throwaway PostgreSQL databases: each bench makes its own afresh."""


def recreate(postgres: str, name: str) -> None:
    """Drops database `name` at server `postgres` (closing its connections) and makes it
    anew. Raises psycopg.Error for the caller to explain."""
    import psycopg

    with psycopg.connect(
        f"{postgres.rstrip('/')}/postgres", autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(postgres: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
