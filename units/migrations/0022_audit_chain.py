# The audit log as a hash chain (issue 22): every entry hashed with the one
# before it, the entries already written chained in id order, and the head row.

import django.utils.timezone
from django.db import migrations, models

from units.audit_chain import chain_existing


def chain(apps, schema_editor):
    """Chain the entries written before, in id order, a chunk at a time."""
    entry = apps.get_model("units", "AuditEntry")
    head = apps.get_model("units", "AuditChainHead")
    chain_existing(entry, head, schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0021_staffing_import_preview'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='at'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='previous hash'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='hash'),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_id', models.BigIntegerField(blank=True, null=True)),
                ('last_hash', models.CharField(max_length=64)),
                ('last_at', models.DateTimeField(blank=True, null=True)),
                ('count', models.PositiveBigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='auditchainhead_one')],
            },
        ),
        migrations.RunPython(chain, migrations.RunPython.noop, elidable=False),
    ]
