"""The admin on the platform: the pages' scope, the pages' services, the pages' version check.

An owned model's ModelAdmin mixes in `OwnedAdminMixin` and names its services; the admin then lists and opens
only what the user reaches, offers only reachable records and assignable owners as choices, and saves and
deletes (also in bulk and in inlines) through the same services as the app, so a delete goes to the recycle bin
and a stale form is refused with what changed.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.text import smart_split
from django.utils.translation import gettext as _

from accounts import reach
from records.versioning import _changes_since


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the record had when the admin page was opened; refuses to save over a newer one."""

    # Not named "version": the admin refuses form fields named after non-editable model fields.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["seen_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("seen_version")
        if self.instance.pk is not None and expected is not None:
            current = type(self.instance)._base_manager.get(pk=self.instance.pk)
            if current.version != expected:
                changes, who = _changes_since(current, expected)
                listed = "; ".join(f"{c.label}: {c.then} → {c.now}" for c in changes)
                raise ValidationError(
                    _(
                        "Someone else changed this record after you opened it (%(changes)s). Reload the page to see "
                        "the current values before saving."
                    )
                    % {"changes": listed or _("details not recorded")},
                    code="stale",
                )
        return cleaned


# Each word typed into an admin search is one more condition; SQLite refuses a query of about a thousand
# ("Expression tree is too large"), and nobody means more than a few.
ADMIN_SEARCH_MAX_WORDS = 10


class CappedSearchMixin:
    """Searches with the first ADMIN_SEARCH_MAX_WORDS words typed."""

    def get_search_results(self, request, queryset, search_term):
        search_term = " ".join(list(smart_split(search_term))[:ADMIN_SEARCH_MAX_WORDS])
        return super().get_search_results(request, queryset, search_term)


class OwnedAdminMixin(CappedSearchMixin):
    """Scope, choices, saves and deletes of an owned model's admin, through reach and the model's services.

    Subclasses implement `create(request, obj, form)`, `update(request, obj, form)` and `delete(request, obj)`
    by calling their app's services. Related objects in the list are prefetched (`list_prefetch_related`), never
    joined: with a JOIN, MySQL starts from the small users table and sorts a million customers first.
    """

    form = VersionedAdminForm
    list_select_related = ()  # an empty tuple, so the changelist does not add select_related() by itself
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(*self.list_prefetch_related)
        return reach.scope(queryset, user=request.user, write=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices, and what a posted id is validated against: never a record outside the user's reach.
        related = db_field.related_model
        if hasattr(related, "owner_path"):
            kwargs["queryset"] = reach.scope(related, user=request.user, write=True)
        elif related is get_user_model() and db_field.name in ("owner", "user"):
            owners = reach.owner_ids(request.user, domain=self.model.reach_domain, write=True)
            users = related.objects.filter(is_active=True)
            kwargs["queryset"] = users if owners is None else users.filter(pk__in=owners)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def check_reach(self, request, object_id) -> None:
        """For views that load the object without get_queryset() (simple-history's)."""
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404(_("No record with this id that you can reach."))

    def save_model(self, request, obj, form, change):
        if change:
            self.update(request, obj, form)
        else:
            self.create(request, obj, form)

    def delete_model(self, request, obj):
        self.delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete(request, obj)

    def create(self, request, obj, form):
        raise NotImplementedError

    def update(self, request, obj, form):
        raise NotImplementedError

    def delete(self, request, obj):
        raise NotImplementedError


def save_inline_through_services(formset, *, save_row, delete_row) -> None:
    """Save an admin inline formset row by row through services: `save_row(obj, created)`, `delete_row(obj)`.
    Fills the formset's new/changed/deleted lists the admin's change message reads."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if form in formset.deleted_forms:
            if form.instance.pk is not None:
                delete_row(form.instance)
                formset.deleted_objects.append(form.instance)
        elif form.has_changed():
            save_row(form.instance, False)
            formset.changed_objects.append((form.instance, form.changed_data))
    for form in formset.extra_forms:
        if form.has_changed() and form not in formset.deleted_forms:
            save_row(form.instance, True)
            formset.new_objects.append(form.instance)
