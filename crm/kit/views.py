"""Generic pages an app configures with declarations instead of copying another app's views.

- `ListPageView`: a selector, a filterset and the table's columns; paginated with a capped count, sortable
  headers, the query strings for pagination, sorting and the export, and the app's results partial.
- `CsvExportView`: the same selector and filterset, and one column declaration.
- `ObjectPageView`, `HistoryPageView`: a page about one owned record.
- `ObjectCreateView`, `ObjectUpdateView`, `ObjectDeleteView`: forms and deletes of a record of the app.
- `ChildCreateView`, `ChildUpdateView`, `ChildDeleteView`: the same for what hangs off a record in the URL
  (a customer's contacts), going back to that record's page.

Every record in a URL is looked up through `accounts.reach` (404 outside the user's reach: reading for the pages
that show it, changing for the pages that change it or what hangs off it), after the permission check. Forms call
the one service the view names; a stale version shows the conflict in the form and a ValidationError becomes a
form error. Deletes call the app's delete service, which moves the record to the recycle bin. Pages extend the
app's layout (`templates/<app>/layout.html`), which shows its sub-navigation and the breadcrumbs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts import reach
from crm import querystring
from crm.kit.export import ExportColumn, csv_lines, export_columns
from crm.pagination import CappedPaginator
from records.audit import audit_record
from records.models import AuditEntry
from records.selectors import record_history
from records.services import RETENTION_DAYS
from records.versioning import StaleVersionError


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str = ""


@dataclass(frozen=True)
class NavLink:
    """One entry of an app's sub-navigation, shown to users holding `permission` (everyone when empty)."""

    label: str
    url_name: str
    permission: str = ""


@dataclass(frozen=True)
class ListColumn:
    """One column of a list table: its header, the sort key it offers (a key of the filterset's sorts), classes
    for the header cell, and a name the view can refer to (`get_columns`)."""

    label: str
    sort: str = ""
    css_class: str = ""
    name: str = ""


def query_int(request, name: str, **bounds) -> int | None:
    """A whole number from the request's query string (crm.querystring.query_int)."""
    return querystring.query_int(request.GET, name, **bounds)


def _named(view: View, attribute: str) -> Callable[..., Any]:
    """A function declared as a class attribute (a service or selector), called without binding it to the view."""
    function = getattr(type(view), attribute, None)
    if function is None:
        raise ImproperlyConfigured(f"{type(view).__name__} must name its {attribute}.")
    return function


# Pages --------------------------------------------------------------------------------------------------------


class PageMixin:
    """The frame of an app page: its layout, sub-navigation, title, heading and breadcrumbs.

    An app declares these once on a mixin all its pages share (`layout_template`, `nav_links`,
    `breadcrumb_root`); each page declares its `heading` (and `title` or `crumb` where they differ from it).
    """

    layout_template = ""  # default: "<app namespace>/layout.html"
    nav_links: Sequence[NavLink] = ()
    breadcrumb_root: tuple[str, str] | None = None  # (label, URL name) of the app's first page
    title = ""
    heading = ""
    crumb = ""

    def get_layout_template(self) -> str:
        if self.layout_template:
            return self.layout_template
        match = getattr(self.request, "resolver_match", None)
        return f"{match.app_name}/layout.html" if match and match.app_name else "kit/layout.html"

    def get_heading(self) -> str:
        return str(self.heading)

    def get_title(self) -> str:
        return str(self.title) or self.get_heading()

    def get_crumb(self) -> str:
        return str(self.crumb) or self.get_heading()

    def get_root_crumbs(self) -> list[Crumb]:
        if self.breadcrumb_root is None:
            return []
        label, url_name = self.breadcrumb_root
        return [Crumb(str(label), reverse(url_name))]

    def get_path_crumbs(self) -> list[Crumb]:
        """The records between the app's first page and this one (the parent, the record being edited)."""
        return []

    def get_breadcrumbs(self) -> list[Crumb]:
        """The trail to this page; the last crumb is the page itself. A page with no heading (an app's first
        page) has none."""
        crumb = self.get_crumb()
        return [*self.get_root_crumbs(), *self.get_path_crumbs(), Crumb(crumb)] if crumb else []

    def get_nav_links(self) -> list[dict[str, Any]]:
        user = self.request.user
        match = getattr(self.request, "resolver_match", None)
        current = match.view_name if match else ""
        return [
            {"label": link.label, "url": reverse(link.url_name), "active": link.url_name == current}
            for link in self.nav_links
            if not link.permission or user.has_perm(link.permission)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            layout=self.get_layout_template(),
            nav_links=self.get_nav_links(),
            title=self.get_title(),
            heading=self.get_heading(),
            breadcrumbs=self.get_breadcrumbs(),
        )
        return context


