"""Rename customers_team and customers_team_members to this app's tables (the rows stay)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("customers", "0005_team_moved_to_accounts")]

    operations = [migrations.AlterModelTable(name="team", table=None)]
