"""Customer pages. Views check permissions, bind forms and call one selector or service; every object
lookup goes through a scoped selector, so another owner's record answers 404."""
import csv
from copy import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from crm.pagination import CappedPaginator
from accounts import reach
from crm.querystring import query_int
from customers import privacy, selectors, services
from customers.filters import CustomerFilter
from customers.forms import ContactForm, CustomerForm, InteractionForm, RelationshipForm
from customers.models import Customer
from customers.validators import looks_like_phone
from records.audit import audit_record
from records.models import AuditEntry
from records.services import RETENTION_DAYS
from records.versioning import StaleVersionError


class CustomerListView(LoginRequiredMixin, PermissionRequiredMixin, FilterView):
    permission_required = "customers.view_customer"
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    paginator_class = CappedPaginator
    paginate_by = 25
    strict = True

    def get_queryset(self):
        return selectors.customer_list_for(user=self.request.user)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, count_queryset=self.filterset.count_qs)
        page = paginator.get_page(self.request.GET.get("page"))  # out-of-range pages show the last one
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        query.pop("sort", None)
        context["filter_query_string"] = query.urlencode()
        context["current_sort"] = self.request.GET.get("sort", "name")
        context["can_add"] = self.request.user.has_perm("customers.add_customer")
        return context


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas in exported cells (CSV injection); a phone number such as
    "+44 20 7946 0001" holds no formula and stays as it is."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not looks_like_phone(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


class CustomerExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Exactly the rows of the filtered list, streamed, so exporting a large list never loads it whole."""

    permission_required = "customers.view_customer"
    columns = [
        ("id", "ID"), ("name", "Name"), ("kind", "Type"), ("email", "Email"), ("phone", "Phone"),
        ("address", "Address"), ("city", "City"), ("country", "Country"), ("industry", "Industry"),
        ("source", "Source"), ("tier", "Tier"), ("lifecycle_stage", "Lifecycle stage"), ("score", "Score"),
        ("owner", "Owner"), ("tags", "Tags"), ("created_at", "Created"), ("updated_at", "Updated"),
    ]

    def get(self, request):
        filterset = CustomerFilter(request.GET, queryset=selectors.customer_list_for(user=request.user),
                                   request=request)
        if not filterset.is_valid():
            return HttpResponse(
                _("The export filters are invalid: %(errors)s") % {"errors": filterset.errors.as_text()},
                status=400, content_type="text/plain; charset=utf-8",
            )
        audit_record(action=AuditEntry.Action.EXPORT, actor=request.user, object_type="customers.customer",
                     label=_("Customer list"), request=request,
                     detail={"filter": request.GET.urlencode(), "rows": filterset.qs.count()})
        rows = filterset.qs.iterator(chunk_size=2000)
        writer = csv.writer(_Echo())

        def generate():
            yield "\ufeff"  # lets spreadsheet programs open UTF-8 (Chinese names) correctly
            yield writer.writerow([label for _, label in self.columns])
            for customer in rows:
                yield writer.writerow([_csv_safe(v) for v in (
                    customer.pk, customer.name, customer.kind, customer.email, customer.phone, customer.address,
                    customer.city, customer.country.code, customer.industry, customer.source, customer.tier,
                    customer.lifecycle_stage, customer.score, customer.owner_username,
                    "; ".join(t.name for t in customer.tags.all()),
                    customer.created_at.isoformat(), customer.updated_at.isoformat(),
                )])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
        return response


class CustomerDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"

    def get_object(self, queryset=None):
        return selectors.customer_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, user = self.object, self.request.user
        page = query_int(self.request.GET, "page", default=1, min_value=1)
        interactions, page, has_older = selectors.customer_timeline(customer=customer, page=page)
        context.update(
            tags=list(customer.tags.all()),
            contacts=list(customer.contacts.all()),
            relationships=selectors.customer_relationships(customer=customer, user=user),
            interactions=interactions,
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
        return context


class CustomerHistoryView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_history.html"
    context_object_name = "customer"
    per_page = 50

    def get_object(self, queryset=None):
        return selectors.customer_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total = selectors.customer_history_count(customer=self.object)
        page = Paginator(range(total), self.per_page).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["history"] = selectors.customer_history(
            customer=self.object, limit=self.per_page, offset=page.start_index() - 1 if total else 0
        )
        return context


class CustomerCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "customers.add_customer"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        allow_duplicate = data.pop("confirm_duplicate")
        try:
            customer = services.customer_create(by=self.request.user, allow_duplicate=allow_duplicate, **data)
        except services.DuplicateCustomerError as exc:
            form.add_error(None, exc)
            form.show_duplicate_confirmation()
            return self.render_to_response(self.get_context_data(
                form=form, duplicates=exc.visible, hidden_duplicates_notice=exc.hidden_notice))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer “%(name)s” was created.") % {"name": customer.name})
        return redirect(customer)


class CustomerObjectMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the customer named in the URL through the user's scope (404 outside it)."""

    # Pages under a customer change it or what hangs off it: they need the reach to change it.
    write = True

    @cached_property
    def customer(self) -> Customer:
        return selectors.customer_get_for(user=self.request.user, pk=self.kwargs["pk"], write=self.write)

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)


