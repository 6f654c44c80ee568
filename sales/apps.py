from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from accounts.reach import Domain, register_domain

        # Opportunities are reached through their own owner, orders through their customer's owner.
        register_domain(Domain(name="sales", all_perm="sales.access_all_sales", team_perm="sales.access_team_sales"))
