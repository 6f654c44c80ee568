"""Quote pages, built on the page kit (crm/kit): the list and its export, the quote page with its lines and status
actions, the printable quote, and the forms. Every quote in the URL is looked up through the user's reach (a quote
is reached as its opportunity is), so another owner's quote answers 404; every change goes through
sales.services.quotes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import reach
from crm.kit import views as kit
from crm.kit.export import ExportColumn
from crm.kit.views import ListColumn
from crm.querystring import query_int
from records.selectors import record_history
from records.versioning import StaleVersionError
from sales.filters.quotes import DEFAULT_SORT, QuoteFilter
from sales.forms.quotes import LineAddForm, QuoteForm
from sales.models import Opportunity, Quote
from sales.selectors import quotes as selectors
from sales.services import quotes as services
from sales.views.base import SalesPages


class QuotePages(SalesPages):
    """What every quote page shares: the sales layout and sub-navigation, and the quotes as first breadcrumb."""

    breadcrumb_root = (gettext_lazy("Quotes"), "sales:quote-list")


class QuoteRecordMixin(QuotePages):
    model = Quote

    def get_object(self):
        return selectors.quote_get_for(user=self.request.user, pk=self.kwargs[self.pk_url_kwarg], write=self.write)


class QuoteListView(QuotePages, kit.ListPageView):
    permission_required = "sales.view_quote"
    selector = selectors.quote_list_for
    filterset_class = QuoteFilter
    results_template_name = "sales/quotes/partials/quote_table.html"
    heading = gettext_lazy("Quotes")
    default_sort = DEFAULT_SORT
    columns = [
        ListColumn(gettext_lazy("Number"), sort="number"),
        ListColumn(gettext_lazy("Customer")),
        ListColumn(gettext_lazy("Opportunity")),
        ListColumn(gettext_lazy("Status")),
        ListColumn(gettext_lazy("Created"), sort="created", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Valid until"), sort="valid", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Owner")),
        ListColumn(gettext_lazy("Total"), sort="total", css_class="text-end"),
    ]
    export_url_name = "sales:quote-export"

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = selectors.attach_totals(list(rows))
        return paginator, page, page.object_list, is_paginated


def _money(value) -> str:
    return f"{value:.2f}"


class QuoteExportView(kit.CsvExportView):
    """Exactly the rows of the filtered list (the list's selector and filters), with their totals."""

    permission_required = "sales.view_quote"
    selector = selectors.quote_list_for
    filterset_class = QuoteFilter
    filename_prefix = "quotes"
    audit_label = gettext_lazy("Quote list")
    columns = [
        ("Number", "number"),
        ("Status", "status"),
        ("Created", "created_at"),
        ("Valid until", "valid_until"),
        ("Sent", "sent_at"),
        ("Accepted or declined", "decided_at"),
        ("Customer ID", "opportunity.customer_id"),
        ("Customer", "opportunity.customer.name"),
        ("Opportunity ID", "opportunity_id"),
        ("Opportunity", "opportunity.title"),
        ("Owner", "opportunity.owner.username"),
        ("Lines", "line_count"),
        ExportColumn("Subtotal", lambda quote: _money(quote.subtotal)),
        ExportColumn("Discount", lambda quote: _money(quote.discount_total)),
        ExportColumn("Net", lambda quote: _money(quote.net_total)),
        ("Tax rate (%)", "tax_rate_percent"),
        ExportColumn("Tax", lambda quote: _money(quote.tax_total)),
        ExportColumn("Total", lambda quote: _money(quote.total)),
        ("Currency", "currency"),
    ]

    def get_queryset(self):
        return selectors.with_totals(super().get_queryset())


class QuoteDetailView(QuoteRecordMixin, kit.ObjectPageView):
    permission_required = "sales.view_quote"
    template_name = "sales/quotes/quote_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quote, user = self.object, self.request.user
        writable = reach.can_reach(quote, user=user, write=True)
        can_change = writable and user.has_perm("sales.change_quote")
        allowed = services.allowed_transitions(quote) if can_change else set()
        actions = [
            (url_name, label, style)
            for status, url_name, label, style in (
                (Quote.Status.SENT, "sales:quote-send", _("Mark sent"), "btn-primary"),
                (Quote.Status.ACCEPTED, "sales:quote-accept", _("Customer accepted"), "btn-success"),
                (Quote.Status.DECLINED, "sales:quote-decline", _("Customer declined"), "btn-outline-danger"),
                (Quote.Status.DRAFT, "sales:quote-revise", _("Back to draft"), "btn-outline-secondary"),
            )
            if status in allowed
        ]
        can_edit = can_change and quote.is_draft
        orders = selectors.quote_orders(quote=quote, user=user) if quote.status == Quote.Status.ACCEPTED else []
        context.update(
            lines=list(selectors.quote_lines(quote=quote)),
            line_form=kwargs.get("line_form") or (LineAddForm(parent=quote) if can_edit else None),
            actions=actions,
            can_edit=can_edit,
            can_delete=writable and user.has_perm("sales.delete_quote") and quote.status != Quote.Status.ACCEPTED,
            can_see_customer=user.has_perm("customers.view_customer")
            and reach.can_reach(quote.opportunity.customer, user=user),
            orders=orders,
            awaiting_win=quote.status == Quote.Status.ACCEPTED and not orders,
            history=record_history(obj=quote, limit=10),
        )
        return context


class QuotePrintView(QuoteRecordMixin, kit.ObjectPageView):
    """The quote as the customer reads it: seller and customer, lines, totals and terms, laid out for A4 paper
    (static/css/quote-print.css hides everything else when printed)."""

    permission_required = "sales.view_quote"
    template_name = "sales/quotes/quote_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            lines=list(selectors.quote_lines(quote=self.object)),
            seller_name=settings.CRM_SELLER_NAME,
            seller_lines=[line.strip() for line in settings.CRM_SELLER_DETAILS.split("|") if line.strip()],
        )
        return context


