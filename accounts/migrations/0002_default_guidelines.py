"""Usage guidelines version 1: a summary of the default policy (docs/policy.md)."""

from pathlib import Path

from django.db import migrations

TEXT = (Path(__file__).resolve().parent.parent / "guidelines" / "v1.md").read_text()


def load(apps, schema_editor):
    apps.get_model("accounts", "GuidelinesVersion").objects.get_or_create(
        version=1, defaults={"text": TEXT})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
