from django.db import migrations

from gonghui.stations.choices import DEFAULT_FACILITIES


def seed(apps, schema_editor):
    Facility = apps.get_model("stations", "Facility")
    for order, (code, name) in enumerate(DEFAULT_FACILITIES):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
