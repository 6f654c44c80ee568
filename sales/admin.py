"""Back-office screens for sales. Products and opportunities are saved and deleted through sales.services, as on
the pages; opportunities are listed and offered within the user's reach (records.adminkit). Stages are set here
by administrators only (the only role holding change_stage)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from records.adminkit import CappedSearchMixin, OwnedAdminMixin, VersionedAdminForm
from sales.models import Opportunity, Product, Stage, StageChange
from sales.services.opportunities import opportunity_create, opportunity_delete, opportunity_move_stage
from sales.services.products import product_create, product_update


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


@admin.register(Opportunity)
class OpportunityAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "customer", "stage", "amount", "currency", "probability", "expected_close_date", "owner"]
    list_filter = ["stage", "source"]
    search_fields = ["^title", "^customer__name"]
    list_prefetch_related = ("customer", "stage", "owner")
    autocomplete_fields = ["customer", "contact"]
    readonly_fields = ["stage_entered_at", "closed_at", "created_at", "updated_at"]
    inlines = [StageChangeInline]
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
        # The stage changes are read-only here (opportunity_move_stage writes them); nothing to save.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
