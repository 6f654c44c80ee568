"""Analytics pages, built on the page kit: the run history, a run's page (its progress bar polls a small JSON
endpoint from static/js/analytics-run.js while it works; then its results), and the "run now" form of each kind.
Runs are not owned records: the permission decides (analytics.view_run to read, analytics.run_analytics to
start), and lists of customers or opportunities in results show only what the reader reaches."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from analytics import selectors
from analytics.filters import DEFAULT_SORT, RunFilter
from analytics.forms import RunForm
from analytics.models import ForecastPoint, Run
from analytics.params import params_for
from analytics.services import run_again, run_create, run_filters_text
from crm.kit import views as kit
from crm.kit.views import ListColumn, NavLink

# URL slugs of the kinds (the command's names): /analytics/run/win-score/
KIND_SLUGS = {kind.value.replace("_", "-"): kind for kind in Run.Kind}


def kind_slug(kind: str) -> str:
    return str(kind).replace("_", "-")


class AnalyticsPages(kit.PageMixin):
    layout_template = "analytics/layout.html"
    breadcrumb_root = (gettext_lazy("Analytics runs"), "analytics:run-list")
    nav_links = [NavLink(gettext_lazy("Runs"), "analytics:run-list", "analytics.view_run")]


class RunObjectMixin:
    """Runs are not owned: whoever may read analytics reads every run."""

    model = Run

    def get_object(self):
        return selectors.run_get(pk=self.kwargs[self.pk_url_kwarg])


class RunListView(AnalyticsPages, kit.ListPageView):
    permission_required = "analytics.view_run"
    template_name = "analytics/run_list.html"
    selector = selectors.run_list_for
    filterset_class = RunFilter
    results_template_name = "analytics/partials/run_table.html"
    heading = gettext_lazy("Analytics runs")
    default_sort = DEFAULT_SORT
    # On a phone each run is a card: its number, kind, status and data; timings and counts on wider screens.
    table_class = "list-cards"
    columns = [
        ListColumn(gettext_lazy("Run")),
        ListColumn(gettext_lazy("Kind"), sort="kind", css_class="col-name"),
        ListColumn(gettext_lazy("Status")),
        ListColumn(gettext_lazy("Data")),
        ListColumn(gettext_lazy("Queued"), sort="queued", css_class="text-nowrap d-none d-md-table-cell"),
        ListColumn(gettext_lazy("Took"), css_class="text-end text-nowrap d-none d-md-table-cell"),
        ListColumn(gettext_lazy("Analysed"), css_class="text-end d-none d-md-table-cell"),
        ListColumn(gettext_lazy("Results"), css_class="text-end d-none d-md-table-cell"),
        ListColumn(gettext_lazy("Requested by"), css_class="d-none d-md-table-cell"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        for run in page.object_list if page is not None else []:
            run.filters_text = run_filters_text(run)
        context["run_kinds"] = _run_links(self.request.user)
        return context


def _run_links(user) -> list[dict[str, str]]:
    if not user.has_perm("analytics.run_analytics"):
        return []
    return [
        {"label": kind.label, "url": reverse("analytics:run-create", kwargs={"kind": kind_slug(kind)})}
        for kind in Run.Kind
    ]


class RunDetailView(RunObjectMixin, AnalyticsPages, kit.ObjectPageView):
    permission_required = "analytics.view_run"
    template_name = "analytics/run_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run, user = self.object, self.request.user
        labels = {param.name: param.label for param in params_for(run.kind)}
        context.update(
            filters_text=run_filters_text(run),
            parameters=[(labels.get(name, name), name, value) for name, value in run.params.items()],
            can_run=user.has_perm("analytics.run_analytics"),
            progress_url=reverse("analytics:run-progress", kwargs={"pk": run.pk}),
        )
        if run.status == Run.Status.SUCCEEDED:
            context.update(self.results(run))
        return context

    def results(self, run: Run) -> dict:
        quality = selectors.run_quality(run=run)
        if run.kind == Run.Kind.SEGMENTS:
            return {
                "quality": quality,
                "segments": selectors.run_segments(run=run),
                "silhouettes": list(run.silhouettes.order_by("k")),
            }
        if run.kind == Run.Kind.RULES:
            return {"quality": quality, "rules": selectors.run_rules(run=run)}
        if run.kind == Run.Kind.FORECAST:
            series = selectors.run_forecast_series(run=run)
            for each in series:
                each.forecast = selectors.run_forecast_points(
                    run=run, series=each.series, kind=ForecastPoint.Kind.FORECAST
                )
                each.backtest = selectors.run_forecast_points(
                    run=run, series=each.series, kind=ForecastPoint.Kind.BACKTEST
                )
            return {"series": series}
        return {
            "quality": quality,
            "calibration": list(run.calibration.order_by("position")),
            "scores": selectors.run_top_scores(run=run, user=self.request.user),
        }


class RunProgressView(kit.ScopedPageMixin, View):
    """The run's status and progress as JSON, for the progress bar."""

    permission_required = "analytics.view_run"

    def get(self, request, pk: int):
        run = selectors.run_get(pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": run.get_status_display(),
                "progress": 100 if run.is_finished else run.progress,
                "step": run.get_step_display(),
                "finished": run.is_finished,
                "error": run.error,
            }
        )


class RunCreateView(AnalyticsPages, kit.ScopedPageMixin, FormView):
    """Queue a run of the kind in the URL with the form's filters and parameters; then its page. A second click
    while the same run is queued or running goes to that run."""

    permission_required = "analytics.run_analytics"
    form_class = RunForm
    template_name = "analytics/run_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.kind = KIND_SLUGS.get(kwargs["kind"])
        if self.kind is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_heading(self) -> str:
        return _("Run now: %(kind)s") % {"kind": self.kind.label}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind, "user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("analytics:run-list"))
        kwargs.setdefault("kind", self.kind)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            run, created = run_create(
                kind=self.kind, by=self.request.user, params=form.param_values(), **form.filter_values()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error(None, _("You can only analyse the teams and people whose records you reach."))
            return self.form_invalid(form)
        if created:
            messages.success(self.request, _("%(run)s is queued.") % {"run": run})
        else:
            messages.info(self.request, _("The same run is already queued or running; here it is."))
        return redirect(run)


def _add_errors(form, exc: ValidationError) -> None:
    """The service's errors on the fields they name (parameters and filters), the others above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class RunAgainView(RunObjectMixin, kit.ScopedPageMixin, View):
    """Queue the same run again (POST only)."""

    permission_required = "analytics.run_analytics"
    pk_url_kwarg = "pk"

    def post(self, request, pk: int):
        previous = self.get_object()
        try:
            run, created = run_again(run=previous, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("You cannot run this again.")
            messages.error(request, text)
            return redirect(previous)
        if created:
            messages.success(request, _("%(run)s is queued.") % {"run": run})
        else:
            messages.info(request, _("The same run is already queued or running; here it is."))
        return redirect(run)
