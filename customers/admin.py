"""Back-office screens. Staff who are not administrators get the same ownership scope as in the app:
lists, search, autocomplete, form choices and object URLs all go through customers.selectors."""
from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import reach
from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.selectors import customer_scope, owners_for
from customers.services import customer_normalize


class ScopedAdminMixin:
    """Limits an admin to the records the user reaches, by the model's owner path: the pages' own scope.

    Related objects in the list are prefetched (`list_prefetch_related`), never joined: with a JOIN, MySQL
    starts from the small users table and sorts a million customers before showing the first 50.
    """

    list_select_related = ()  # an empty tuple, so the changelist does not add select_related() by itself
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(*self.list_prefetch_related)
        return reach.scope(queryset, user=request.user, write=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices and what a posted id is validated against: never a record outside the scope.
        if db_field.related_model is Customer:
            kwargs["queryset"] = customer_scope(user=request.user, write=True)
        elif db_field.name in ("owner", "user"):
            kwargs["queryset"] = owners_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "is_primary"]


@admin.register(Customer)
class CustomerAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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


@admin.register(Interaction)
class InteractionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "customer", "channel", "direction", "occurred_at", "outcome", "user"]
    list_filter = ["channel", "direction", "outcome"]
    search_fields = ["^subject"]
    list_prefetch_related = ("customer", "user")
    autocomplete_fields = ["customer"]
    # Newest entries first along the primary key: sorting millions of rows by date, or listing their
    # years for a date hierarchy, would read the whole table on every visit.
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(Relationship)
class RelationshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["from_customer", "kind", "to_customer", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["^from_customer__name", "^to_customer__name"]
    list_prefetch_related = ("from_customer", "to_customer")
    ordering = ["-id"]
    autocomplete_fields = ["from_customer", "to_customer"]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
