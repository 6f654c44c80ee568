"""Opportunity pages, the pipeline board and qualifying a lead. Records in the URL are looked up through the
user's reach (404 outside it); every write is one call to sales.services.opportunities."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import reach
from crm.kit import views as kit
from crm.kit.views import ListColumn
from customers.models import Customer
from customers.selectors import customer_timeline
from records.versioning import StaleVersionError
from sales.filters.pipeline import OpportunityFilter
from sales.forms.opportunities import BoardFilterForm, LeadQualifyForm, OpportunityForm, StageMoveForm
from sales.forms.quotes import LineAddForm
from sales.models import Opportunity, Stage
from sales.selectors import opportunities as selectors
from sales.selectors import quotes as quote_selectors
from sales.selectors.tasks import opportunity_tasks_summary
from sales.services import opportunities as services
from sales.views.base import SalesPages


class OpportunityPages(SalesPages):
    breadcrumb_root = (gettext_lazy("Opportunities"), "sales:opportunity-list")


class OpportunityRecordMixin(OpportunityPages):
    model = Opportunity

    def get_object_queryset(self):
        return Opportunity.objects.select_related("customer", "stage", "owner", "contact")


class OpportunityListView(OpportunityPages, kit.ListPageView):
    permission_required = "sales.view_opportunity"
    selector = selectors.opportunity_list_for
    filterset_class = OpportunityFilter
    results_template_name = "sales/opportunities/partials/opportunity_table.html"
    heading = gettext_lazy("Opportunities")
    default_sort = "close"
    # A page's keys from an index first, then its rows: for whole rows MariaDB walked the close-date index through
    # every closed opportunity to find one stage's first 25 (0.4 s at 200,000; the keys alone take 1 ms).
    keys_first = True
    columns = [
        ListColumn(gettext_lazy("Title"), sort="title"),
        ListColumn(gettext_lazy("Customer")),
        ListColumn(gettext_lazy("Stage"), sort="stage"),
        ListColumn(gettext_lazy("Amount"), sort="amount", css_class="text-end"),
        ListColumn(gettext_lazy("Probability"), css_class="text-end"),
        ListColumn(gettext_lazy("Expected close"), sort="close", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Owner")),
    ]
    export_url_name = "sales:opportunity-export"
    create_url_name = "sales:opportunity-create"
    create_permission = "sales.add_opportunity"
    create_label = gettext_lazy("New opportunity")


class OpportunityExportView(kit.CsvExportView):
    """Exactly the rows of the filtered list."""

    permission_required = "sales.view_opportunity"
    selector = selectors.opportunity_list_for
    filterset_class = OpportunityFilter
    filename_prefix = "opportunities"
    audit_label = gettext_lazy("Opportunity list")
    columns = [
        ("ID", "pk"),
        ("Title", "title"),
        ("Customer", "customer.name"),
        ("Stage", lambda o: o.stage.name),
        ("Amount", "amount"),
        ("Currency", "currency"),
        ("Probability", "probability"),
        ("Expected close date", "expected_close_date"),
        ("Owner", "owner.username"),
        ("Source", "source"),
        ("Lost reason", "lost_reason"),
        ("Next step", "next_step"),
        ("Created", "created_at"),
        ("Closed", "closed_at"),
    ]


class OpportunityAutocompleteView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Suggestions for picking an opportunity (what a task is about): those the user may change whose title or
    customer's name holds the text typed, open ones first."""

    permission_required = "sales.view_opportunity"

    def get(self, request):
        text = request.GET.get("q", "").strip()[:100]
        if len(text) < 2:
            return JsonResponse({"results": []})
        rows = (
            selectors.opportunity_scope(user=request.user, write=True)
            .filter(Q(title__icontains=text) | Q(customer__name__icontains=text))
            .select_related("customer", "stage")
            .order_by(F("closed_at").asc(nulls_first=True), "title", "id")[:15]
        )
        results = [
            {"id": row.pk, "text": row.title, "detail": f"{row.customer.name} · {row.stage.label}"} for row in rows
        ]
        return JsonResponse({"results": results})


