"""The rows of the two numbering series, made once here: created on first use instead, two orders numbered at the
same moment would both insert the row, and InnoDB would make one of them give up (a deadlock)."""

from django.db import migrations

SERIES = ("SO", "RT")


def series_create(apps, schema_editor):
    sequence = apps.get_model("sales", "OrderNumberSequence")
    for prefix in SERIES:
        sequence.objects.get_or_create(prefix=prefix)


def series_remove(apps, schema_editor):
    apps.get_model("sales", "OrderNumberSequence").objects.filter(prefix__in=SERIES, last_value=0).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0004_orders_numbering_and_import_keys")]

    operations = [migrations.RunPython(series_create, series_remove)]
