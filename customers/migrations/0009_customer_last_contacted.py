"""Customer.last_contacted_at (the latest live interaction), its indexes, and the indexes of the source, industry and
created-between filters.

The backfill is one UPDATE with a correlated subquery per customer, served by the interaction timeline index
(customer, deletion, -occurred_at); it works unchanged on MariaDB/MySQL and SQLite.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_last_contacted(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Interaction = apps.get_model("customers", "Interaction")
    latest = (
        Interaction.objects.filter(customer_id=OuterRef("pk"), deletion__isnull=True)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    Customer.objects.update(last_contacted_at=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_erase_personal_data_permission"),
        ("records", "0001_recycle_bin_and_audit_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="last_contacted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last contacted"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["deletion", "last_contacted_at"], name="customer_live_contacted_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["owner", "deletion", "last_contacted_at"], name="customer_owner_live_cont_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["source", "deletion", "name"], name="customer_source_live_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["industry", "deletion", "name"], name="customer_industry_live_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["owner", "source", "deletion", "name"], name="customer_owner_source_lv_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["owner", "industry", "deletion", "name"], name="customer_owner_indus_lv_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["deletion", "created_at"], name="customer_live_created_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["owner", "deletion", "created_at"], name="customer_owner_live_crt_idx"),
        ),
        # Last, after the schema changes: MySQL cannot roll back DDL, so a failed backfill leaves a complete schema.
        migrations.RunPython(backfill_last_contacted, migrations.RunPython.noop, elidable=True),
    ]
