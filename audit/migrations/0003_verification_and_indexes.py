"""Chain verifications, and the indexes that keep every filter of the audit log fast.

On PostgreSQL the indexes are built with CREATE INDEX CONCURRENTLY, so that the state
changes of the whole product (each appends to this table) are not held up while an index is
built over millions of events; hence atomic = False. Index builds are not refused by the
append-only triggers (0002): they change no row. The actor's own index goes: (actor, id)
serves its lookups.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class AddIndexConcurrently(migrations.AddIndex):
    """AddIndex, CONCURRENTLY on PostgreSQL (elsewhere as usual)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)


def drop_actor_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX CONCURRENTLY IF EXISTS "audit_auditevent_actor_id_270bb4b7"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('audit', '0002_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainVerification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('full', 'Full'), ('incremental', 'Incremental')], default='full', max_length=16)),
                ('trigger', models.CharField(choices=[('schedule', 'hourly schedule'), ('command', 'management command'), ('api', 'API call'), ('admin', "administrator's request")], max_length=16)),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('ok', models.BooleanField(null=True)),
                ('events_checked', models.BigIntegerField(default=0)),
                ('first_bad_id', models.BigIntegerField(blank=True, null=True)),
                ('last_id', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(blank=True, max_length=64)),
                ('duration', models.DurationField(blank=True, null=True)),
            ],
        ),
        # Only the index goes: AlterField would also drop and re-add the foreign key, whose
        # check reads the whole table while holding appends up.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='auditevent',
                name='actor',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
            )],
            database_operations=[migrations.RunPython(drop_actor_index, migrations.RunPython.noop)],
        ),
        AddIndexConcurrently(
            model_name='auditevent',
            index=models.Index(fields=['target_type', 'id'], name='audit_event_type_id_idx'),
        ),
        AddIndexConcurrently(
            model_name='auditevent',
            index=models.Index(fields=['target_id', 'id'], name='audit_event_target_id_idx'),
        ),
        AddIndexConcurrently(
            model_name='auditevent',
            index=models.Index(django.db.models.functions.text.Upper('actor_label'), models.F('id'), name='audit_event_actor_label_idx'),
        ),
        migrations.AddField(
            model_name='chainverification',
            name='requested_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='chainverification',
            index=models.Index(fields=['finished_at'], name='audit_verif_finished_idx'),
        ),
    ]
