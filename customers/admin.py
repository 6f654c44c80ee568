"""Back-office screens. Staff who are not administrators get the same ownership scope as in the app:
lists, search, autocomplete, form choices and object URLs all go through customers.selectors."""
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.http import Http404
from django.utils import formats
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.timezones import localtime_or_utc, naive_localtime_or_utc
from customers.models import Contact, Customer, Interaction, Relationship, Tag, Team
from customers.roles import Role, role_of
from customers.selectors import SEARCH_MAX_WORDS, customer_scope, owners_for
from customers.services import customer_normalize


class CappedSearchMixin:
    """Searches with the first SEARCH_MAX_WORDS words typed: each word is one more condition, and SQLite refuses
    a query of about a thousand ("Expression tree is too large")."""

    def get_search_results(self, request, queryset, search_term):
        search_term = " ".join(list(smart_split(search_term))[:SEARCH_MAX_WORDS])
        return super().get_search_results(request, queryset, search_term)


class ScopedAdminMixin(CappedSearchMixin):
    """Limits an admin to the records reachable through customers the user may see.

    Related objects in the list are prefetched (`list_prefetch_related`), never joined: with a JOIN, MySQL
    starts from the small users table and sorts a million customers before showing the first 50.
    """

    customer_path = "customer"  # how this model reaches a Customer ("" for Customer itself)
    list_select_related = ()  # an empty tuple, so the changelist does not add select_related() by itself
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(*self.list_prefetch_related)
        if role_of(request.user) is Role.ADMINISTRATOR:
            return queryset
        scope = customer_scope(user=request.user)
        return queryset.filter(pk__in=scope) if not self.customer_path else queryset.filter(
            **{f"{self.customer_path}__in": scope}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices and what a posted id is validated against: never a record outside the scope.
        if db_field.related_model is Customer:
            kwargs["queryset"] = customer_scope(user=request.user)
        elif db_field.name in ("owner", "user"):
            kwargs["queryset"] = owners_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "is_primary"]


@admin.register(Customer)
class CustomerAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    customer_path = ""
    list_display = ["name", "kind", "email", "phone", "city", "country", "tier", "lifecycle_stage", "owner",
                    "updated_at"]
    list_filter = ["tier", "lifecycle_stage", "kind", "industry", "source", "tags"]
    # Prefix and exact searches use the indexes; a leading-wildcard search would read every row.
    search_fields = ["^name", "=email", "^phone_digits"]
    search_help_text = _("Name starts with, exact email, or phone digits start with.")
    list_prefetch_related = ("owner",)
    # A plain select, not an autocomplete: its choices come from owners_for() (the user's scope), where
    # the user admin's autocomplete would need auth.view_user and would list every user.
    filter_horizontal = ["tags"]
    readonly_fields = ["score", "created_at", "updated_at"]
    inlines = [ContactInline]
    ordering = ["name", "id"]
    # Admin counts exactly (its pages print the total as a plain number), once rather than twice.
    show_full_result_count = False
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        customer_normalize(obj)  # the same email and phone handling as the app's forms
        super().save_model(request, obj, form, change)

    def _check_reach(self, request, object_id) -> None:
        # simple-history's views load the object without get_queryset(): check the scope first.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404(_("No customer with this id that you can reach."))

    def history_view(self, request, object_id, extra_context=None):
        self._check_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_reach(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Contact)
class ContactAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "customer", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["^name", "=email"]
    list_prefetch_related = ("customer",)
    autocomplete_fields = ["customer"]
    ordering = ["-id"]  # newest first, along the primary key
    show_full_result_count = False


class _StoredTimeSplitDateTime(AdminSplitDateTime):
    """Shows a time that cannot be converted to the active zone (a year-1 typo) as stored, so it can be corrected."""

    def decompress(self, value):
        if value:
            value = naive_localtime_or_utc(value)
            return [value.date(), value.time()]
        return [None, None]


@admin.register(Interaction)
class InteractionAdmin(ScopedAdminMixin, admin.ModelAdmin):
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


@admin.register(Relationship)
class RelationshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    customer_path = "from_customer"
    list_display = ["from_customer", "kind", "to_customer", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["^from_customer__name", "^to_customer__name"]
    list_prefetch_related = ("from_customer", "to_customer")
    ordering = ["-id"]
    autocomplete_fields = ["from_customer", "to_customer"]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(CappedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name", "manager__username"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["members"]
