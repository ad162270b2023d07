from django.core.management.base import BaseCommand, CommandError

from audit.models import ChainVerification
from audit.verification import verification_run


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
            raise CommandError(
                f"Audit chain broken at event {run.first_bad_id} "
                f"({run.events_checked} events checked).",
                returncode=1,
            )
        self.stdout.write(
            f"Audit chain ok: {run.events_checked} events checked "
            f"({run.kind}, up to event {run.last_id}, "
            f"{run.duration.total_seconds():.2f} s)."
        )
