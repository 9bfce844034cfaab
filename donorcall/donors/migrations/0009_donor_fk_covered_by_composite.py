# The donor's own foreign-key index goes where a composite index already leads with the
# donor; only the index is dropped (donorcall.lib.migrations).

import django.db.models.deletion
from django.db import migrations, models

from donorcall.lib.migrations import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0008_import_heartbeat"),
    ]

    operations = [
        drop_foreign_key_index(
            "donors",
            "consentevent",
            "donor",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consent_events",
                to="donors.donor",
            ),
        ),
        drop_foreign_key_index(
            "donors",
            "consentstate",
            "donor",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="consents",
                to="donors.donor",
            ),
        ),
        drop_foreign_key_index(
            "donors",
            "donorevent",
            "donor",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="donors.donor",
            ),
        ),
    ]
