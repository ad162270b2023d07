"""Each account's confusable skeleton; addresses stored before normalisation (NFKC, the
domain's Unicode form) are rewritten to it when no other account already has that spelling."""

from django.db import migrations, models

from accounts.auth.emails import normalize_email, skeleton


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.order_by("pk"):
        email = normalize_email(user.email)
        if email != user.email and not User.objects.filter(email=email).exists():
            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(email=email)
            user.email = email
        user.email_skeleton = skeleton(user.email)
        user.save(update_fields=["email", "email_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sign_in_address"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=1024),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
