"""Back-office screen for orders. It reaches, saves and deletes exactly as the pages do: the scope comes from
accounts.reach, and the order with its inline lines is saved through sales.services.orders (drafts only; status
changes are the admin actions, which call the same services as the order page's buttons)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from records.adminkit import OwnedAdminMixin
from sales.models import Order, OrderLine
from sales.services import orders as services


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["product", "quantity", "unit_price", "discount_percent"]
    readonly_fields = ["unit_price"]  # copied from the product by the service
    autocomplete_fields = []
    raw_id_fields = ["product"]

    def has_change_permission(self, request, obj=None):
        return obj is None or (obj.status == Order.Status.DRAFT and not obj.is_return)

    has_add_permission = has_delete_permission = has_change_permission


def _status_action(service, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        done = 0
        for order in queryset:
            try:
                service(order=order, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{order.number}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, _("%(count)s changed.") % {"count": done}, messages.SUCCESS)

    action.__name__ = f"{service.__name__}_action"
    return action


@admin.register(Order)
class OrderAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "kind", "status", "customer", "ordered_at", "ship_to_country"]
    list_filter = ["status", "kind"]
    search_fields = ["^number", "^customer__name"]
    list_prefetch_related = ("customer",)
    raw_id_fields = ["customer", "opportunity"]
    readonly_fields = ["number", "kind", "status", "original", "stock_moved", "created_at", "updated_at"]
    fields = [
        "number",
        "kind",
        "status",
        "customer",
        "opportunity",
        "original",
        "ordered_at",
        "ship_to_country",
        "currency",
        "notes",
        "stock_moved",
        "seen_version",
    ]
    inlines = [OrderLineInline]
    ordering = ["-id"]
    show_full_result_count = False
    actions = [
        _status_action(services.order_confirm, _("Confirm the chosen orders")),
        _status_action(services.order_ship, _("Mark the chosen orders shipped")),
        _status_action(services.order_mark_paid, _("Mark the chosen orders paid")),
        _status_action(services.order_cancel, _("Cancel the chosen orders")),
    ]

    def history_view(self, request, object_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if obj is not None else [f for f in fields if f not in ("seen_version",)]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or (obj.status == Order.Status.DRAFT and not obj.is_return))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Order.Status.DRAFT)

    # The order and its lines are one service call: save_model waits for the lines (save_related).
    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        lines = []
        for formset in formsets:
            if formset.model is not OrderLine:
                continue
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for line_form in formset.forms:
                data = getattr(line_form, "cleaned_data", {})
                if not data or data.get("DELETE") or not data.get("product"):
                    continue
                lines.append(
                    services.LineInput(
                        product=data["product"],
                        quantity=data["quantity"],
                        discount_percent=data.get("discount_percent") or 0,
                    )
                )
        if change:
            services.order_update(
                order=form.instance,
                by=request.user,
                expected_version=form.cleaned_data.get("seen_version"),
                lines=lines,
            )
        else:
            services.order_create(by=request.user, order=form.instance, lines=lines)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    def delete(self, request, obj):
        services.order_delete(order=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for order in queryset:
            try:
                services.order_delete(order=order, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{order.number}: {' '.join(exc.messages)}", messages.ERROR)
