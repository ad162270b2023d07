"""`python -m bench.audit` (`make bench-audit`): load the log, then time what an
administrator does with it."""

import os
import sys

if __name__ == "__main__":  # run as a file too (python bench/audit): the project root first
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from bench.audit.dataset import (
    DB_NAME,
    EVENTS,
    POSTGRES,
    REPEAT,
    load_events,
    make_accounts,
    recreate_database,
)
from bench.audit.reports import (
    report_api,
    report_exports,
    report_old_ways,
    report_pages,
    report_verification,
)


def main() -> int:
    os.environ.update(
        DATABASE_URL=f"{POSTGRES}/{DB_NAME}",
        CACHE_URL="locmemcache://",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Audit log benchmark: {EVENTS:,} events in {DB_NAME}, median of {REPEAT} runs")
    users = make_accounts()
    load_events(users)
    admin = users[0]
    report_pages(admin, users)
    report_api(admin)
    report_old_ways()
    report_exports(admin)
    report_verification()
    return 0


if __name__ == "__main__":
    sys.exit(main())
