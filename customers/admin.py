"""Back-office screens. They reach, save and delete exactly as the pages do: the scope comes from
accounts.reach, every save and delete (also inlines and bulk deletes) goes through customers.services."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.timezones import localtime_or_utc, naive_localtime_or_utc
from customers import services
from customers.models import Contact, Customer, Interaction, Relationship, Tag
from records.adminkit import CappedSearchMixin, OwnedAdminMixin, save_inline_through_services


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "is_primary"]


class HistoryAdmin(OwnedAdminMixin, SimpleHistoryAdmin):
    """History pages load the object without get_queryset(): check the reach first."""

    def history_view(self, request, object_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
    # Fits a 1,400 px window beside the filters: the kind is a filter, and the city goes with the country.
    list_display = ["name", "email", "phone", "location", "tier", "lifecycle_stage", "owner", "updated_at"]
    list_filter = ["tier", "lifecycle_stage", "kind", "industry", "source", "tags"]
    # Prefix and exact searches use the indexes; a leading-wildcard search would read every row.
    search_fields = ["^name", "=email", "^phone_digits"]
    search_help_text = _("Name starts with, exact email, or phone digits start with.")
    list_prefetch_related = ("owner",)
    # A plain select, not an autocomplete: its choices come from the user's reach, where the user admin's
    # autocomplete would need auth.view_user and would list every user.
    filter_horizontal = ["tags"]
    readonly_fields = ["score", "created_at", "updated_at"]
    inlines = [ContactInline]
    ordering = ["name", "id"]
    # Admin counts exactly (its pages print the total as a plain number), once rather than twice.
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description=_("Location"), ordering="country")
    def location(self, obj):
        return ", ".join(part for part in (obj.city, obj.country.name) if part) or "—"

    def create(self, request, obj, form):
        # The admin is a staff tool: it may create a customer whose email matches another (no confirm step).
        services.customer_create(
            by=request.user, customer=obj, allow_duplicate=True, tags=form.cleaned_data.get("tags") or ()
        )

    def update(self, request, obj, form):
        services.customer_update(
            customer=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("seen_version"),
            tags=form.cleaned_data.get("tags"),
        )

    def save_related(self, request, form, formsets, change):
        # The service saved the tags with the customer, in the same history entry; form.save_m2m() would set them
        # again and write a second entry.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete(self, request, obj):
        services.customer_delete(customer=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contact:
            return super().save_formset(request, form, formset, change)

        def save_row(contact, created):
            if created:
                services.contact_create(customer=form.instance, by=request.user, contact=contact)
            else:
                services.contact_update(contact=contact, by=request.user)

        save_inline_through_services(
            formset, save_row=save_row, delete_row=lambda c: services.contact_delete(contact=c, by=request.user)
        )


@admin.register(Contact)
class ContactAdmin(HistoryAdmin):
    list_display = ["name", "customer", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["^name", "=email"]
    list_prefetch_related = ("customer",)
    autocomplete_fields = ["customer"]
    ordering = ["-id"]  # newest first, along the primary key
    show_full_result_count = False

    def create(self, request, obj, form):
        services.contact_create(customer=obj.customer, by=request.user, contact=obj)

    def update(self, request, obj, form):
        services.contact_update(contact=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version"))

    def delete(self, request, obj):
        services.contact_delete(contact=obj, by=request.user)


class _StoredTimeSplitDateTime(AdminSplitDateTime):
    """Shows a time that cannot be converted to the active zone (a year-1 typo) as stored, so it can be corrected."""

    def decompress(self, value):
        if value:
            value = naive_localtime_or_utc(value)
            return [value.date(), value.time()]
        return [None, None]


@admin.register(Interaction)
class InteractionAdmin(HistoryAdmin):
    list_display = ["subject", "customer", "channel", "direction", "when", "outcome", "user"]
    list_filter = ["channel", "direction", "outcome"]
    search_fields = ["^subject"]
    list_prefetch_related = ("customer", "user")
    autocomplete_fields = ["customer"]
    # Newest entries first along the primary key: sorting millions of rows by date, or listing their
    # years for a date hierarchy, would read the whole table on every visit.
    ordering = ["-id"]
    show_full_result_count = False
    formfield_overrides = {models.DateTimeField: {"widget": _StoredTimeSplitDateTime}}

    @admin.display(description=_("when"), ordering="occurred_at")
    def when(self, obj):
        return formats.localize(localtime_or_utc(obj.occurred_at))

    def create(self, request, obj, form):
        services.interaction_log(customer=obj.customer, by=request.user, interaction=obj)

    def update(self, request, obj, form):
        services.interaction_update(
            interaction=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version")
        )

    def delete(self, request, obj):
        services.interaction_delete(interaction=obj, by=request.user)


@admin.register(Relationship)
class RelationshipAdmin(HistoryAdmin):
    list_display = ["from_customer", "kind", "to_customer", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["^from_customer__name", "^to_customer__name"]
    list_prefetch_related = ("from_customer", "to_customer")
    ordering = ["-id"]
    autocomplete_fields = ["from_customer", "to_customer"]
    show_full_result_count = False

    def create(self, request, obj, form):
        services.relationship_create(
            customer=obj.from_customer, to_customer=obj.to_customer, by=request.user, relationship=obj
        )

    def update(self, request, obj, form):
        services.relationship_update(
            relationship=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version")
        )

    def delete(self, request, obj):
        services.relationship_delete(relationship=obj, by=request.user)


@admin.register(Tag)
class TagAdmin(CappedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