class ScopedPageMixin(PageMixin, LoginRequiredMixin, PermissionRequiredMixin):
    """A signed-in page behind `permission_required`: both are checked before anything is looked up, so a user
    without the permission learns nothing about which records exist."""


class OwnedObjectMixin(ScopedPageMixin):
    """The owned record named in the URL (`model`, `pk_url_kwarg`), within the user's reach or 404.

    `write = True` for pages that change it: a user who may read a record (a support agent reading every
    customer) does not reach its edit page. Override `get_object_queryset` to preload what the page shows.
    """

    model: type[Model] | None = None
    pk_url_kwarg = "pk"
    write = False
    context_object_name = ""

    def get_object_queryset(self) -> QuerySet:
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must name its model.")
        return self.model._default_manager.all()

    def get_object(self) -> Model:
        return reach.get_for(
            self.get_object_queryset(), user=self.request.user, write=self.write, pk=self.kwargs[self.pk_url_kwarg]
        )

    @cached_property
    def object(self) -> Model | None:
        return self.get_object()

    def get_context_object_name(self) -> str:
        return self.context_object_name or self.object._meta.model_name

    def get_path_crumbs(self) -> list[Crumb]:
        return [*super().get_path_crumbs(), Crumb(str(self.object), self.object.get_absolute_url())]

    def get_context_data(self, **kwargs):
        if self.object is not None:
            kwargs.setdefault("object", self.object)
            kwargs.setdefault(self.get_context_object_name(), self.object)
        return super().get_context_data(**kwargs)


class ParentMixin(ScopedPageMixin):
    """The record in the URL that this page's records hang off (`parent_model`, `parent_url_kwarg`).

    Pages under a record change it or what hangs off it, so the user must reach it for writing
    (`parent_write`). The page's context names it after its model ("customer").
    """

    parent_model: type[Model] | None = None
    parent_url_kwarg = "pk"
    parent_write = True
    parent_context_name = ""

    def get_parent_queryset(self) -> QuerySet:
        if self.parent_model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must name its parent_model.")
        return self.parent_model._default_manager.all()

    @cached_property
    def parent(self) -> Model:
        return reach.get_for(
            self.get_parent_queryset(),
            user=self.request.user,
            write=self.parent_write,
            pk=self.kwargs[self.parent_url_kwarg],
        )

    def get_parent_context_name(self) -> str:
        return self.parent_context_name or self.parent._meta.model_name

    def get_path_crumbs(self) -> list[Crumb]:
        # Only the parent: it has a page, the records under it do not.
        return [Crumb(str(self.parent), self.parent.get_absolute_url())]

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.get_parent_context_name(), self.parent)
        return super().get_context_data(**kwargs)


class ChildObjectMixin(ParentMixin, OwnedObjectMixin):
    """A record (`model`, `pk_url_kwarg`) that hangs off the parent in the URL through `parent_field`, reached for
    writing. A tuple of fields means either side (a relationship belongs to both its customers)."""

    parent_field: str | tuple[str, ...] = ""
    write = True

    def get_object_queryset(self) -> QuerySet:
        fields = (self.parent_field,) if isinstance(self.parent_field, str) else self.parent_field
        if not all(fields):
            raise ImproperlyConfigured(f"{type(self).__name__} must name its parent_field.")
        condition = Q()
        for field in fields:
            condition |= Q(**{field: self.parent})
        return super().get_object_queryset().filter(condition)


