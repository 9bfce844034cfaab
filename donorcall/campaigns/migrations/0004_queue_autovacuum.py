"""PostgreSQL: keep the queue table lean under churn (PERFORMANCE.md: queue tables lose ~40% within
a minute of churn if dead rows pile up). Every claim and outcome updates a row, so vacuum and
analyse after 1–2% of the table changes rather than the default 20%, and leave room in each
page for HOT updates of the same row. SQLite has no autovacuum to tune."""

from django.db import migrations

TUNED = (
    "ALTER TABLE campaigns_queueentry SET (autovacuum_vacuum_scale_factor = 0.01, "
    "autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0, fillfactor = 80)"
)
DEFAULTS = (
    "ALTER TABLE campaigns_queueentry RESET (autovacuum_vacuum_scale_factor, "
    "autovacuum_analyze_scale_factor, autovacuum_vacuum_cost_delay, fillfactor)"
)


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_call_lists")]
    operations = [migrations.RunPython(on_postgresql(TUNED), on_postgresql(DEFAULTS))]
