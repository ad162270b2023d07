from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.errors import DomainError
from accounts.models import Role


class Command(BaseCommand):
    help = "Create a verified, active account (developers also accept the current guidelines)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organization", default="")
        parser.add_argument(
            "--specialties", default="", help="Comma-separated policy domain slugs (reviewers)."
        )

    def handle(self, *args, email, password, role, organization, specialties, **options):
        try:
            user = services.account_create(
                actor=None,
                email=email,
                password=password,
                role=role,
                organization_name=organization,
                specialties=specialties.split(","),
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"Created {user.role} {user.email}")
