# The queue's plain foreign-key indexes that another index covers go; only the index is
# dropped (donorcall.lib.migrations), not the foreign key re-added and re-checked over
# millions of queue rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from donorcall.lib.migrations import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_queue_lease_holder_partial_idx"),
        ("donors", "0007_vulnerable_flag"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            "campaigns",
            "queueentry",
            "campaign",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="queue",
                to="campaigns.campaign",
            ),
        ),
        drop_foreign_key_index(
            "campaigns",
            "queueentry",
            "donor",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="queue_entries",
                to="donors.donor",
            ),
        ),
        drop_foreign_key_index(
            "campaigns",
            "queueentry",
            "owner",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="queueentry",
            index=models.Index(
                condition=models.Q(("owner__isnull", False)),
                fields=["owner"],
                name="queue_owner_idx",
            ),
        ),
    ]
