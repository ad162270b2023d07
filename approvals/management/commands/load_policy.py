from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals.policy import default
from approvals.policy import versions as policy
from approvals.policy.classifier import versions as classifiers


class Command(BaseCommand):
    help = (
        "Publish the default usage policy (approvals/policy/default_policy.toml, or --file) "
        "as version 1 if no policy exists yet. The file is checked either way. Then publish "
        "the shipped classifier (trained on the seed examples) as classifier v1 if there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=default.PATH,
            help="A policy file in the same format, instead of the default policy.",
        )

    def handle(self, *args, file: Path, **options):
        try:
            loaded = policy.default_policy_load(path=file)
        except default.DefaultPolicyError as exc:
            raise CommandError(str(exc)) from None
        if loaded:
            self.stdout.write(
                f"Published {file.name} as v{loaded.number} ({loaded.domains.count()} domains)."
            )
        else:
            current = policy.current_policy().number
            self.stdout.write(f"A policy exists already (current: v{current}).")
        classifier = classifiers.default_classifier_load()
        if classifier:
            self.stdout.write(f"Published the default classifier as v{classifier.number}.")
