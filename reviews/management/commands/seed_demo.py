from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from reviews import demo


class Command(BaseCommand):
    help = (
        "Seed the demo world (development only): the demo accounts, applications in every "
        "state, grants with use and keys, comments, an access review. A second run changes "
        "nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo world is for development (DEBUG) only.")
        # The demo's decisions would mail the demo addresses: keep those mails in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            seeded = demo.seed()
        self.stdout.write(f"Demo accounts (password: {demo.PASSWORD}):")
        for role, email in seeded.accounts:
            self.stdout.write(f"  {role:<10} {email}")
        if seeded.made:
            self.stdout.write(f"Demo world: made {len(seeded.made)} pieces.")
        else:
            self.stdout.write("Demo world: already there, nothing changed.")