class CustomerUpdateView(CustomerObjectMixin, FormView):
    permission_required = "customers.change_customer"
    form_class = CustomerForm
    template_name = "customers/customer_form.html"

    def get_form_kwargs(self):
        # The form gets its own copy: validating a ModelForm writes the submitted values onto its instance,
        # and the page keeps showing the saved customer until the change is accepted.
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": copy(self.customer)}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("confirm_duplicate")
        version = data.pop("version")
        try:
            customer = services.customer_update(customer=copy(self.customer), by=self.request.user,
                                                expected_version=version, **data)
        except StaleVersionError as exc:
            form.show_conflict(exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer “%(name)s” was updated.") % {"name": customer.name})
        return redirect(customer)


class CustomerDeleteView(CustomerObjectMixin, TemplateView):
    permission_required = "customers.delete_customer"
    template_name = "customers/customer_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(retention_days=RETENTION_DAYS, **kwargs)

    def post(self, request, *args, **kwargs):
        name = self.customer.name
        services.customer_delete(customer=self.customer, by=request.user)
        messages.success(request, _("Customer “%(name)s” was moved to the recycle bin.") % {"name": name})
        return redirect("customers:customer-list")


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

class ChildFormView(CustomerObjectMixin, FormView):
    """Create or edit something that belongs to the customer in the URL, then go back to the customer page."""

    success_message = ""

    def get_object(self):
        return None

    @cached_property
    def object(self):
        return self.get_object()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.save(form)
        except StaleVersionError as exc:
            form.show_conflict(exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.customer)

    def form_data(self, form) -> dict:
        """The cleaned fields for a create service (the version only matters to updates)."""
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return data

    def update_data(self, form) -> dict:
        data = dict(form.cleaned_data)
        return {"expected_version": data.pop("version", None), **data}


class ContactCreateView(ChildFormView):
    permission_required = "customers.add_contact"
    form_class = ContactForm
    template_name = "customers/contact_form.html"

    def save(self, form):
        contact = services.contact_create(customer=self.customer, by=self.request.user, **self.form_data(form))
        self.success_message = _("Contact “%(name)s” was added.") % {"name": contact.name}


class ContactUpdateView(ChildFormView):
    permission_required = "customers.change_contact"
    form_class = ContactForm
    template_name = "customers/contact_form.html"

    def get_object(self):
        return selectors.contact_get_for(user=self.request.user, customer=self.customer, pk=self.kwargs["contact_pk"],
                                         write=True)

    def save(self, form):
        services.contact_update(contact=self.object, by=self.request.user, **self.update_data(form))
        self.success_message = _("Contact “%(name)s” was updated.") % {"name": self.object.name}


class InteractionCreateView(ChildFormView):
    """The full interaction form; the customer page posts its quick form here too."""

    permission_required = "customers.add_interaction"
    form_class = InteractionForm
    template_name = "customers/interaction_form.html"

    def save(self, form):
        services.interaction_log(customer=self.customer, by=self.request.user, **self.form_data(form))
        self.success_message = _("The interaction was logged.")


class RelationshipCreateView(ChildFormView):
    permission_required = "customers.add_relationship"
    form_class = RelationshipForm
    template_name = "customers/relationship_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "customer": self.customer}

    def save(self, form):
        services.relationship_create(customer=self.customer, by=self.request.user, **self.form_data(form))
        self.success_message = _("The relationship was added.")


class RelationshipUpdateView(RelationshipCreateView):
    permission_required = "customers.change_relationship"

    def get_object(self):
        return selectors.relationship_get_for(user=self.request.user, customer=self.customer,
                                              pk=self.kwargs["relationship_pk"], write=True)

    def save(self, form):
        services.relationship_update(relationship=self.object, by=self.request.user, **self.update_data(form))
        self.success_message = _("The relationship was updated.")


class ChildDeleteView(CustomerObjectMixin, TemplateView):
    """Confirm (GET) and delete (POST) something that belongs to the customer in the URL."""

    template_name = "customers/child_confirm_delete.html"

    def get_object(self):
        raise NotImplementedError

    def delete(self, obj):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.delete(obj)
        messages.success(request, _("“%(name)s” was moved to the recycle bin.") % {"name": obj})
        return redirect(reverse("customers:customer-detail", kwargs={"pk": self.customer.pk}))


class ContactDeleteView(ChildDeleteView):
    permission_required = "customers.delete_contact"

    def get_object(self):
        return selectors.contact_get_for(user=self.request.user, customer=self.customer, pk=self.kwargs["contact_pk"],
                                         write=True)

    def delete(self, obj):
        services.contact_delete(contact=obj, by=self.request.user)


class InteractionDeleteView(ChildDeleteView):
    permission_required = "customers.delete_interaction"

    def get_object(self):
        return selectors.interaction_get_for(user=self.request.user, customer=self.customer,
                                             pk=self.kwargs["interaction_pk"], write=True)

    def delete(self, obj):
        services.interaction_delete(interaction=obj, by=self.request.user)


class RelationshipDeleteView(ChildDeleteView):
    permission_required = "customers.delete_relationship"

    def get_object(self):
        return selectors.relationship_get_for(user=self.request.user, customer=self.customer,
                                              pk=self.kwargs["relationship_pk"], write=True)

    def delete(self, obj):
        services.relationship_delete(relationship=obj, by=self.request.user)


# Privacy requests ------------------------------------------------------------------------------------------------

def _json_attachment(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
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
        return redirect(reverse("customers:customer-detail", kwargs={"pk": self.customer.pk}))


class ContactPersonalDataView(CustomerObjectMixin, View):
    permission_required = "customers.change_contact"

    def get(self, request, pk, contact_pk):
        contact = selectors.contact_get_for(user=request.user, customer=self.customer, pk=contact_pk, write=True)
        body = privacy.contact_personal_data(contact=contact, by=request.user)
        return _json_attachment(body, f"contact-{contact.pk}-personal-data.json")


class ContactEraseView(ChildDeleteView):
    permission_required = privacy.ERASE_PERMISSION
    template_name = "customers/contact_confirm_erase.html"

    def get_object(self):
        return selectors.contact_get_for(user=self.request.user, customer=self.customer, pk=self.kwargs["contact_pk"],
                                         write=True)

    def post(self, request, *args, **kwargs):
        privacy.contact_erase(contact=self.get_object(), by=request.user)
        messages.success(request, _("The contact's personal data was erased."))
        return redirect(reverse("customers:customer-detail", kwargs={"pk": self.customer.pk}))
