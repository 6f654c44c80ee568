"""The row of the quote numbering series ("Q"), made once here for the reason 0004_orders_number_series_rows gives:
created on first use instead, two quotes numbered at the same moment would both insert it and one would deadlock."""

from django.db import migrations

SERIES = ("Q",)


def series_create(apps, schema_editor):
    sequence = apps.get_model("sales", "OrderNumberSequence")
    for prefix in SERIES:
        sequence.objects.get_or_create(prefix=prefix)


def series_remove(apps, schema_editor):
    apps.get_model("sales", "OrderNumberSequence").objects.filter(prefix__in=SERIES, last_value=0).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0006_quotes_and_opportunity_lines")]

    operations = [migrations.RunPython(series_create, series_remove)]