class OpportunityDetailView(OpportunityRecordMixin, kit.ObjectPageView):
    permission_required = "sales.view_opportunity"
    template_name = "sales/opportunities/opportunity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity, user = self.object, self.request.user
        writable = reach.can_reach(opportunity, user=user, write=True)
        can_change = writable and user.has_perm("sales.change_opportunity")
        is_open = opportunity.stage.is_open
        lines = list(selectors.opportunity_lines(opportunity=opportunity))
        if user.has_perm("sales.view_task"):
            context["task_card"] = {
                **opportunity_tasks_summary(opportunity=opportunity, user=user),
                "can_add": writable and user.has_perm("sales.add_task"),
                "can_change": user.has_perm("sales.change_task"),
                "new_url": f"{reverse('sales:task-create')}?opportunity={opportunity.pk}"
                f"&next={opportunity.get_absolute_url()}",
                "all_url": f"{reverse('sales:task-list')}?opportunity={opportunity.pk}",
                "next": opportunity.get_absolute_url(),
            }
        can_see_customer = user.has_perm("customers.view_customer") and reach.can_reach(opportunity.customer, user=user)
        if can_see_customer:
            # The latest interactions with the opportunity's customer: what was said while the deal moved.
            interactions, _page, more = customer_timeline(customer=opportunity.customer, per_page=5)
            context["interactions"] = [entry.item for entry in interactions]
            context["more_interactions"] = more
            context["can_log_interaction"] = user.has_perm("customers.add_interaction") and reach.can_reach(
                opportunity.customer, user=user, write=True
            )
        context.update(
            stage_changes=selectors.opportunity_stage_changes(opportunity=opportunity),
            can_change=can_change,
            can_delete=writable and user.has_perm("sales.delete_opportunity"),
            can_see_customer=can_see_customer,
            lines=lines,
            line_totals=selectors.opportunity_line_totals(opportunity=opportunity) if lines else None,
            can_edit_lines=can_change and is_open,
            line_form=(LineAddForm(parent=opportunity) if can_change and is_open else None),
            quotes=quote_selectors.quotes_for_opportunity(opportunity=opportunity, user=user)
            if user.has_perm("sales.view_quote")
            else None,
            can_quote=is_open and writable and user.has_perm("sales.add_quote"),
            orders=selectors.opportunity_orders(opportunity=opportunity, user=user)
            if user.has_perm("sales.view_order")
            else None,
        )
        return context


class OpportunityFormMixin:
    form_class = OpportunityForm
    template_name = "sales/opportunities/opportunity_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class OpportunityCreateView(OpportunityFormMixin, OpportunityPages, kit.ObjectCreateView):
    permission_required = "sales.add_opportunity"
    service = services.opportunity_create
    heading = gettext_lazy("New opportunity")
    submit_label = gettext_lazy("Create opportunity")
    success_message = gettext_lazy("Opportunity “%(name)s” was created.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        customer_id = kit.query_int(self.request, "customer", min_value=1, max_value=2**63 - 1)
        if customer_id is not None:
            kwargs["customer"] = (
                reach.scope(Customer, user=self.request.user, write=True).filter(pk=customer_id).first()
            )
        return kwargs


def won_order_message(order) -> str:
    """What winning an opportunity with an accepted quote did."""
    return _("Order %(number)s was created from quote %(quote)s.") % {
        "number": order.number,
        "quote": order.quote.number,
    }


class OpportunityUpdateView(OpportunityFormMixin, OpportunityRecordMixin, kit.ObjectUpdateView):
    permission_required = "sales.change_opportunity"
    service = services.opportunity_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Opportunity “%(name)s” was updated.")

    def get_success_message(self):
        message = super().get_success_message()
        order = self.result.order_created
        return f"{message} {won_order_message(order)}" if order is not None else message

    def get_heading(self):
        return _("Edit %(name)s") % {"name": self.object.title}


class OpportunityDeleteView(OpportunityRecordMixin, kit.ObjectDeleteView):
    permission_required = "sales.delete_opportunity"
    service = services.opportunity_delete
    success_url_name = "sales:opportunity-list"
    success_message = gettext_lazy("Opportunity “%(name)s” was moved to the recycle bin.")


class OpportunityHistoryView(OpportunityRecordMixin, kit.HistoryPageView):
    permission_required = "sales.view_opportunity"

    @staticmethod
    def history_selector(*, opportunity, limit, offset):
        from records.selectors import record_history

        return record_history(obj=opportunity, limit=offset + limit)[offset:]

    @staticmethod
    def history_count_selector(*, opportunity):
        return opportunity.history.count()


# The board ----------------------------------------------------------------------------------------------------


def _board_filters(form: BoardFilterForm) -> dict:
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: form.cleaned_data.get(name) for name in ("owner", "team", "close_month")}


def _url_for(name: str):
    """A function giving the URL `name` for a pk, reversed once: reversing it card by card cost the board a sixth of
    its time."""
    marker = "987654321"
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


