"""Back-office screens for sales. They reach, save and delete exactly as the pages do: opportunities, quotes, orders
and tasks are listed and offered within the user's reach (records.adminkit); products, opportunities, quotes, orders
(with their inline lines), tasks and quotas are saved and deleted through sales.services; order and quote status changes are admin
actions calling the same services as the pages' buttons. The line items of opportunities and quotes are shown here
and changed on their pages, which price them from the catalogue. Stages and web-to-lead forms are set here by
administrators only (the only role holding change_stage and change_leadform)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from records.adminkit import CappedSearchMixin, OwnedAdminMixin, VersionedAdminForm
from sales.models import (
    LeadForm,
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    Product,
    Quota,
    Quote,
    QuoteLine,
    Stage,
    StageChange,
    Task,
)
from sales.selectors.quotas import quota_reps_for
from sales.services import leads as lead_services
from sales.services import orders as services
from sales.services import quotes as quote_services
from sales.services.opportunities import opportunity_create, opportunity_delete, opportunity_move_stage
from sales.services.products import product_create, product_update
from sales.services.quotas import QuotaInput, quotas_set
from sales.services.tasks import EDITABLE as TASK_FIELDS
from sales.services.tasks import task_create, task_delete, task_update


@admin.register(Product)
class ProductAdmin(CappedSearchMixin, SimpleHistoryAdmin):
    form = VersionedAdminForm
    list_display = ["sku", "name", "category", "unit_price", "currency", "stock_on_hand", "active"]
    list_filter = ["active", "category"]
    search_fields = ["^sku", "^name"]
    search_help_text = _("SKU or name starts with.")
    ordering = ["name", "id"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        if change:
            product_update(product=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version"))
        else:
            product_create(by=request.user, product=obj)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "probability", "outcome"]
    list_editable = ["position", "probability"]
    list_filter = ["outcome"]
    ordering = ["position", "id"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_stage", "to_stage", "days_in_previous", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # written by opportunity_move_stage only


class ReadOnlyLineInline(admin.TabularInline):
    """Line items, shown: they are added and changed on the record's page (sales.services), which prices them."""

    extra = 0
    can_delete = False
    fields = ["product", "quantity", "unit_price", "discount_percent"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OpportunityLineInline(ReadOnlyLineInline):
    model = OpportunityLine


class QuoteLineInline(ReadOnlyLineInline):
    model = QuoteLine


@admin.register(Opportunity)
class OpportunityAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "customer", "stage", "amount", "currency", "probability", "expected_close_date", "owner"]
    list_filter = ["stage", "source"]
    search_fields = ["^title", "^customer__name"]
    list_prefetch_related = ("customer", "stage", "owner")
    autocomplete_fields = ["customer", "contact"]
    readonly_fields = ["stage_entered_at", "closed_at", "created_at", "updated_at"]
    inlines = [OpportunityLineInline, StageChangeInline]
    ordering = ["-id"]
    show_full_result_count = False

    def history_view(self, request, object_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def create(self, request, obj, form):
        # A probability left at its default follows the stage, as on the pages.
        probability = obj.probability if "probability" in form.changed_data else None
        opportunity_create(by=request.user, opportunity=obj, probability=probability)

    def update(self, request, obj, form):
        # Every stage change, here too, is recorded by opportunity_move_stage.
        opportunity_move_stage(
            opportunity=obj,
            to_stage=obj.stage,
            by=request.user,
            expected_version=form.cleaned_data.get("seen_version"),
            probability=obj.probability if "probability" in form.changed_data else None,
        )

    def delete(self, request, obj):
        opportunity_delete(opportunity=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        # The stage changes and lines are read-only here (sales.services writes them); nothing to save.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


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


def _status_action(service, description, *, record="order"):
    """An admin action calling a status service on each chosen order (or quote: `record="quote"`)."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        done = 0
        for obj in queryset:
            try:
                service(**{record: obj}, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{obj.number}: {' '.join(exc.messages)}", messages.ERROR)
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
    readonly_fields = ["number", "kind", "status", "quote", "original", "stock_moved", "created_at", "updated_at"]
    fields = [
        "number",
        "kind",
        "status",
        "customer",
        "opportunity",
        "quote",
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


class LeadFormAdminForm(forms.ModelForm):
    regenerate_key = forms.BooleanField(
        label=_("Regenerate the public key"),
        required=False,
        help_text=_("The form gets a new address: the old one, and every page embedding it, stop working."),
    )

    class Meta:
        model = LeadForm
        fields = ["name", "team", "active", "source", "default_tags", "thank_you_message", "allowed_origins"]


def lead_form_embed_code(lead_form: LeadForm) -> str:
    """The HTML another site puts in its page to show the form (docs/leads.md)."""
    url = settings.CRM_SITE_URL.rstrip("/") + lead_form.get_absolute_url()
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="820" loading="lazy" style="border:0;max-width:40rem">'
        "</iframe>",
        url,
        gettext("Contact form"),
    )


@admin.register(LeadForm)
class LeadFormAdmin(CappedSearchMixin, SimpleHistoryAdmin):
    """Set-up of the public web-to-lead forms, saved through sales.services.leads. The page shows the form's
    address and the code that embeds it in another site."""

    form = LeadFormAdminForm
    list_display = ["name", "team", "active", "source", "public_link", "last_assigned"]
    list_filter = ["active", "source"]
    list_select_related = ["team", "last_assigned"]
    search_fields = ["^name"]
    autocomplete_fields = ["team"]
    filter_horizontal = ["default_tags"]
    readonly_fields = ["public_link", "embed_code", "last_assigned", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "team", "active", "source", "default_tags", "thank_you_message"]}),
        (_("Address and embedding"), {"fields": ["public_link", "regenerate_key", "allowed_origins", "embed_code"]}),
        (_("Round robin"), {"fields": ["last_assigned", "created_at", "updated_at"]}),
    ]
    actions = ["regenerate_keys"]
    ordering = ["name", "id"]

    @admin.display(description=_("public address"))
    def public_link(self, obj):
        if obj.pk is None:
            return gettext("Given when the form is saved.")
        url = settings.CRM_SITE_URL.rstrip("/") + obj.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.display(description=_("embed code"))
    def embed_code(self, obj):
        if obj.pk is None:
            return gettext("Given when the form is saved.")
        return format_html(
            '<textarea class="vLargeTextField" rows="3" readonly aria-label="{}">{}</textarea>'
            '<div class="help">{}</div>',
            gettext("embed code"),
            escape(lead_form_embed_code(obj)),  # shown as text, even though it is safe HTML
            gettext(
                "Put this in the page of an allowed origin. Add ?lang=zh-hans to the address for the form in "
                "Chinese; without it, the form follows the visitor's browser."
            ),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new form gets its key when saved; there is nothing to regenerate yet
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "regenerate_key"]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        tags = form.cleaned_data.get("default_tags")
        if change:
            lead_services.lead_form_update(lead_form=obj, by=request.user, default_tags=tags)
            if form.cleaned_data.get("regenerate_key"):
                lead_services.lead_form_regenerate_key(lead_form=obj, by=request.user)
        else:
            lead_services.lead_form_create(by=request.user, lead_form=obj, default_tags=tags)

    def save_related(self, request, form, formsets, change):
        pass  # the service set the tags with the form

    def has_delete_permission(self, request, obj=None):
        # A form is retired by unticking "active" (its address answers 404) or by a new key; its history stays.
        return False

    @admin.action(description=_("Regenerate the public keys of the chosen forms"), permissions=["change"])
    def regenerate_keys(self, request, queryset):
        for lead_form in queryset:
            lead_services.lead_form_regenerate_key(lead_form=lead_form, by=request.user)
        count = len(queryset)
        message = ngettext(
            "%(count)s form has a new address; its old one no longer works.",
            "%(count)s forms have new addresses; their old ones no longer work.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(Quote)
class QuoteAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "status", "opportunity", "valid_until", "tax_rate_percent", "currency", "created_at"]
    list_filter = ["status"]
    search_fields = ["^number", "^opportunity__customer__name"]
    list_prefetch_related = ("opportunity",)
    raw_id_fields = ["opportunity"]
    readonly_fields = ["number", "status", "currency", "sent_at", "decided_at", "created_at", "updated_at"]
    fields = [
        "number",
        "status",
        "opportunity",
        "valid_until",
        "tax_rate_percent",
        "currency",
        "notes",
        "sent_at",
        "decided_at",
        "seen_version",
    ]
    inlines = [QuoteLineInline]
    ordering = ["-id"]
    show_full_result_count = False
    actions = [
        _status_action(quote_services.quote_send, _("Mark the chosen quotes sent"), record="quote"),
        _status_action(quote_services.quote_accept, _("Record the chosen quotes as accepted"), record="quote"),
        _status_action(quote_services.quote_decline, _("Record the chosen quotes as declined"), record="quote"),
    ]

    def history_view(self, request, object_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if obj is not None else [f for f in fields if f != "seen_version"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "opportunity"] if obj is not None else readonly  # a quote stays with its opportunity

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status != Quote.Status.ACCEPTED)

    def create(self, request, obj, form):
        quote_services.quote_create(
            opportunity=obj.opportunity,
            by=request.user,
            quote=obj,
            valid_until=obj.valid_until,
            tax_rate_percent=obj.tax_rate_percent,
            notes=obj.notes,
        )

    def update(self, request, obj, form):
        quote_services.quote_update(quote=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version"))

    def delete(self, request, obj):
        quote_services.quote_delete(quote=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        # The lines are read-only here (the quote's page changes them); nothing to save.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())


class TaskStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("done", _("Done"))]

    def queryset(self, request, queryset):
        if self.value() in ("open", "done"):
            return queryset.filter(done_at__isnull=self.value() == "open")
        return queryset


@admin.register(Task)
class TaskAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["subject", "due_at", "priority", "owner", "customer", "opportunity", "done_at"]
    list_filter = [TaskStatusFilter, "priority"]
    search_fields = ["^subject", "^customer__name"]
    list_prefetch_related = ("owner", "customer", "opportunity")
    raw_id_fields = ["customer", "opportunity"]
    readonly_fields = ["done_at", "done_by", "reminded_at", "created_at", "updated_at"]
    ordering = ["-id"]
    show_full_result_count = False

    def history_view(self, request, object_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def create(self, request, obj, form):
        task_create(by=request.user, task=obj)

    def update(self, request, obj, form):
        # The form wrote its values onto `obj`; the service compares them with the stored row.
        task_update(
            task=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("seen_version"),
            **{name: getattr(obj, name) for name in TASK_FIELDS},
        )

    def delete(self, request, obj):
        task_delete(task=obj, by=request.user)


@admin.register(Quota)
class QuotaAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["rep", "month", "amount", "currency", "set_by"]
    list_filter = ["month"]
    search_fields = ["^rep__username", "^rep__first_name", "^rep__last_name"]
    list_prefetch_related = ("rep", "set_by")
    readonly_fields = ["set_by", "created_at", "updated_at"]
    ordering = ["-month", "rep_id"]
    date_hierarchy = "month"

    def get_queryset(self, request):
        # Only the quotas the user sets (not, for a manager, their own: that is set above them).
        return super().get_queryset(request).filter(rep__in=quota_reps_for(user=request.user))

    def get_readonly_fields(self, request, obj=None):
        # A quota stays with its salesperson and month; another month is another quota.
        return [*super().get_readonly_fields(request, obj), *(["rep", "month"] if obj is not None else [])]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rep":
            kwargs["queryset"] = quota_reps_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _set(self, request, obj, *, amount, expected_version):
        quotas_set(
            by=request.user,
            month=obj.month,
            rows=[QuotaInput(obj.rep_id, amount, obj.currency, expected_version=expected_version)],
        )

    def create(self, request, obj, form):
        self._set(request, obj, amount=obj.amount, expected_version=0)

    def update(self, request, obj, form):
        self._set(request, obj, amount=obj.amount, expected_version=form.cleaned_data.get("seen_version"))

    def delete(self, request, obj):
        self._set(request, obj, amount=None, expected_version=None)
