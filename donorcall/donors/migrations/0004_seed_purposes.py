from django.db import migrations

PURPOSES = [("fundraising", "Fundraising"), ("marketing", "Marketing"), ("service", "Service")]


def seed(apps, schema_editor):
    Purpose = apps.get_model("donors", "Purpose")
    for code, name in PURPOSES:
        Purpose.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("donors", "0003_consent_suppression_history_import")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
