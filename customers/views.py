"""Customer pages, built on the page kit (crm/kit): each view declares its permission, form, the service or
selector it calls and its headings; the kit looks every record in the URL up through the user's reach, so another
owner's record answers 404, and renders the shared templates inside templates/customers/layout.html."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts import reach
from crm.kit import views as kit
from crm.kit.views import ListColumn, NavLink
from crm.querystring import query_int
from customers import bulk, privacy, selectors, services
from customers.filters import CustomerFilter
from customers.forms import ContactForm, CustomerBulkForm, CustomerForm, InteractionForm, RelationshipForm
from customers.models import Contact, Customer, Interaction, Relationship


class CustomerPages(kit.PageMixin):
    """What every customer page shares: the layout, its sub-navigation and the first breadcrumb."""

    layout_template = "customers/layout.html"
    breadcrumb_root = (gettext_lazy("Customers"), "customers:customer-list")
    nav_links = [
        NavLink(gettext_lazy("Customers"), "customers:customer-list", "customers.view_customer"),
        NavLink(gettext_lazy("New customer"), "customers:customer-create", "customers.add_customer"),
    ]


class CustomerRecordMixin(CustomerPages):
    """Pages about the customer in the URL; the owner is shown, so it is read in the same query."""

    model = Customer

    def get_object_queryset(self):
        return Customer.objects.select_related("owner")


class CustomerListView(CustomerPages, kit.ListPageView):
    permission_required = "customers.view_customer"
    selector = selectors.customer_list_for
    filterset_class = CustomerFilter
    results_template_name = "customers/partials/customer_table.html"
    heading = gettext_lazy("Customers")
    default_sort = "name"
    table_class = "customer-table list-cards"
    columns = [
        ListColumn(gettext_lazy("Name"), sort="name"),
        ListColumn(gettext_lazy("Email")),
        ListColumn(gettext_lazy("Phone")),
        ListColumn(gettext_lazy("Location"), sort="country"),
        ListColumn(gettext_lazy("Tier"), sort="tier"),
        ListColumn(gettext_lazy("Stage"), sort="stage"),
        ListColumn(gettext_lazy("Owner"), sort="owner"),
        ListColumn(gettext_lazy("Last contacted"), sort="last_contacted", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Score"), css_class="text-end", name="score"),
        ListColumn(gettext_lazy("Tags"), css_class="col-tags"),
        ListColumn(gettext_lazy("Updated"), sort="updated", css_class="text-nowrap"),
    ]
    export_url_name = "customers:customer-export"
    create_url_name = "customers:customer-create"
    create_permission = "customers.add_customer"
    create_label = gettext_lazy("New customer")
    bulk_url_name = "customers:customer-bulk"
    bulk_permission = "customers.change_customer"
    bulk_template_name = "customers/partials/customer_bulk_bar.html"

    def get_bulk_form(self):
        # The owners and tags the filter bar has read; ids apart from the filter bar's.
        filters = self.filterset.filters
        owners = (
            filters["owner"].extra["choices"]
            if "owner" in filters
            else [(self.request.user.pk, str(self.request.user.get_full_name() or self.request.user.username))]
        )
        return CustomerBulkForm(
            user=self.request.user,
            owner_choices=owners,
            tag_choices=sorted(filters["tag"].extra["choices"], key=lambda choice: choice[1].casefold()),
            auto_id="bulk_%s",
        )

    @staticmethod
    def shows_score(rows) -> bool:
        # Analytics fill the score; until they have, no customer has one. Asked of the page's rows, not the
        # table: "does any customer have a score" would read every customer, as the score has no index.
        return any(row.score is not None for row in rows)

    def get_columns(self, rows):
        columns = super().get_columns(rows)
        return columns if self.shows_score(rows) else [c for c in columns if c.name != "score"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        context["show_score"] = self.shows_score(page.object_list if page is not None else [])
        return context


class CustomerExportView(kit.CsvExportView):
    """Exactly the rows of the filtered list (the list's selector and filters)."""

    permission_required = "customers.view_customer"
    selector = selectors.customer_list_for
    filterset_class = CustomerFilter
    filename_prefix = "customers"
    columns = [
        ("ID", "pk"),
        ("Name", "name"),
        ("Type", "kind"),
        ("Email", "email"),
        ("Phone", "phone"),
        ("Address", "address"),
        ("City", "city"),
        ("Country", "country.code"),
        ("Industry", "industry"),
        ("Source", "source"),
        ("Tier", "tier"),
        ("Lifecycle stage", "lifecycle_stage"),
        ("Score", "score"),
        ("Owner", "owner_username"),
        ("Tags", lambda customer: "; ".join(t.name for t in customer.tags.all())),
        ("Created", "created_at"),
        ("Updated", "updated_at"),
        ("Last contacted", "last_contacted_at"),
    ]

    audit_label = gettext_lazy("Customer list")


class CustomerDetailView(CustomerRecordMixin, kit.ObjectPageView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, user = self.object, self.request.user
        page = query_int(self.request.GET, "page", default=1, min_value=1, max_value=999_999)
        timeline, page, has_older = selectors.customer_timeline(customer=customer, user=user, page=page)
        context.update(
            tags=list(customer.tags.all()),
            contacts=list(customer.contacts.all()),
            relationships=selectors.customer_relationships(customer=customer, user=user),
            timeline=timeline,
            timeline_page=page,
            timeline_older=page + 1 if has_older else None,
            timeline_newer=page - 1 if page > 1 else None,
            history=selectors.customer_history(customer=customer, limit=10),
            interaction_form=kwargs.get("interaction_form") or InteractionForm(),
            can_change=user.has_perm("customers.change_customer") and reach.can_reach(customer, user=user, write=True),
            can_delete=user.has_perm("customers.delete_customer") and reach.can_reach(customer, user=user, write=True),
            can_erase=user.has_perm(privacy.ERASE_PERMISSION),
            can_log=user.has_perm("customers.add_interaction"),
        )
        # Qualifying a lead opens its first opportunity (sales:lead-qualify): the customer must be a lead the user
        # may change, and the user must be allowed to open opportunities.
        context["can_qualify"] = (
            customer.lifecycle_stage == Customer.Stage.LEAD
            and context["can_change"]
            and user.has_perm("sales.add_opportunity")
        )
        return context


class CustomerHistoryView(CustomerRecordMixin, kit.HistoryPageView):
    permission_required = "customers.view_customer"
    history_selector = selectors.customer_history
    history_count_selector = selectors.customer_history_count


class CustomerCreateView(CustomerPages, kit.ObjectCreateView):
    permission_required = "customers.add_customer"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"
    service = services.customer_create
    heading = gettext_lazy("New customer")
    submit_label = gettext_lazy("Create customer")
    success_message = gettext_lazy("Customer “%(name)s” was created.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_service_kwargs(self, form):
        kwargs = super().get_service_kwargs(form)
        kwargs["allow_duplicate"] = kwargs.pop("confirm_duplicate")
        return kwargs

    def service_refused(self, form, exc):
        if not isinstance(exc, services.DuplicateCustomerError):
            return super().service_refused(form, exc)
        form.add_error(None, exc)
        form.show_duplicate_confirmation()
        return self.render_to_response(
            self.get_context_data(form=form, duplicates=exc.visible, hidden_duplicates_notice=exc.hidden_notice)
        )


class CustomerUpdateView(CustomerRecordMixin, kit.ObjectUpdateView):
    permission_required = "customers.change_customer"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"
    service = services.customer_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Customer “%(name)s” was updated.")

    def get_heading(self):
        return _("Edit %(name)s") % {"name": self.object.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_service_kwargs(self, form):
        kwargs = super().get_service_kwargs(form)
        kwargs.pop("confirm_duplicate")
        return kwargs


class CustomerDeleteView(CustomerRecordMixin, kit.ObjectDeleteView):
    permission_required = "customers.delete_customer"
    template_name = "customers/customer_confirm_delete.html"
    service = services.customer_delete
    submit_label = gettext_lazy("Delete customer")
    success_message = gettext_lazy("Customer “%(name)s” was moved to the recycle bin.")

    def get_title(self):
        return _("Delete %(name)s") % {"name": self.object.name}

    def get_heading(self):
        return _("Delete %(name)s?") % {"name": self.object.name}


class CustomerAutocompleteView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Suggestions for picking a customer (e.g. a relationship's other side), from the user's scope only."""

    permission_required = "customers.view_customer"

    def get(self, request):
        text = request.GET.get("q", "").strip()
        if len(text) < 2:
            return JsonResponse({"results": []})
        customers = selectors.customer_search(selectors.customer_scope(user=request.user), text)
        exclude = query_int(request.GET, "exclude", min_value=1, max_value=2**63 - 1)  # a BIGINT key
        if exclude is not None:
            customers = customers.exclude(pk=exclude)
        results = [
            {"id": pk, "text": name, "city": city}
            for pk, name, city in customers.order_by("name", "id").values_list("pk", "name", "city")[:15]
        ]
        return JsonResponse({"results": results})


# Things that belong to a customer -------------------------------------------------------------------------------


class CustomerObjectMixin(CustomerPages, kit.ParentMixin):
    """Pages under the customer in the URL: they change it or what hangs off it, so it is reached for writing."""

    parent_model = Customer

    @property
    def customer(self) -> Customer:
        return self.parent


class ContactCreateView(CustomerObjectMixin, kit.ChildCreateView):
    permission_required = "customers.add_contact"
    form_class = ContactForm
    service = services.contact_create
    heading = gettext_lazy("Add contact")
    success_message = gettext_lazy("Contact “%(name)s” was added.")


class ContactUpdateView(CustomerObjectMixin, kit.ChildUpdateView):
    permission_required = "customers.change_contact"
    model, pk_url_kwarg, parent_field = Contact, "contact_pk", "customer"
    form_class = ContactForm
    service = services.contact_update
    heading = gettext_lazy("Edit contact")
    success_message = gettext_lazy("Contact “%(name)s” was updated.")


class ContactDeleteView(CustomerObjectMixin, kit.ChildDeleteView):
    permission_required = "customers.delete_contact"
    model, pk_url_kwarg, parent_field = Contact, "contact_pk", "customer"
    service = services.contact_delete


class InteractionCreateView(CustomerObjectMixin, kit.ChildCreateView):
    """The full interaction form; the customer page posts its quick form here too (with `quick_log`), and a
    rejected quick form is shown again on the customer page, with its errors and what was typed."""

    permission_required = "customers.add_interaction"
    form_class = InteractionForm
    service = services.interaction_log
    heading = gettext_lazy("Log an interaction")
    success_message = gettext_lazy("The interaction was logged.")

    def form_invalid(self, form):
        if not self.request.POST.get("quick_log"):
            return super().form_invalid(form)
        page = CustomerDetailView()
        page.setup(self.request, pk=self.customer.pk)
        if not page.has_permission():
            return super().form_invalid(form)
        context = page.get_context_data(interaction_form=form)
        # The timeline's page links are relative to the page's address, which is this form's here, not the
        # customer page's: the first page of the timeline is shown without them.
        context.update(timeline_older=None, timeline_newer=None)
        return page.render_to_response(context)


class InteractionUpdateView(CustomerObjectMixin, kit.ChildUpdateView):
    """Correct a logged interaction; who logged it stays, and the change is kept in its history."""

    permission_required = "customers.change_interaction"
    model, pk_url_kwarg, parent_field = Interaction, "interaction_pk", "customer"
    form_class = InteractionForm
    service = services.interaction_update
    heading = gettext_lazy("Edit interaction")
    success_message = gettext_lazy("The interaction was updated.")


class InteractionDeleteView(CustomerObjectMixin, kit.ChildDeleteView):
    permission_required = "customers.delete_interaction"
    model, pk_url_kwarg, parent_field = Interaction, "interaction_pk", "customer"
    service = services.interaction_delete


class RelationshipFormMixin:
    """The relationship form offers, as the other side, only customers the user may change."""

    form_class = RelationshipForm
    template_name = "customers/relationship_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "customer": self.parent}


class RelationshipCreateView(RelationshipFormMixin, CustomerObjectMixin, kit.ChildCreateView):
    permission_required = "customers.add_relationship"
    service = services.relationship_create
    heading = gettext_lazy("Add relationship")
    success_message = gettext_lazy("The relationship was added.")


class RelationshipUpdateView(RelationshipFormMixin, CustomerObjectMixin, kit.ChildUpdateView):
    permission_required = "customers.change_relationship"
    # A relationship belongs to both its customers, and is reached when both of them are.
    model, pk_url_kwarg, parent_field = Relationship, "relationship_pk", ("from_customer", "to_customer")
    service = services.relationship_update
    heading = gettext_lazy("Edit relationship")
    success_message = gettext_lazy("The relationship was updated.")


class RelationshipDeleteView(CustomerObjectMixin, kit.ChildDeleteView):
    permission_required = "customers.delete_relationship"
    model, pk_url_kwarg, parent_field = Relationship, "relationship_pk", ("from_customer", "to_customer")
    service = services.relationship_delete


# Privacy requests ------------------------------------------------------------------------------------------------


def _json_attachment(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class CustomerPersonalDataView(CustomerObjectMixin, View):
    """Everything held about a person customer, as one JSON file (for a subject access request)."""

    permission_required = "customers.change_customer"

    def get(self, request, pk):
        body = privacy.customer_personal_data(customer=self.customer, by=request.user)
        return _json_attachment(body, f"customer-{self.customer.pk}-personal-data.json")


class CustomerEraseView(CustomerObjectMixin, TemplateView):
    permission_required = privacy.ERASE_PERMISSION
    template_name = "customers/customer_confirm_erase.html"

    def post(self, request, *args, **kwargs):
        try:
            privacy.customer_erase(customer=self.customer, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The person's personal data was erased."))
        return redirect(self.customer)


class ContactPersonalDataView(CustomerObjectMixin, View):
    permission_required = "customers.change_contact"

    def get(self, request, pk, contact_pk):
        contact = selectors.contact_get_for(user=request.user, customer=self.customer, pk=contact_pk, write=True)
        body = privacy.contact_personal_data(contact=contact, by=request.user)
        return _json_attachment(body, f"contact-{contact.pk}-personal-data.json")


class ContactEraseView(CustomerObjectMixin, kit.ChildDeleteView):
    permission_required = privacy.ERASE_PERMISSION
    model, pk_url_kwarg, parent_field = Contact, "contact_pk", "customer"
    template_name = "customers/contact_confirm_erase.html"

    def post(self, request, *args, **kwargs):
        privacy.contact_erase(contact=self.object, by=request.user)
        messages.success(request, _("The contact's personal data was erased."))
        return redirect(self.customer)


class CustomerBulkView(CustomerPages, LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A bulk change from the list (POST only): the ticked rows, or every row of the list's filter after a
    confirmation that says how many. Rows outside the user's reach refuse the whole change; the user goes back
    to the list as they left it, with a message saying what changed."""

    permission_required = "customers.change_customer"
    http_method_names = ["post"]
    template_name = "customers/customer_bulk_confirm.html"
    heading = gettext_lazy("Confirm the bulk change")

    def post(self, request, *args, **kwargs):
        form = CustomerBulkForm(request.POST, user=request.user)
        list_url = reverse("customers:customer-list")
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect(_list_url_with(list_url, request.POST.get("query", "")))
        data = form.cleaned_data
        back = _list_url_with(list_url, data["query"])
        if data["scope"] == form.SCOPE_FILTER:
            filterset = CustomerFilter(
                QueryDict(data["query"]), queryset=selectors.customer_list_for(user=request.user), request=request
            )
            if not filterset.is_valid():
                messages.error(request, _("The list's filters are not valid; correct them and try again."))
                return redirect(back)
            if data["action"] == form.EXPORT:
                return redirect(_list_url_with(reverse("customers:customer-export"), data["query"]))
            ids = list(filterset.qs.values_list("pk", flat=True)[: bulk.bulk_limit() + 1])
            if not data["confirm"]:
                return self.render_to_response(
                    self.get_context_data(form=form, count=len(ids), over_limit=len(ids) > bulk.bulk_limit(), back=back)
                )
        else:
            ids = data["id"]
            if data["action"] == form.EXPORT:
                query = QueryDict(data["query"], mutable=True)
                query.setlist("id", [str(pk) for pk in ids])
                return redirect(_list_url_with(reverse("customers:customer-export"), query.urlencode()))
        try:
            result = bulk.customer_bulk_change(
                by=request.user, customer_ids=ids, action=data["action"], value=form.value()
            )
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        except ValidationError as refused:
            for error in refused.messages:
                messages.error(request, error)
        else:
            messages.success(request, _bulk_message(data["action"], form.value_label(), result))
        return redirect(back)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs["form"]
        context["summary"] = _bulk_summary(form.cleaned_data["action"], form.value_label(), kwargs["count"])
        context["limit"] = bulk.bulk_limit()
        return context


def _list_url_with(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _bulk_summary(action: str, value: str, count: int) -> str:
    """What the confirmation asks, e.g. "Reassign 1,234 customers to Tom Mate"."""
    params = {"count": intcomma(count), "value": value}
    texts = {
        bulk.BulkAction.REASSIGN: ngettext(
            "Reassign %(count)s customer to %(value)s?", "Reassign %(count)s customers to %(value)s?", count
        ),
        bulk.BulkAction.TAG: ngettext(
            "Add the tag “%(value)s” to %(count)s customer?", "Add the tag “%(value)s” to %(count)s customers?", count
        ),
        bulk.BulkAction.UNTAG: ngettext(
            "Remove the tag “%(value)s” from %(count)s customer?",
            "Remove the tag “%(value)s” from %(count)s customers?",
            count,
        ),
        bulk.BulkAction.STAGE: ngettext(
            "Move %(count)s customer to the stage %(value)s?", "Move %(count)s customers to the stage %(value)s?", count
        ),
    }
    return texts[action] % params


def _bulk_message(action: str, value: str, result: bulk.BulkResult) -> str:
    params = {"changed": intcomma(result.changed), "value": value}
    texts = {
        bulk.BulkAction.REASSIGN: ngettext(
            "%(changed)s customer reassigned to %(value)s.",
            "%(changed)s customers reassigned to %(value)s.",
            result.changed,
        ),
        bulk.BulkAction.TAG: ngettext(
            "Tag “%(value)s” added to %(changed)s customer.",
            "Tag “%(value)s” added to %(changed)s customers.",
            result.changed,
        ),
        bulk.BulkAction.UNTAG: ngettext(
            "Tag “%(value)s” removed from %(changed)s customer.",
            "Tag “%(value)s” removed from %(changed)s customers.",
            result.changed,
        ),
        bulk.BulkAction.STAGE: ngettext(
            "%(changed)s customer moved to the stage %(value)s.",
            "%(changed)s customers moved to the stage %(value)s.",
            result.changed,
        ),
    }
    message = texts[action] % params
    unchanged = result.chosen - result.changed
    if unchanged:
        message += " " + ngettext("%(count)s already matched.", "%(count)s already matched.", unchanged) % {
            "count": intcomma(unchanged)
        }
    return message
