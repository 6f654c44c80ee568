from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from accounts.reach import Domain, register_domain

        # Opportunities are reached through their own owner, orders through their customer's owner.
        register_domain(Domain(name="sales", all_perm="sales.access_all_sales", team_perm="sales.access_team_sales"))

        from customers.timeline import TimelineSource, register_timeline_source
        from sales.selectors.opportunities import customer_timeline_stage_changes
        from sales.selectors.orders import customer_timeline_orders

        # The customer page's timeline shows opportunities opened, won and lost, and orders, among the interactions.
        register_timeline_source(
            TimelineSource(
                kind="opportunity",
                rows=customer_timeline_stage_changes,
                time_field="changed_at",
                template="sales/timeline/stage_change.html",
            )
        )
        register_timeline_source(
            TimelineSource(
                kind="order",
                rows=customer_timeline_orders,
                time_field="ordered_at",
                template="sales/timeline/order.html",
            )
        )
