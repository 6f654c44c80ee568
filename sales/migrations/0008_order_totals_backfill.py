"""Each order's total and line count from its lines, for orders written before the order carried them (the services,
the imports and the demo write them with the lines from now on). In ranges of 10,000 ids, one UPDATE each: the
Online Retail file's 25,900 orders take a second or two, five million lines about a minute."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

STEP = 10_000


def totals_fill(apps, schema_editor):
    Order = apps.get_model("sales", "Order")
    OrderLine = apps.get_model("sales", "OrderLine")
    net = ExpressionWrapper(
        F("quantity") * F("unit_price") * (Value(100) - F("discount_percent")) / Value(100),
        output_field=DecimalField(max_digits=18, decimal_places=4),
    )
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
    last = Order.objects.aggregate(m=Max("pk"))["m"] or 0
    for start in range(0, last + 1, STEP):
        Order.objects.filter(pk__gte=start, pk__lt=start + STEP).update(
            total=Coalesce(Subquery(lines.annotate(t=Sum(net)).values("t")), Value(Decimal("0"))),
            line_count=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), Value(0)),
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0007_order_totals")]

    operations = [migrations.RunPython(totals_fill, migrations.RunPython.noop)]
