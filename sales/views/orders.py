"""Order pages, built on the page kit (crm/kit): the list and its export, the order page with its status actions,
the draft order form with its lines, and returns. The kit looks every order in the URL up through the user's reach,
so another owner's order answers 404; every change goes through sales.services.orders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from accounts import reach
from crm.kit import views as kit
from crm.kit.export import ExportColumn
from crm.kit.views import ListColumn
from crm.querystring import query_int
from records.selectors import record_history
from records.versioning import StaleVersionError
from sales.filters.orders import DEFAULT_SORT, OrderFilter
from sales.forms.orders import OrderForm, OrderLineFormSet, ReturnForm, line_initial
from sales.models import Order
from sales.selectors import orders as selectors
from sales.services import orders as services
from sales.views.base import SalesPages


class OrderPages(SalesPages):
    """What every order page shares: the sales layout and sub-navigation, and the orders as first breadcrumb."""

    breadcrumb_root = (gettext_lazy("Orders"), "sales:order-list")


class OrderRecordMixin(OrderPages):
    model = Order

    def get_object(self):
        return selectors.order_get_for(user=self.request.user, pk=self.kwargs[self.pk_url_kwarg], write=self.write)


class OrderListView(OrderPages, kit.ListPageView):
    permission_required = "sales.view_order"
    selector = selectors.order_list_for
    filterset_class = OrderFilter
    results_template_name = "sales/orders/partials/order_table.html"
    heading = gettext_lazy("Orders")
    default_sort = DEFAULT_SORT
    columns = [
        ListColumn(gettext_lazy("Number"), sort="number"),
        ListColumn(gettext_lazy("Date"), sort="date", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Customer")),
        ListColumn(gettext_lazy("Status")),
        ListColumn(gettext_lazy("Ship to")),
        ListColumn(gettext_lazy("Lines"), css_class="text-end"),
        ListColumn(gettext_lazy("Total"), sort="total", css_class="text-end"),
    ]
    export_url_name = "sales:order-export"
    create_url_name = "sales:order-create"
    create_permission = "sales.add_order"
    create_label = gettext_lazy("New order")


class OrderExportView(kit.CsvExportView):
    """Exactly the rows of the filtered list (the list's selector and filters)."""

    permission_required = "sales.view_order"
    selector = selectors.order_list_for
    filterset_class = OrderFilter
    filename_prefix = "orders"
    audit_label = gettext_lazy("Order list")
    columns = [
        ("Number", "number"),
        ("Kind", "kind"),
        ("Status", "status"),
        ("Date", "ordered_at"),
        ("Customer ID", "customer_id"),
        ("Customer", "customer.name"),
        ("Ship-to country", "ship_to_country.code"),
        ("Returned from", lambda order: order.original.number if order.original_id else ""),
        ("Lines", "line_count"),
        ExportColumn("Total", lambda order: f"{order.total:.2f}"),
        ("Currency", "currency"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("original")


class OrderDetailView(OrderRecordMixin, kit.ObjectPageView):
    permission_required = "sales.view_order"
    template_name = "sales/orders/order_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, user = self.object, self.request.user
        can_change = user.has_perm("sales.change_order") and reach.can_reach(order, user=user, write=True)
        allowed = services.allowed_transitions(order) if can_change else set()
        actions = [
            (status, url_name, label, style)
            for status, url_name, label, style in (
                (Order.Status.CONFIRMED, "sales:order-confirm", _("Confirm"), "btn-primary"),
                (Order.Status.SHIPPED, "sales:order-ship", _("Mark shipped"), "btn-outline-primary"),
                (Order.Status.PAID, "sales:order-paid", _("Mark paid"), "btn-outline-success"),
                (Order.Status.CANCELLED, "sales:order-cancel", _("Cancel order"), "btn-outline-danger"),
            )
            if status in allowed
        ]
        is_draft = order.status == Order.Status.DRAFT
        context.update(
            lines=list(selectors.order_lines(order=order)),
            returns=list(selectors.order_returns(order=order, user=user)) if not order.is_return else [],
            actions=actions,
            can_edit=can_change and is_draft and not order.is_return,
            can_delete=is_draft
            and user.has_perm("sales.delete_order")
            and reach.can_reach(order, user=user, write=True),
            can_return=(
                not order.is_return
                and order.status in services.RETURNABLE_STATUSES
                and user.has_perm("sales.add_order")
                and reach.can_reach(order, user=user, write=True)
            ),
            history=record_history(obj=order, limit=10),
            # The quote is reached as its opportunity is, which a user reaching the order may not.
            can_see_quote=order.quote_id is not None
            and user.has_perm("sales.view_quote")
            and reach.can_reach(order.quote, user=user),
        )
        return context


class OrderLinesMixin:
    """The order form with its lines formset: both are validated, and shown again with their errors, together."""

    formset = None

    def get_line_initial(self) -> list[dict]:
        return []

    def get_formset(self):
        if self.request.method == "POST":
            return OrderLineFormSet(self.request.POST, prefix="lines")
        return OrderLineFormSet(initial=self.get_line_initial(), prefix="lines")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.formset = self.get_formset()
        form_ok, lines_ok = form.is_valid(), self.formset.is_valid()
        return self.form_valid(form) if form_ok and lines_ok else self.form_invalid(form)

    def get_service_kwargs(self, form):
        return {**super().get_service_kwargs(form), "lines": self.formset.lines()}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.formset or self.get_formset())
        return super().get_context_data(**kwargs)


class OrderCreateView(OrderLinesMixin, OrderPages, kit.ObjectCreateView):
    permission_required = "sales.add_order"
    form_class = OrderForm
    template_name = "sales/orders/order_form.html"
    service = services.order_create
    heading = gettext_lazy("New order")
    submit_label = gettext_lazy("Create draft order")
    success_message = gettext_lazy("Order %(name)s was created as a draft.")

    def get_initial(self):
        from django.utils import timezone

        initial = {"ordered_at": timezone.localtime().replace(second=0, microsecond=0)}
        customer = kit.query_int(self.request, "customer", min_value=1, max_value=2**63 - 1)
        if customer is not None:
            initial["customer"] = customer
        return initial


class OrderUpdateView(OrderLinesMixin, OrderRecordMixin, kit.ObjectUpdateView):
    permission_required = "sales.change_order"
    form_class = OrderForm
    template_name = "sales/orders/order_form.html"
    service = services.order_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Order %(name)s was updated.")

    def get_heading(self):
        return _("Edit order %(number)s") % {"number": self.object.number}

    def get(self, request, *args, **kwargs):
        if self.object.status != Order.Status.DRAFT or self.object.is_return:
            messages.info(request, _("Only draft orders can be edited."))
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def get_line_initial(self):
        return line_initial(list(self.object.lines.all()))


class OrderDeleteView(OrderRecordMixin, kit.ObjectDeleteView):
    permission_required = "sales.delete_order"
    service = services.order_delete
    submit_label = gettext_lazy("Delete draft order")
    success_message = gettext_lazy("Order “%(name)s” was moved to the recycle bin.")


class OrderActionView(OrderRecordMixin, kit.OwnedObjectMixin, View):
    """One status change (POST only): calls its service with the version the page showed, then back to the order
    page with what happened (or why not)."""

    permission_required = "sales.change_order"
    http_method_names = ["post"]
    write = True
    service = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        order = self.object
        version = query_int(request.POST, "version", min_value=1, max_value=2**31)
        try:
            type(self).service(order=order, by=request.user, expected_version=version)
        except StaleVersionError:
            messages.error(request, _("Someone else changed this order after you opened it. Check it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.success_message) % {"name": order.number})
        return redirect(order)


class OrderConfirmView(OrderActionView):
    service = services.order_confirm
    success_message = gettext_lazy("%(name)s was confirmed.")


class OrderCancelView(OrderActionView):
    service = services.order_cancel
    success_message = gettext_lazy("%(name)s was cancelled.")


class OrderShipView(OrderActionView):
    service = services.order_ship
    success_message = gettext_lazy("%(name)s was marked shipped.")


class OrderPaidView(OrderActionView):
    service = services.order_mark_paid
    success_message = gettext_lazy("%(name)s was marked paid.")


class ReturnCreateView(kit.ServiceFormMixin, OrderPages, kit.ParentMixin, FormView):
    """A return of the order in the URL: how many units of each of its products come back."""

    permission_required = "sales.add_order"
    parent_model = Order
    form_class = ReturnForm
    template_name = "sales/orders/return_form.html"
    service = services.return_create
    submit_label = gettext_lazy("Create draft return")
    success_message = gettext_lazy("Return %(name)s was created as a draft.")

    def get_heading(self):
        return _("Return from %(number)s") % {"number": self.parent.number}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "lines": list(selectors.order_lines(order=self.parent)),
            "left": selectors.returnable_quantities(order=self.parent),
        }

    def get(self, request, *args, **kwargs):
        if self.parent.is_return or self.parent.status not in services.RETURNABLE_STATUSES:
            messages.info(request, _("Only confirmed, shipped or paid orders can be returned."))
            return redirect(self.parent)
        return super().get(request, *args, **kwargs)

    def get_service_kwargs(self, form):
        return {
            "order": self.parent,
            "by": self.request.user,
            "lines": form.lines(),
            "notes": form.cleaned_data["notes"],
        }

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_cancel_url(self):
        return self.parent.get_absolute_url()
