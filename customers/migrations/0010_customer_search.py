"""Customer search over one derived column (customers/search.py): add it, fill it, then index it.

One migration, in this order, because building a full-text index over filled rows is much faster than updating it
row by row while they are filled. Not atomic: each batch of the backfill commits on its own (a million rows in
one transaction would hold every lock until the end), and MariaDB/MySQL cannot roll back DDL anyway. Run again
after an interruption, the backfill simply rewrites the column.
"""

from django.db import migrations, models

from customers.search import customer_search_document
from customers.search_index import search_index_create, search_index_drop
from customers.validators import phone_digits

BATCH = 2000


def backfill(apps, schema_editor):
    """Every customer, in the recycle bin or not (restored ones must be found), in batches of ids: each batch reads
    its customers and their live contacts in two queries and writes them in one."""
    Customer = apps.get_model("customers", "Customer")
    Contact = apps.get_model("customers", "Contact")
    db = schema_editor.connection.alias
    customers = Customer.objects.using(db)
    last = customers.order_by("-pk").values_list("pk", flat=True).first() or 0
    for low in range(1, last + 1, BATCH):
        high = low + BATCH
        contacts: dict[int, list[tuple[str, str, str]]] = {}
        for customer_id, name, email, phone in (
            Contact.objects.using(db)
            .filter(customer_id__gte=low, customer_id__lt=high, deletion__isnull=True)
            .order_by("pk")
            .values_list("customer_id", "name", "email", "phone")
        ):
            contacts.setdefault(customer_id, []).append((name, email, phone_digits(phone)))
        rows = [
            Customer(
                pk=pk,
                search_text=customer_search_document(
                    name=name, email=email, phone_digits=digits, contacts=contacts.get(pk, ())
                ),
            )
            for pk, name, email, digits in customers.filter(pk__gte=low, pk__lt=high).values_list(
                "pk", "name", "email", "phone_digits"
            )
        ]
        if rows:
            customers.bulk_update(rows, ["search_text"], batch_size=500)


def create_index(apps, schema_editor):
    search_index_create(schema_editor.connection)


def drop_index(apps, schema_editor):
    search_index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0008_erase_personal_data_permission")]
    operations = [
        migrations.AddField(
            model_name="customer",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, atomic=False),
        migrations.RunPython(create_index, drop_index, atomic=False),
    ]
