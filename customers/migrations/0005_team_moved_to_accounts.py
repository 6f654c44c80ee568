"""Teams now belong to the accounts app (its migration 0001 takes the model over, 0002 renames the tables)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_owner_filter_indexes"), ("accounts", "0001_initial")]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Team")])]