class PipelineBoardView(SalesPages, kit.ScopedPageMixin, TemplateView):
    """A column per open stage with its count and totals; cards move by drag and drop (static/js/pipeline.js)
    or, without JavaScript, by each card's "Move to" form."""

    permission_required = "sales.view_opportunity"
    template_name = "sales/opportunities/pipeline_board.html"
    heading = gettext_lazy("Pipeline")
    crumb = ""
    cards_per_column = selectors.BOARD_CARDS_PER_COLUMN

    def get_breadcrumbs(self):
        return []  # the app's first page: the trail starts here

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = BoardFilterForm(self.request.GET or None, user=user)
        filters = _board_filters(form)
        stages = list(Stage.objects.order_by("position", "id"))
        columns = selectors.pipeline_board(
            user=user, per_column=self.cards_per_column, stages=[s for s in stages if s.is_open], **filters
        )
        # Each card's "Move to" list, written once per stage rather than option by option on every card (a board
        # of 200 cards spent a third of its time there).
        options = {
            current.pk: format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((stage.pk, " selected" if stage.pk == current.pk else "", stage.label) for stage in stages),
            )
            for current in stages
        }
        page_url, move_url = _url_for("sales:opportunity-detail"), _url_for("sales:opportunity-move")
        for column in columns:
            for card in column.cards:
                card.move_options = options[card.stage_id]
                card.page_url, card.move_url = page_url(card.pk), move_url(card.pk)
        list_query = self.request.GET.copy()
        list_query.pop("team", None)  # the list filters by owner and month, not by team
        context.update(
            filter_form=form,
            show_people=reach.owner_ids(user, domain="sales") != [user.pk],
            columns=columns,
            stages=stages,
            can_move=user.has_perm("sales.change_opportunity"),
            board_query=self.request.GET.urlencode(),
            list_query=list_query.urlencode(),
        )
        return context


class OpportunityMoveView(OpportunityRecordMixin, kit.OwnedObjectMixin, View):
    """POST only: move the opportunity in the URL to another stage. A script (Accept: application/json) gets
    JSON: the new counts and totals of every column, or the error and whether a form must be filled instead;
    a plain form post goes back to the board with a message."""

    permission_required = "sales.change_opportunity"
    write = True

    def post(self, request, *args, **kwargs):
        self.get_object()  # outside the user's reach: 404 before the submission is read
        form = StageMoveForm(request.POST)
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def back(self):
        query = self.request.POST.get("board_query", "")
        return redirect(reverse("sales:pipeline") + (f"?{query}" if query and len(query) < 500 else ""))

    def refuse(self, message: str, *, needs_form: bool = False, status: int = 400):
        if self.wants_json():
            return JsonResponse(
                {
                    "ok": False,
                    "error": message,
                    "form_url": reverse("sales:opportunity-update", args=[self.object.pk]) if needs_form else "",
                },
                status=status,
            )
        messages.error(self.request, message)
        if needs_form:
            return redirect("sales:opportunity-update", pk=self.object.pk)
        return self.back()

    def form_invalid(self, form):
        return self.refuse(" ".join(e for errors in form.errors.values() for e in errors))

    def form_valid(self, form):
        opportunity, stage = self.object, form.cleaned_data["stage"]
        fields = {}
        if form.cleaned_data.get("lost_reason"):
            fields["lost_reason"] = form.cleaned_data["lost_reason"]
        try:
            opportunity = services.opportunity_move_stage(
                opportunity=copy(opportunity),
                to_stage=stage,
                by=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                **fields,
            )
        except StaleVersionError:
            return self.refuse(
                _("Someone else changed this opportunity after the board was loaded. Reload the board and try again."),
                status=409,
            )
        except ValidationError as exc:
            needs_form = "lost_reason" in getattr(exc, "error_dict", {})
            return self.refuse(" ".join(exc.messages), needs_form=needs_form)
        message = _("“%(name)s” moved to %(stage)s.") % {"name": opportunity.title, "stage": stage.label}
        order = opportunity.order_created
        if order is not None:
            message = f"{message} {won_order_message(order)}"
        if self.wants_json():
            board = BoardFilterForm(self.request.POST, user=self.request.user)
            columns = selectors.pipeline_board(user=self.request.user, per_column=0, **_board_filters(board))
            return JsonResponse(
                {
                    "ok": True,
                    "message": message,
                    "version": opportunity.version,
                    "probability": opportunity.probability,
                    "order_url": order.get_absolute_url() if order is not None else "",
                    "order_label": _("Open the order") if order is not None else "",
                    "columns": [
                        {
                            "stage": column.stage.pk,
                            "count": column.count,
                            "totals_html": render_to_string(
                                "sales/opportunities/partials/column_totals.html", {"column": column}
                            ),
                        }
                        for column in columns
                    ],
                }
            )
        messages.success(self.request, message)
        return self.back()


# Qualifying a lead --------------------------------------------------------------------------------------------


class LeadQualifyView(OpportunityPages, kit.ParentMixin, FormView):
    """Turn a lead into a prospect with its first opportunity (sales.services.opportunities.lead_qualify)."""

    permission_required = ("customers.change_customer", "sales.add_opportunity")
    parent_model = Customer
    form_class = LeadQualifyForm
    template_name = "kit/form.html"
    heading = gettext_lazy("Qualify lead")

    def get_initial(self):
        return {"title": self.parent.name}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submit_label", _("Qualify and open opportunity"))
        kwargs.setdefault("cancel_url", self.parent.get_absolute_url())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            opportunity = services.lead_qualify(customer=self.parent, by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(customer)s is now a prospect, with the opportunity “%(name)s”.")
            % {"customer": self.parent.name, "name": opportunity.title},
        )
        return redirect(opportunity)
