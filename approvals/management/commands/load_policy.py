from django.core.management.base import BaseCommand

from approvals.policy import versions as policy


class Command(BaseCommand):
    help = "Publish the default usage policy as version 1 if no policy exists yet."

    def handle(self, *args, **options):
        loaded = policy.default_policy_load()
        if loaded:
            self.stdout.write(
                f"Published the default policy as v{loaded.number} "
                f"({loaded.domains.count()} domains)."
            )
        else:
            current = policy.current_policy().number
            self.stdout.write(f"A policy exists already (current: v{current}).")
