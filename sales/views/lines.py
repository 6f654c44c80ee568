"""The line items of opportunities and of quotes: add (the record's page has the form; this page shows it again
with its errors), change a line's quantity and discount, remove a line (POST only). The record in the URL is
reached for writing (404 otherwise), each line only under its own record, and every change is one call to the
record's service, with the version of the record the page showed."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.kit import views as kit
from crm.querystring import query_int
from records.versioning import StaleVersionError
from sales.forms.quotes import LineAddForm, LineEditForm
from sales.models import Opportunity, OpportunityLine, Quote, QuoteLine
from sales.services import opportunities as opportunity_services
from sales.services import quotes as quote_services
from sales.views.base import SalesPages


class OpportunityLinePages(SalesPages):
    breadcrumb_root = (gettext_lazy("Opportunities"), "sales:opportunity-list")
    permission_required = "sales.change_opportunity"
    parent_model = Opportunity
    parent_name = "opportunity"
    model = OpportunityLine
    pk_url_kwarg, parent_field = "line_pk", "opportunity"


class QuoteLinePages(SalesPages):
    breadcrumb_root = (gettext_lazy("Quotes"), "sales:quote-list")
    permission_required = "sales.change_quote"
    parent_model = Quote
    parent_name = "quote"
    model = QuoteLine
    pk_url_kwarg, parent_field = "line_pk", "quote"

    def get(self, request, *args, **kwargs):
        if not self.parent.is_draft:
            messages.info(
                request,
                _("Only a draft quote can be changed; this one is %(status)s.")
                % {"status": self.parent.get_status_display().lower()},
            )
            return redirect(self.parent)
        return super().get(request, *args, **kwargs)


class LineCreateMixin:
    form_class = LineAddForm
    heading = gettext_lazy("Add a line item")
    submit_label = gettext_lazy("Add line")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.parent}

    def get_service_kwargs(self, form):
        return {self.parent_name: self.parent, "by": self.request.user, **self.versioned_fields(form)}

    def get_success_message(self):
        return _("%(product)s was added.") % {"product": self.result.product.name}

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#lines-heading"


class LineUpdateMixin:
    form_class = LineEditForm
    submit_label = gettext_lazy("Save line")

    def get_object_queryset(self):
        return super().get_object_queryset().select_related("product")

    def get_heading(self):
        return _("Change line: %(product)s") % {"product": self.object.product.name}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "parent": self.parent, "line": self.object}

    def get_service_kwargs(self, form):
        return {"line": copy(self.object), "by": self.request.user, **self.versioned_fields(form)}

    def get_success_message(self):
        return _("The line for %(product)s was changed.") % {"product": self.object.product.name}

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#lines-heading"


class LineRemoveMixin(kit.ChildObjectMixin, View):
    """POST only: take the line in the URL off its record, with the record's version the page showed."""

    http_method_names = ["post"]
    remove = None

    def post(self, request, *args, **kwargs):
        line = self.object
        name = line.product.name
        version = query_int(request.POST, "version", min_value=1, max_value=2**31)
        try:
            type(self).remove(line=line, by=request.user, expected_version=version)
        except StaleVersionError:
            messages.error(request, _("Someone else changed this record after you opened it. Check it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(product)s was removed.") % {"product": name})
        return redirect(f"{self.parent.get_absolute_url()}#lines-heading")


class OpportunityLineCreateView(LineCreateMixin, OpportunityLinePages, kit.ChildCreateView):
    service = opportunity_services.opportunity_line_add


class OpportunityLineUpdateView(LineUpdateMixin, OpportunityLinePages, kit.ChildUpdateView):
    service = opportunity_services.opportunity_line_update


class OpportunityLineRemoveView(OpportunityLinePages, LineRemoveMixin):
    remove = opportunity_services.opportunity_line_remove


class QuoteLineCreateView(LineCreateMixin, QuoteLinePages, kit.ChildCreateView):
    service = quote_services.quote_line_add


class QuoteLineUpdateView(LineUpdateMixin, QuoteLinePages, kit.ChildUpdateView):
    service = quote_services.quote_line_update


class QuoteLineRemoveView(QuoteLinePages, LineRemoveMixin):
    remove = quote_services.quote_line_remove
