"""What every sales page shares: the layout, its sub-navigation and the first breadcrumb."""

from django.utils.translation import gettext_lazy

from crm.kit import views as kit
from crm.kit.views import NavLink


class SalesPages(kit.PageMixin):
    layout_template = "sales/layout.html"
    breadcrumb_root = (gettext_lazy("Pipeline"), "sales:pipeline")
    nav_links = [
        NavLink(gettext_lazy("Pipeline"), "sales:pipeline", "sales.view_opportunity"),
        NavLink(gettext_lazy("Opportunities"), "sales:opportunity-list", "sales.view_opportunity"),
        NavLink(gettext_lazy("Quotes"), "sales:quote-list", "sales.view_quote"),
        NavLink(gettext_lazy("Orders"), "sales:order-list", "sales.view_order"),
        NavLink(gettext_lazy("Products"), "sales:product-list", "sales.view_product"),
        NavLink(gettext_lazy("Tasks"), "sales:task-list", "sales.view_task"),
        NavLink(gettext_lazy("Quotas"), "sales:quotas", "sales.change_quota"),
    ]
