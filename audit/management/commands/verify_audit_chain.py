from django.core.management.base import BaseCommand, CommandError

from audit.models import ChainVerification
from audit.verification import verification_run, warnings


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain (the whole chain unless --incremental); "
        "exit 1 naming the first bad event. The run is recorded for the audit page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Only the events appended since the last good verification.",
        )

    def handle(self, *args, incremental=False, **options):
        kind = ChainVerification.Kind.INCREMENTAL if incremental else ChainVerification.Kind.FULL
        run = verification_run(trigger=ChainVerification.Trigger.COMMAND, kind=kind)
        if not run.ok:
            where = f"at event {run.first_bad_id}" if run.first_bad_id else "(no event named)"
            raise CommandError(
                f"Audit chain broken {where} ({run.events_checked} events checked): {run.problem}.",
                returncode=1,
            )
        self.stdout.write(
            f"Audit chain ok: {run.events_checked} events checked "
            f"({run.kind}, up to event {run.last_id}, "
            f"{run.duration.total_seconds():.2f} s). "
            f"Keyed (HMAC-SHA256): {run.keyed_events}; plain SHA-256: {run.unkeyed_events}; "
            f"{run.digests_checked} digest(s) checked."
        )
        for warning in warnings(run):
            self.stderr.write(f"Warning: {warning}")
