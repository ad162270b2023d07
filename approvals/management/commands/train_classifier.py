from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from approvals.policy.classifier import examples
from approvals.policy.classifier import versions as classifiers


class Command(BaseCommand):
    help = (
        "Train a draft classifier version on the seed examples and every decided revision, "
        "for the current policy; an administrator simulates and publishes it. With --output, "
        "write the artefact of the seed examples alone to a file instead (how "
        "approvals/policy/classifier/default_classifier.safetensors is made)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--notes", default="", help="Kept with the version.")
        parser.add_argument(
            "--output", type=Path, help="Write the seed-only artefact here; no version is made."
        )

    def handle(self, *args, notes: str, output: Path | None, **options):
        try:
            if output:
                artefact = classifiers.train(examples.seed_examples())
                data = artefact.to_bytes()
                output.write_bytes(data)
                self.stdout.write(f"Wrote {output} ({len(data):,} bytes, {artefact.digest}).")
                self._figures(artefact.meta)
                return
            draft = classifiers.classifier_train(actor=None, notes=notes)
        except classifiers.Unavailable as exc:
            raise CommandError(f"The classifier's model is unavailable: {exc}") from None
        self.stdout.write(
            f"Trained draft classifier v{draft.number} on {sum(draft.figures['counts'].values())}"
            f" labels (data {draft.data_digest[:12]}, artefact {draft.artefact_digest[:12]})."
        )
        self._figures(draft.figures)

    def _figures(self, figures: dict) -> None:
        for name, figure in figures["cross_validated"].items():
            self.stdout.write(f"  cross-validated {name}: {figure['routed']} of {figure['of']}")
        self.stdout.write(f"  thresholds: {figures['thresholds']}")
        if not figures.get("target_met", True):
            self.stdout.write(
                f"  the benign target ({figures['target']:.0%}) was not met: the rules alone "
                "flag more benign examples than it allows."
            )