class QuoteCreateView(QuotePages, kit.ChildCreateView):
    """A quote of the opportunity in the URL, with a copy of its lines."""

    permission_required = "sales.add_quote"
    parent_model = Opportunity
    form_class = QuoteForm
    service = services.quote_create
    heading = gettext_lazy("New quote")
    submit_label = gettext_lazy("Create draft quote")
    success_message = gettext_lazy("Quote %(name)s was created as a draft.")

    template_name = "sales/quotes/quote_form.html"
    breadcrumb_root = (gettext_lazy("Opportunities"), "sales:opportunity-list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("line_count", self.parent.lines.count())
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return self.result.get_absolute_url()


class QuoteUpdateView(QuoteRecordMixin, kit.ObjectUpdateView):
    permission_required = "sales.change_quote"
    form_class = QuoteForm
    service = services.quote_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Quote %(name)s was updated.")

    def get_heading(self):
        return _("Edit quote %(number)s") % {"number": self.object.number}

    def get(self, request, *args, **kwargs):
        if not self.object.is_draft:
            messages.info(
                request,
                _("Only a draft quote can be changed; this one is %(status)s.")
                % {"status": self.object.get_status_display().lower()},
            )
            return redirect(self.object)
        return super().get(request, *args, **kwargs)


class QuoteDeleteView(QuoteRecordMixin, kit.ObjectDeleteView):
    permission_required = "sales.delete_quote"
    service = services.quote_delete
    submit_label = gettext_lazy("Delete quote")
    success_message = gettext_lazy("Quote “%(name)s” was moved to the recycle bin.")

    def get_success_url(self):
        return self.object.opportunity.get_absolute_url()


class QuoteHistoryView(QuoteRecordMixin, kit.HistoryPageView):
    permission_required = "sales.view_quote"

    @staticmethod
    def history_selector(*, quote, limit, offset):
        return record_history(obj=quote, limit=offset + limit)[offset:]

    @staticmethod
    def history_count_selector(*, quote):
        return quote.history.count()


class QuoteActionView(QuoteRecordMixin, kit.OwnedObjectMixin, View):
    """One status change (POST only): calls its service with the version the page showed, then back to the quote
    page with what happened (or why not)."""

    permission_required = "sales.change_quote"
    http_method_names = ["post"]
    write = True
    service = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        quote = self.object
        version = query_int(request.POST, "version", min_value=1, max_value=2**31)
        try:
            result = type(self).service(quote=quote, by=request.user, expected_version=version)
        except StaleVersionError:
            messages.error(request, _("Someone else changed this quote after you opened it. Check it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.success_message) % {"name": quote.number})
            declined = getattr(result, "declined_numbers", [])
            if declined:
                messages.info(
                    request,
                    _("The opportunity's other offers were declined: %(numbers)s.") % {"numbers": ", ".join(declined)},
                )
        return redirect(quote)


class QuoteSendView(QuoteActionView):
    service = services.quote_send
    success_message = gettext_lazy("%(name)s was marked sent.")


class QuoteAcceptView(QuoteActionView):
    service = services.quote_accept
    success_message = gettext_lazy("%(name)s was accepted. Win the opportunity to turn it into an order.")


class QuoteDeclineView(QuoteActionView):
    service = services.quote_decline
    success_message = gettext_lazy("%(name)s was declined.")


class QuoteReviseView(QuoteActionView):
    service = services.quote_revise
    success_message = gettext_lazy("%(name)s is a draft again: change it, then send it again.")
