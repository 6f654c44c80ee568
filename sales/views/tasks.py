"""Task pages, built on the page kit (crm/kit): the list and its export, the task's page and history, its form,
delete, and the done / reopen buttons (POST only, also on the list, the home page and the customer and opportunity
pages). The kit looks every task in the URL up through the user's reach, so another owner's task answers 404; every
change goes through sales.services.tasks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import reach
from crm.kit import views as kit
from crm.kit.views import ListColumn
from crm.querystring import query_int
from customers.models import Customer
from records.selectors import record_history
from records.versioning import StaleVersionError
from sales.filters.tasks import DEFAULT_SORT, TaskFilter
from sales.forms.tasks import TaskForm
from sales.models import Opportunity, Task
from sales.selectors import tasks as selectors
from sales.services import tasks as services
from sales.views.base import SalesPages


def safe_next(request, source) -> str:
    """The `next` address of a request if it is a path on this site (where a button or form should go back to)."""
    target = source.get("next", "")
    if (
        target
        and len(target) < 2000
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target if target.startswith("/") else ""
    return ""


class TaskPages(SalesPages):
    """What every task page shares: the sales layout and sub-navigation, and the task list as first breadcrumb."""

    breadcrumb_root = (gettext_lazy("Tasks"), "sales:task-list")


class TaskRecordMixin(TaskPages):
    model = Task

    def get_object_queryset(self):
        return Task.objects.select_related("customer", "opportunity", "owner", "done_by")


class TaskListView(TaskPages, kit.ListPageView):
    permission_required = "sales.view_task"
    selector = selectors.task_list_for
    filterset_class = TaskFilter
    results_template_name = "sales/tasks/partials/task_table.html"
    heading = gettext_lazy("Tasks")
    default_sort = DEFAULT_SORT
    table_class = "list-cards task-table"
    columns = [
        ListColumn(gettext_lazy("Done"), css_class="col-check"),
        ListColumn(gettext_lazy("Subject"), sort="subject"),
        ListColumn(gettext_lazy("Related to"), css_class="d-none d-md-table-cell"),
        ListColumn(gettext_lazy("Due"), sort="due", css_class="text-nowrap"),
        ListColumn(gettext_lazy("Priority")),
        ListColumn(gettext_lazy("Owner"), css_class="d-none d-md-table-cell"),
    ]
    export_url_name = "sales:task-export"
    create_url_name = "sales:task-create"
    create_permission = "sales.add_task"
    create_label = gettext_lazy("New task")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = selectors.attach_links(rows, user=self.request.user)
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("sales.change_task")
        context["filtered_by"] = self.filtered_by()
        return context

    def filtered_by(self) -> str:
        """The name of the customer or opportunity the list is narrowed to (from its page's "All tasks" link)."""
        if self.filter_invalid:
            return ""
        data = self.filterset.form.cleaned_data
        user = self.request.user
        if data.get("opportunity"):
            found = reach.scope(Opportunity, user=user).filter(pk=data["opportunity"]).values_list("title", flat=True)
            return found.first() or ""
        if data.get("customer"):
            found = reach.scope(Customer, user=user).filter(pk=data["customer"]).values_list("name", flat=True)
            return found.first() or ""
        return ""


class TaskExportView(kit.CsvExportView):
    """Exactly the rows of the filtered list."""

    permission_required = "sales.view_task"
    selector = selectors.task_list_for
    filterset_class = TaskFilter
    filename_prefix = "tasks"
    audit_label = gettext_lazy("Task list")
    columns = [
        ("ID", "pk"),
        ("Subject", "subject"),
        ("Due", "due_at"),
        ("Priority", "priority"),
        ("Status", lambda task: "done" if task.done_at else "open"),
        ("Owner", "owner.username"),
        ("Customer ID", "customer_id"),
        ("Customer", lambda task: task.customer.name if task.customer_id else ""),
        ("Opportunity ID", "opportunity_id"),
        ("Opportunity", lambda task: task.opportunity.title if task.opportunity_id else ""),
        ("Done", "done_at"),
        ("Notes", "notes"),
        ("Created", "created_at"),
    ]


class TaskDetailView(TaskRecordMixin, kit.ObjectPageView):
    permission_required = "sales.view_task"
    template_name = "sales/tasks/task_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task, user = self.object, self.request.user
        writable = reach.can_reach(task, user=user, write=True)
        context.update(
            history=record_history(obj=task, limit=10),
            can_change=writable and user.has_perm("sales.change_task"),
            can_delete=writable and user.has_perm("sales.delete_task"),
            can_see_customer=bool(task.customer_id)
            and task.customer.deletion_id is None
            and user.has_perm("customers.view_customer")
            and reach.can_reach(task.customer, user=user),
            can_see_opportunity=bool(task.opportunity_id)
            and task.opportunity.deletion_id is None
            and user.has_perm("sales.view_opportunity")
            and reach.can_reach(task.opportunity, user=user),
        )
        return context


class TaskFormMixin:
    form_class = TaskForm
    template_name = "sales/tasks/task_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class TaskCreateView(TaskFormMixin, TaskPages, kit.ObjectCreateView):
    """A new task; from a customer's or an opportunity's page (?customer= / ?opportunity=) it is about that record,
    and saving goes back there (?next=)."""

    permission_required = "sales.add_task"
    service = services.task_create
    heading = gettext_lazy("New task")
    submit_label = gettext_lazy("Create task")
    success_message = gettext_lazy("Task “%(name)s” was created.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        opportunity_id = kit.query_int(self.request, "opportunity", min_value=1, max_value=2**63 - 1)
        customer_id = kit.query_int(self.request, "customer", min_value=1, max_value=2**63 - 1)
        if opportunity_id is not None:
            kwargs["opportunity"] = selectors.opportunity_choices_for(user=user).filter(pk=opportunity_id).first()
        if customer_id is not None:
            kwargs["customer"] = reach.scope(Customer, user=user, write=True).filter(pk=customer_id).first()
        return kwargs

    def get_success_url(self):
        return safe_next(self.request, self.request.GET) or super().get_success_url()

    def get_cancel_url(self):
        return safe_next(self.request, self.request.GET) or super().get_cancel_url()


class TaskUpdateView(TaskFormMixin, TaskRecordMixin, kit.ObjectUpdateView):
    permission_required = "sales.change_task"
    service = services.task_update
    submit_label = gettext_lazy("Save changes")
    success_message = gettext_lazy("Task “%(name)s” was updated.")

    def get_heading(self):
        return _("Edit %(name)s") % {"name": self.object.subject}


class TaskDeleteView(TaskRecordMixin, kit.ObjectDeleteView):
    permission_required = "sales.delete_task"
    service = services.task_delete
    success_url_name = "sales:task-list"
    success_message = gettext_lazy("Task “%(name)s” was moved to the recycle bin.")


class TaskHistoryView(TaskRecordMixin, kit.HistoryPageView):
    permission_required = "sales.view_task"

    @staticmethod
    def history_selector(*, task, limit, offset):
        return record_history(obj=task, limit=offset + limit)[offset:]

    @staticmethod
    def history_count_selector(*, task):
        return task.history.count()


class TaskActionView(TaskRecordMixin, kit.OwnedObjectMixin, View):
    """Mark the task done or open again (POST only), with the version the page showed; then back where the button
    was (`next`) or to the task's page, saying what happened (or why not)."""

    permission_required = "sales.change_task"
    http_method_names = ["post"]
    write = True
    service = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        task = self.object
        version = query_int(request.POST, "version", min_value=1, max_value=2**31)
        try:
            type(self).service(task=task, by=request.user, expected_version=version)
        except StaleVersionError:
            messages.error(
                request, _("Someone else changed this task after you opened the page. Check it and try again.")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.success_message) % {"name": task.subject})
        return redirect(safe_next(request, request.POST) or task.get_absolute_url())


class TaskCompleteView(TaskActionView):
    service = services.task_complete
    success_message = gettext_lazy("“%(name)s” is done.")


class TaskReopenView(TaskActionView):
    service = services.task_reopen
    success_message = gettext_lazy("“%(name)s” is open again.")
