"""A FULLTEXT index on customer names for word search on MySQL/MariaDB (other databases skip it)."""
from django.db import migrations


def add_fulltext(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        schema_editor.execute("ALTER TABLE customers_customer ADD FULLTEXT INDEX customer_name_ft (name)")


def drop_fulltext(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        schema_editor.execute("ALTER TABLE customers_customer DROP INDEX customer_name_ft")


class Migration(migrations.Migration):
    atomic = False  # MySQL cannot run DDL inside a transaction
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(add_fulltext, drop_fulltext, atomic=False)]
