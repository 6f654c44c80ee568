"""Keep the team permissions (and the groups holding them) by moving their content type to this app."""
from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="team").exists():
        ContentType.objects.filter(app_label="customers", model="team").update(app_label="accounts")


def move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="customers", model="team").exists():
        ContentType.objects.filter(app_label="accounts", model="team").update(app_label="customers")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_team_tables"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(move_content_type, move_back)]
