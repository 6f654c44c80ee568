from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from accounts.reach import Domain, register_domain
        from customers.models import Contact, Interaction
        from customers.search_index import search_index_after_migrate
        from customers.services import customer_contacted_refresh, customer_search_refresh_of
        from records.hooks import watch_bin

        register_domain(
            Domain(
                name="customers",
                all_perm="customers.access_all_customers",
                team_perm="customers.access_team_customers",
                read_all_perm="customers.read_all_customers",
            )
        )
        # A customer's "last contacted" follows its interactions into and out of the recycle bin.
        watch_bin(Interaction, field="customer_id", callback=customer_contacted_refresh)
        # What search reads follows contacts into and out of the recycle bin (with their customer or alone).
        watch_bin(Contact, field="customer_id", callback=customer_search_refresh_of)
        # An SQLite table rebuilt by a later migration loses the triggers that keep its search index in step.
        post_migrate.connect(search_index_after_migrate, sender=self, dispatch_uid="customers.search_index")
