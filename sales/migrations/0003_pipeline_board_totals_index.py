from django.db import migrations, models


class Migration(migrations.Migration):
    """The pipeline board's totals per stage and currency, read from one index (no row lookups)."""

    dependencies = [("sales", "0002_default_stages")]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["deletion", "stage", "owner", "currency", "amount", "probability"],
                name="sales_opp_board_totals",
            ),
        ),
    ]
