# The lease holder's index goes: nothing looks a lease up by its holder, and every claim wrote
# the index (one more page per claim). It served only deleting a user, which the product does
# not do (staff are deactivated); deleting one from the shell now scans the queue.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_queue_no_redundant_fk_idx"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="queueentry",
            name="queue_lease_holder_idx",
        ),
    ]
