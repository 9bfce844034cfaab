"""Migration operations Django does not have."""

from django.db import migrations
from django.db.migrations.operations.base import Operation
from django.db.models import Field


def drop_foreign_key_index(
    app_label: str, model_name: str, field_name: str, field: Field
) -> Operation:
    """``AlterField(db_index=False)`` on a foreign key, without what Django does with it.

    For that change Django drops the foreign-key constraint, drops the index and adds the
    constraint again (SQLite: copies the whole table), and adding it checks every row while
    the table is locked: minutes on a table of millions. Only the index has to go, so the
    database step is just that, by the name Django gave it; the state step is Django's own.
    ``field`` is the field as it is after the change (``db_index=False``).
    """

    def drop(apps, editor) -> None:
        editor.execute(f"DROP INDEX IF EXISTS {editor.quote_name(index_name(apps, editor))}")

    def create(apps, editor) -> None:
        table, column = table_and_column(apps)
        editor.execute(
            f"CREATE INDEX IF NOT EXISTS {editor.quote_name(index_name(apps, editor))} "
            f"ON {editor.quote_name(table)} ({editor.quote_name(column)})"
        )

    def table_and_column(apps) -> tuple[str, str]:
        model = apps.get_model(app_label, model_name)
        return model._meta.db_table, model._meta.get_field(field_name).column

    def index_name(apps, editor) -> str:
        table, column = table_and_column(apps)
        return editor._create_index_name(table, [column])

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name, field_name, field)],
        database_operations=[migrations.RunPython(drop, create, elidable=False)],
    )
