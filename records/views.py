"""The recycle bin (owners and administrators) and the audit log (administrators, read only)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import is_administrator
from records import selectors, services
from records.filters import AuditFilterForm
from records.models import Deletion, taken_label


class RecycleBinView(LoginRequiredMixin, ListView):
    template_name = "records/recycle_bin.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        return selectors.deletion_list_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for entry in context["entries"]:
            entry.purge_on = entry.deleted_at + timedelta(days=services.RETENTION_DAYS)
            content_type = ContentType.objects.get_for_id(entry.content_type_id)  # cached: no query
            model = content_type.model_class()
            entry.type_label = model._meta.verbose_name if model else content_type.model
        context.update(can_purge=is_administrator(self.request.user), retention_days=services.RETENTION_DAYS)
        return context


class _EntryActionView(LoginRequiredMixin, View):
    """POST only: restore or purge one entry the user reaches (404 for any other)."""

    http_method_names = ["post"]

    def entry(self) -> Deletion:
        return get_object_or_404(selectors.deletion_scope(user=self.request.user), pk=self.kwargs["pk"])

    def post(self, request, pk):
        entry = self.entry()
        try:
            self.act(entry)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("records:recycle-bin")


class RestoreView(_EntryActionView):
    def act(self, entry):
        record = services.deletion_restore(deletion=entry, by=self.request.user)
        messages.success(self.request, _("“%(name)s” was restored.") % {"name": entry.label})
        self.restored = record


class PurgeView(_EntryActionView):
    def act(self, entry):
        if not is_administrator(self.request.user):
            raise PermissionDenied(_("Only an administrator may purge the recycle bin."))
        services.deletion_purge(deletion=entry, by=self.request.user)
        messages.success(self.request, _("“%(name)s” was purged for good.") % {"name": entry.label})


_DETAIL_KEYS = {
    "took": gettext_lazy("Taken with it"),
    "restored": gettext_lazy("Restored"),
    "filter": gettext_lazy("Filter"),
    "rows": gettext_lazy("Rows"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "cleared": gettext_lazy("Cleared"),
    "matched": gettext_lazy("Matched"),
    "erased": gettext_lazy("Erased"),
    "username": gettext_lazy("User name"),
    "customer": gettext_lazy("Customer"),
    "expired_after_days": gettext_lazy("Days in the recycle bin"),
}


def describe(detail: dict) -> str:
    """An entry's detail as a person reads it: "Taken with it: Contacts: 1; Filter: tier=A"."""

    def value(v):
        if isinstance(v, dict):
            return ", ".join(f"{taken_label(name)}: {count}" for name, count in v.items()) or "—"
        if isinstance(v, list):
            return ", ".join(map(str, v)) or "—"
        return str(v)

    return "; ".join(f"{_DETAIL_KEYS.get(key, key)}: {value(v)}" for key, v in detail.items())


class AuditLogView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "records.view_auditentry"
    template_name = "records/audit_log.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        entries = selectors.audit_list(**{k: v for k, v in filters.items() if v})
        if form.is_bound and not form.is_valid():
            entries = entries.none()
        page = Paginator(entries, self.per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        for entry in page.object_list:
            entry.detail_text = describe(entry.detail)
        context.update(form=form, page_obj=page, entries=page.object_list, query_string=query.urlencode())
        return context