class ObjectPageView(OwnedObjectMixin, TemplateView):
    """A read-only page about one record (GET only: a POST answers 405 before any lookup)."""

    def get_heading(self) -> str:
        return str(self.heading) or str(self.object)

    def get_path_crumbs(self) -> list[Crumb]:
        return []  # the record is this page: its crumb is the last one


class HistoryPageView(OwnedObjectMixin, TemplateView):
    """A record's change history, paginated. `history_selector(**{model_name: obj}, limit=, offset=)` returns the
    entries of one page and `history_count_selector(**{model_name: obj})` how many there are."""

    template_name = "kit/history.html"
    per_page = 50
    history_selector: Callable[..., list] | None = None
    history_count_selector: Callable[..., int] | None = None
    crumb = gettext_lazy("Change history")

    def get_heading(self) -> str:
        return str(self.heading) or _("History of %(name)s") % {"name": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = {self.object._meta.model_name: self.object}
        total = _named(self, "history_count_selector")(**on)
        page = Paginator(range(total), self.per_page).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["history"] = _named(self, "history_selector")(
            **on, limit=self.per_page, offset=page.start_index() - 1 if total else 0
        )
        return context


# Lists and exports --------------------------------------------------------------------------------------------


class FilteredRowsMixin:
    """The rows of a list or export: `selector(user=...)` narrowed by `filterset_class` from the query string.

    A sort key the filterset does not offer (an old bookmark, a tampered link) is not an error: it is dropped, the
    rows keep their default order, and `ignored_sort` holds what was asked for so the page can say so.
    """

    selector: Callable[..., QuerySet] | None = None
    sort_param = "sort"
    ignored_sort = ""

    def get_queryset(self) -> QuerySet:
        return _named(self, "selector")(user=self.request.user)

    def sort_offered(self, value: str) -> bool:
        sort_filter = self.filterset_class.base_filters.get(self.sort_param)
        if sort_filter is None:
            return True
        choices = sort_filter.extra.get("choices", ())
        return value in {str(key) for key, _label in (choices() if callable(choices) else choices)}

    def filter_data(self):
        """The query string the filterset reads: the request's, without a sort key it does not offer."""
        data = self.request.GET.copy()
        value = data.get(self.sort_param, "")
        if value and not self.sort_offered(value):
            self.ignored_sort = value
            data.pop(self.sort_param)
        return data

    def build_filterset(self):
        return self.filterset_class(self.filter_data() or None, queryset=self.get_queryset(), request=self.request)


class ListPageView(FilteredRowsMixin, ScopedPageMixin, FilterView):
    """A list page: a filter bar, a table of `columns` with sortable headers, a capped count and pagination.

    The table is the app's `results_template_name` (extending `kit/partials/results.html`), which the page
    includes; a request sent with `X-Requested-With: XMLHttpRequest` gets that partial alone, so a script can
    re-render just the table. An invalid filter value shows its error on its field and no rows and no count
    (`strict`): the list never counts rows it does not show. An unknown sort key falls back to the default sort
    and says so above the table. Every row is reachable by paging, past the capped count (CappedPaginator).
    """

    template_name = "kit/list.html"
    results_template_name = ""
    paginator_class = CappedPaginator
    paginate_by = 25
    strict = True
    columns: Sequence[ListColumn] = ()
    table_class = ""
    search_param = "q"
    default_sort = ""
    export_url_name = ""
    create_url_name = ""
    create_permission = ""
    create_label = ""
    # Bulk changes: a checkbox per row and the app's bar of actions (`bulk_template_name`, given `bulk_form`),
    # posted to `bulk_url_name` with the ticked ids (`id`), the list's query string (`query`) and `scope`
    # ("chosen", or "filter" for every row of the list). Shown to users holding `bulk_permission`.
    bulk_url_name = ""
    bulk_permission = ""
    bulk_template_name = ""
    # Read each page's keys first (one index-only query), then its rows by key: for lists whose whole-row query
    # MariaDB plans worse than the keys alone (it walked a sort index through every closed opportunity to find a
    # stage's 25, where the keys query reads them from that stage's index).
    keys_first = False

    def get_bulk_form(self):
        """The unbound form the bulk bar renders (its action and value fields)."""
        return None

    def can_bulk(self) -> bool:
        return bool(self.bulk_url_name) and self.request.user.has_perm(self.bulk_permission)

    def get_breadcrumbs(self) -> list[Crumb]:
        root = self.get_root_crumbs()
        if root and root[0].url == self.request.path:
            return []  # the app's first page: the trail starts here
        return super().get_breadcrumbs()

    def get_template_names(self) -> list[str]:
        if not self.results_template_name:
            raise ImproperlyConfigured(f"{type(self).__name__} must name its results_template_name.")
        if self.request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return [self.results_template_name]
        return [self.template_name]

    def get_filterset(self, filterset_class):
        return self.build_filterset()

    @cached_property
    def filter_invalid(self) -> bool:
        return self.filterset.is_bound and not self.filterset.is_valid()

    def paginate_queryset(self, queryset, page_size):
        extra = {}
        if issubclass(self.paginator_class, CappedPaginator) and not self.filter_invalid:
            # A filterset may offer the same rows in a form cheaper to count (`count_qs`).
            extra["count_queryset"] = getattr(self.filterset, "count_qs", None)
            # …and the same rows found by walking the sort index (`scan_qs`), and its own count cap (`count_cap`).
            extra["scan_queryset"] = getattr(self.filterset, "scan_qs", None)
            extra["cap"] = getattr(self.filterset, "count_cap", None)
            if self.keys_first:
                extra["deferred_from"] = 0
        paginator = self.get_paginator(queryset, page_size, **extra)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))  # past the end: the last page
        return paginator, page, page.object_list, page.has_other_pages()

    def get_columns(self, rows: Sequence[Any]) -> list[ListColumn]:
        """The table's columns for the rows of this page (a hook to leave out a column no row fills)."""
        return list(self.columns)

    def get_sort_notice(self) -> str:
        if not self.ignored_sort:
            return ""
        default = next((str(c.label) for c in self.columns if c.sort and c.sort == self.default_sort), "")
        return _("The list cannot be sorted by “%(sort)s”, so it is shown in its usual order (%(default)s).") % {
            "sort": self.ignored_sort[:50],
            "default": default or self.default_sort,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.filter_data()  # what the list shows: an ignored sort key is left out of every link
        query.pop(self.page_kwarg, None)
        query_string = query.urlencode()
        current_sort = query.pop(self.sort_param, [self.default_sort])[-1] or self.default_sort
        form = self.filterset.form
        page = context.get("page_obj")
        bulk = self.can_bulk()
        columns = self.get_columns(page.object_list if page is not None else [])
        context.update(
            bulk_url=reverse(self.bulk_url_name) if bulk else "",
            bulk_form=self.get_bulk_form() if bulk else None,
            bulk_template_name=self.bulk_template_name,
            column_count=len(columns) + (1 if bulk else 0),
            query_string=query_string,
            filter_query_string=query.urlencode(),
            current_sort=current_sort,
            sort_param=self.sort_param,
            sort_notice=self.get_sort_notice(),
            filter_invalid=self.filter_invalid,
            columns=columns,
            table_class=self.table_class,
            results_template_name=self.results_template_name,
            search_field=form[self.search_param] if self.search_param in form.fields else None,
            search_param=self.search_param,
            reset_url=self.request.path,
            export_url=(
                reverse(self.export_url_name) + (f"?{query_string}" if query_string else "")
                if self.export_url_name
                else ""
            ),
            can_add=bool(self.create_url_name) and self.request.user.has_perm(self.create_permission),
            create_url=reverse(self.create_url_name) if self.create_url_name else "",
            create_label=self.create_label,
        )
        return context


class CsvExportView(FilteredRowsMixin, LoginRequiredMixin, PermissionRequiredMixin, View):
    """Exactly the rows of the filtered list, streamed as CSV, so exporting a large list never loads it whole.

    `columns` is the one declaration of the file: (header, value) pairs or ExportColumn. Invalid filters answer
    400 with the errors instead of exporting something other than what was asked for (the list shows no rows for
    them either); an unknown sort key is dropped, as on the list, and the rows come in the default order.
    """

    filterset_class = None
    columns: Sequence[ExportColumn | tuple[str, Any]] = ()
    filename_prefix = "export"
    chunk_size = 2000

    def get_filename(self) -> str:
        return f"{self.filename_prefix}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.csv"

    # What the audit log names the export ("Customer list"); every export is recorded with its filter and row count.
    audit_label = ""

    def exporting(self, filterset) -> None:
        """Called once the filters are valid, before the rows are read: records the export in the audit log."""
        audit_record(
            action=AuditEntry.Action.EXPORT,
            actor=self.request.user,
            object_type=filterset.queryset.model._meta.label_lower,
            label=str(self.audit_label),
            request=self.request,
            # The same rows in the form cheapest to count, where the filterset offers one (`count_qs`).
            detail={
                "filter": self.request.GET.urlencode(),
                "rows": getattr(filterset, "count_qs", filterset.qs).count(),
            },
        )

    def get(self, request, *args, **kwargs):
        filterset = self.build_filterset()
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponse(
                _("The export filters are invalid: %(errors)s") % {"errors": filterset.errors.as_text()},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        self.exporting(filterset)
        rows = filterset.qs.iterator(chunk_size=self.chunk_size)
        # The rows are streamed after the view returns: the user's time zone is taken now, not while streaming.
        columns = export_columns(self.columns, model=filterset.qs.model)
        response = StreamingHttpResponse(
            csv_lines(rows, columns, zone=timezone.get_current_timezone()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}"'
        return response


# Forms that call one service ----------------------------------------------------------------------------------


class ServiceFormMixin:
    """`form_valid` calls the one `service` the view names with `get_service_kwargs(form)`, then says
    `success_message` (formatted with the record's name) and redirects. A StaleVersionError shows what changed
    in the form (which keeps the user's values); any other ValidationError becomes a form error."""

    template_name = "kit/form.html"
    service: Callable[..., Any] | None = None
    success_message = ""
    submit_label = gettext_lazy("Save")
    result: Any = None

    def get_service_kwargs(self, form) -> dict[str, Any]:
        raise NotImplementedError

    def cleaned_fields(self, form) -> dict[str, Any]:
        """The form's values without the version (only updates compare it; see `versioned_fields`)."""
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return data

    def versioned_fields(self, form) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        return {"expected_version": data.pop("version", None), **data}

    def service_refused(self, form, exc: ValidationError):
        form.add_error(None, exc)
        return self.form_invalid(form)

    def form_valid(self, form):
        try:
            self.result = _named(self, "service")(**self.get_service_kwargs(form))
        except StaleVersionError as exc:
            form.show_conflict(exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            return self.service_refused(form, exc)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return str(self.success_message) % {"name": self.result}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submit_label", self.submit_label)
        kwargs.setdefault("cancel_url", self.get_cancel_url())
        return super().get_context_data(**kwargs)


class ObjectCreateView(ServiceFormMixin, ScopedPageMixin, FormView):
    """Create a record with `service(by=user, **fields)`; then go to the new record's page."""

    def get_service_kwargs(self, form) -> dict[str, Any]:
        return {"by": self.request.user, **self.cleaned_fields(form)}

    def get_success_url(self) -> str:
        return self.result.get_absolute_url()

    def get_cancel_url(self) -> str:
        crumbs = self.get_root_crumbs()
        return crumbs[0].url if crumbs else ""


class ObjectUpdateView(ServiceFormMixin, OwnedObjectMixin, FormView):
    """Change the record in the URL with `service(<model_name>=record, by=user, expected_version=..., **fields)`.

    The form and the service each get their own copy of the record: validating a ModelForm writes the submitted
    values onto its instance, and a refused change must leave the page showing the saved record.
    """

    write = True
    crumb = gettext_lazy("Edit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy(self.object)}

    def get_service_kwargs(self, form) -> dict[str, Any]:
        return {self.object._meta.model_name: copy(self.object), "by": self.request.user, **self.versioned_fields(form)}

    def get_success_url(self) -> str:
        return self.result.get_absolute_url()

    def get_cancel_url(self) -> str:
        return self.object.get_absolute_url()


class ChildCreateView(ServiceFormMixin, ParentMixin, FormView):
    """Add a record under the parent in the URL with `service(<parent name>=parent, by=user, **fields)`; then go
    back to the parent's page."""

    object = None

    def get_service_kwargs(self, form) -> dict[str, Any]:
        return {self.get_parent_context_name(): self.parent, "by": self.request.user, **self.cleaned_fields(form)}

    def get_success_url(self) -> str:
        return self.parent.get_absolute_url()

    def get_cancel_url(self) -> str:
        return self.parent.get_absolute_url()


class ChildUpdateView(ServiceFormMixin, ChildObjectMixin, FormView):
    """Change a record under the parent in the URL with `service(<model_name>=record, by=user,
    expected_version=..., **fields)`; then go back to the parent's page."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy(self.object)}

    def get_service_kwargs(self, form) -> dict[str, Any]:
        return {self.object._meta.model_name: copy(self.object), "by": self.request.user, **self.versioned_fields(form)}

    def get_context_data(self, **kwargs):
        # The record's field history under its form, when the model keeps one.
        if hasattr(type(self.object), "history"):
            kwargs.setdefault("history", record_history(obj=self.object, limit=10))
        return super().get_context_data(**kwargs)

    def get_success_url(self) -> str:
        return self.parent.get_absolute_url()

    def get_cancel_url(self) -> str:
        return self.parent.get_absolute_url()


# Deletes to the recycle bin ------------------------------------------------------------------------------------


class RecycleMixin:
    """GET asks for confirmation; POST calls `service(<model_name>=record, by=user)`, the app's delete service,
    which moves the record (and what hangs off it) to the recycle bin. A ValidationError from the service is
    shown on the confirmation page."""

    template_name = "kit/confirm_delete.html"
    service: Callable[..., Any] | None = None
    success_message = gettext_lazy("“%(name)s” was moved to the recycle bin.")
    submit_label = gettext_lazy("Delete")
    crumb = gettext_lazy("Delete")

    def get_heading(self) -> str:
        return str(self.heading) or _("Delete “%(name)s”?") % {"name": self.object}

    def get_title(self) -> str:
        return str(self.title) or _("Delete")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submit_label", self.submit_label)
        kwargs.setdefault("cancel_url", self.get_cancel_url())
        kwargs.setdefault("retention_days", RETENTION_DAYS)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.object
        name = str(obj)
        try:
            _named(self, "service")(**{obj._meta.model_name: obj, "by": request.user})
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(request, str(self.success_message) % {"name": name})
        return redirect(self.get_success_url())


class ObjectDeleteView(RecycleMixin, OwnedObjectMixin, TemplateView):
    """Delete the record in the URL; then go to the app's first page (`success_url_name`, or the root crumb)."""

    write = True
    success_url_name = ""

    def get_success_url(self) -> str:
        if self.success_url_name:
            return reverse(self.success_url_name)
        return self.get_root_crumbs()[0].url

    def get_cancel_url(self) -> str:
        return self.object.get_absolute_url()


class ChildDeleteView(RecycleMixin, ChildObjectMixin, TemplateView):
    """Delete a record under the parent in the URL; then go back to the parent's page."""

    def get_explanation(self) -> str:
        return _("It will be removed from %(name)s and kept in the recycle bin, where it can be restored.") % {
            "name": self.parent
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("explanation", self.get_explanation())
        return super().get_context_data(**kwargs)

    def get_success_url(self) -> str:
        return self.parent.get_absolute_url()

    def get_cancel_url(self) -> str:
        return self.parent.get_absolute_url()
