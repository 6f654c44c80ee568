"""Product pages: the catalogue's list, a product's page with its price history, and the forms managers and
administrators change it with (through sales.services.products)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.kit import views as kit
from crm.kit.views import ListColumn
from sales.filters.pipeline import ProductFilter
from sales.forms.products import ProductForm
from sales.models import Product
from sales.selectors.products import product_list, product_price_history
from sales.services.products import product_create, product_update
from sales.views.base import SalesPages


class ProductPages(SalesPages):
    breadcrumb_root = (gettext_lazy("Products"), "sales:product-list")


class ProductObjectMixin:
    """Products are not owned: the permission decides, and every product is there for those who hold it."""

    model = Product

    def get_object(self):
        return get_object_or_404(Product, pk=self.kwargs[self.pk_url_kwarg])


class ProductListView(ProductPages, kit.ListPageView):
    permission_required = "sales.view_product"
    selector = product_list
    filterset_class = ProductFilter
    results_template_name = "sales/products/partials/product_table.html"
    heading = gettext_lazy("Products")
    default_sort = "name"
    columns = [
        ListColumn(gettext_lazy("SKU"), sort="sku"),
        ListColumn(gettext_lazy("Name"), sort="name"),
        ListColumn(gettext_lazy("Category"), sort="category"),
        ListColumn(gettext_lazy("Unit price"), sort="price", css_class="text-end"),
        ListColumn(gettext_lazy("Stock on hand"), sort="stock", css_class="text-end"),
        ListColumn(gettext_lazy("Active")),
    ]
    create_url_name = "sales:product-create"
    create_permission = "sales.add_product"
    create_label = gettext_lazy("New product")


class ProductDetailView(ProductObjectMixin, ProductPages, kit.ObjectPageView):
    permission_required = "sales.view_product"
    template_name = "sales/products/product_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            prices=product_price_history(product=self.object),
            can_change=self.request.user.has_perm("sales.change_product"),
        )
        return context


class ProductCreateView(ProductPages, kit.ObjectCreateView):
    permission_required = "sales.add_product"
    form_class = ProductForm
    service = product_create
    heading = gettext_lazy("New product")
    submit_label = gettext_lazy("Create product")
    success_message = gettext_lazy("Product “%(name)s” was created.")


class ProductUpdateView(ProductObjectMixin, ProductPages, kit.ObjectUpdateView):
    permission_required = "sales.change_product"
    form_class = ProductForm
    service = product_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Product “%(name)s” was updated.")

    def get_heading(self):
        return _("Edit %(name)s") % {"name": self.object.name}
