"""Which key each event's hash is keyed with (blank: plain SHA-256, as every event before
this migration), and what a verification found about keys and digests (issue 12.3).

On PostgreSQL 11 and later adding a column with a constant default rewrites no row, so the
ALTER holds appends up only for a moment, and no row trigger fires. The default stays in
the database, so that a loader that COPYs events without the column writes unkeyed ones.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_no_truncate_escape'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, db_default='', default='', max_length=16),
        ),
        migrations.AddField(
            model_name='chainverification',
            name='digests_checked',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='chainverification',
            name='keyed_events',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='chainverification',
            name='problem',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='chainverification',
            name='unkeyed_events',
            field=models.BigIntegerField(default=0),
        ),
    ]
