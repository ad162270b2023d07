from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import Role, User

DEMO_PASSWORD = "demo-password-123"
DEMO_ACCOUNTS = [
    ("developer@example.com", Role.DEVELOPER, "Acme Apps", ""),
    ("other-developer@example.com", Role.DEVELOPER, "Globex", ""),
    ("reviewer@example.com", Role.REVIEWER, "", ""),
    ("specialist@example.com", Role.REVIEWER, "", "medical-health,legal,finance-credit"),
    ("admin@example.com", Role.ADMIN, "", ""),
    ("gateway@example.com", Role.GATEWAY, "", ""),
]


class Command(BaseCommand):
    help = "Create the demo accounts (development only) and print them."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development (DEBUG) only.")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, role, organization, specialties in DEMO_ACCOUNTS:
            if not User.objects.filter(email=email).exists():
                services.account_create(
                    actor=None,
                    email=email,
                    password=DEMO_PASSWORD,
                    role=role,
                    organization_name=organization,
                    specialties=specialties.split(","),
                )
            self.stdout.write(f"  {role:<10} {email}")
