"""Teams move here from customers: the model is taken over as it stands (state only), then its tables are
renamed in 0002, so existing teams and their members are kept."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("customers", "0004_customer_owner_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                        ("manager", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                      related_name="managed_teams", to=settings.AUTH_USER_MODEL,
                                                      verbose_name="manager")),
                        ("members", models.ManyToManyField(blank=True, related_name="teams",
                                                           to=settings.AUTH_USER_MODEL, verbose_name="members")),
                    ],
                    options={"verbose_name": "team", "verbose_name_plural": "teams", "ordering": ["name"],
                             "db_table": "customers_team"},
                ),
            ],
            database_operations=[],
        ),
    ]
