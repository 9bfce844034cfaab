"""The lease holder's index holds live leases only (docs/dialler.md, "The claim").

The plain foreign-key index had one entry per queue row, nearly all NULL, so every claim moved
its row from a random page of NULLs to the holder's: one more page read and written per claim.
The index is dropped by name rather than by AlterField, which on SQLite would copy the whole
queue table to change nothing but an index.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's name for the field's own index (schema_editor._create_index_name): the same on
# SQLite and PostgreSQL.
FK_INDEX = "campaigns_queueentry_lease_holder_id_0d30b148"


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_campaign_wrap_up"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="queueentry",
                    name="lease_holder",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {FK_INDEX}",
                    f"CREATE INDEX {FK_INDEX} ON campaigns_queueentry (lease_holder_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="queueentry",
            index=models.Index(
                condition=models.Q(("lease_holder__isnull", False)),
                fields=["lease_holder"],
                name="queue_lease_holder_idx",
            ),
        ),
    ]
