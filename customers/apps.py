from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from accounts.reach import Domain, register_domain

        register_domain(
            Domain(
                name="customers",
                all_perm="customers.access_all_customers",
                team_perm="customers.access_team_customers",
                read_all_perm="customers.read_all_customers",
            )
        )
