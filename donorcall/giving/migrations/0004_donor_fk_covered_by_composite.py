# The donor's own foreign-key index goes where a composite index already leads with the
# donor; only the index is dropped (donorcall.lib.migrations).

import django.db.models.deletion
from django.db import migrations, models

from donorcall.lib.migrations import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0009_donor_fk_covered_by_composite"),
        ("giving", "0003_payment_links"),
    ]

    operations = [
        drop_foreign_key_index(
            "giving",
            "donation",
            "donor",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="donations",
                to="donors.donor",
            ),
        ),
    ]
