"""The quotas page: a month, one row per salesperson whose quota the user sets (the members of a manager's teams;
everyone in sales for an administrator), and one submit that saves them all through sales.services.quotas."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from crm.kit import views as kit
from crm.timezones import month_start, next_month, previous_month
from sales.forms.quotas import QuotaMonthForm, QuotaRowFormSet
from sales.selectors.quotas import quota_reps_for, quotas_of_month, team_names_of
from sales.services.quotas import QuotaInput, quotas_set
from sales.views.base import SalesPages


class QuotaSetView(SalesPages, kit.ScopedPageMixin, FormView):
    permission_required = "sales.change_quota"
    template_name = "sales/quotas/quota_form.html"
    form_class = QuotaRowFormSet
    prefix = "rows"
    heading = gettext_lazy("Quotas")
    service_errors: list[str] = []

    @cached_property
    def month_form(self) -> QuotaMonthForm:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        return QuotaMonthForm({"month": source.get("month", "")} if source.get("month") else None)

    @cached_property
    def month(self):
        if self.month_form.is_bound and self.month_form.is_valid():
            return month_start(self.month_form.cleaned_data["month"])
        return month_start(timezone.localdate())

    @cached_property
    def people(self) -> list:
        return list(quota_reps_for(user=self.request.user))

    @cached_property
    def copying(self) -> bool:
        return self.request.method == "GET" and self.request.GET.get("copy") == "previous"

    def get_initial(self):
        ids = [person.pk for person in self.people]
        quotas = quotas_of_month(month=self.month, rep_ids=ids)
        earlier = quotas_of_month(month=previous_month(self.month), rep_ids=ids) if self.copying else {}
        rows = []
        for person in self.people:
            quota, before = quotas.get(person.pk), earlier.get(person.pk)
            shown = quota or before
            rows.append(
                {
                    "rep": person.pk,
                    "version": quota.version if quota else 0,
                    "amount": shown.amount if shown else None,
                    "currency": shown.currency if shown else "",
                }
            )
        return rows

    def post(self, request, *args, **kwargs):
        formset = self.get_form()
        posted = {
            request.POST.get(f"{formset.prefix}-{index}-rep", "")
            for index in range(min(formset.total_form_count(), formset.absolute_max))
        }
        if not posted <= {str(person.pk) for person in self.people}:
            # A salesperson outside the user's teams: refused whole, before anything is read or saved.
            raise PermissionDenied(_("You do not set the quotas of some of these people."))
        if not self.month_form.is_bound or not self.month_form.is_valid():
            return self.form_invalid(formset)
        return self.form_valid(formset) if formset.is_valid() else self.form_invalid(formset)

    def form_valid(self, form):
        rows = [
            QuotaInput(
                rep_id=row.cleaned_data["rep"],
                amount=row.cleaned_data.get("amount"),
                currency=row.cleaned_data.get("currency", ""),
                expected_version=row.cleaned_data.get("version"),
            )
            for row in form.forms
        ]
        try:
            changed = quotas_set(by=self.request.user, month=self.month, rows=rows)
        except ValidationError as exc:
            self.service_errors = exc.messages
            return self.form_invalid(form)
        month = date_format(self.month, get_format("YEAR_MONTH_FORMAT"))
        if changed:
            messages.success(self.request, _("The quotas for %(month)s were saved.") % {"month": month})
        else:
            messages.info(self.request, _("Nothing changed in the quotas for %(month)s.") % {"month": month})
        return redirect(self.month_url(self.month))

    def month_url(self, month, **extra) -> str:
        query = "&".join([f"month={month:%Y-%m}", *(f"{key}={value}" for key, value in extra.items())])
        return f"{reverse('sales:quotas')}?{query}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = context["form"]
        by_id = {person.pk: person for person in self.people}
        teams = team_names_of(rep_ids=list(by_id))
        rows = []
        for row in formset.forms:
            rep_id = row["rep"].value()
            person = by_id.get(int(rep_id)) if str(rep_id).isdigit() else None
            rows.append({"form": row, "person": person, "teams": teams.get(person.pk, []) if person else []})
        context.update(
            rows=rows,
            month=self.month,
            month_errors=self.month_form.errors.get("month", []) if self.month_form.is_bound else [],
            month_value=f"{self.month:%Y-%m}",
            previous_url=self.month_url(previous_month(self.month)),
            next_url=self.month_url(next_month(self.month)),
            copy_url=self.month_url(self.month, copy="previous"),
            previous_month=previous_month(self.month),
            copying=self.copying,
            service_errors=self.service_errors,
        )
        return context
