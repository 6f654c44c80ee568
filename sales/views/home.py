"""The home page (`/`): a salesperson's day and month, their teams' for a manager, the company's for an
administrator; for everyone else, the parts of the CRM they use."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.roles import role_of
from sales.selectors.home import COMPANY, MINE, home_summary_for


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "sales/home.html"

    def get_sections(self) -> dict[str, bool]:
        user = self.request.user
        return {
            "tasks": user.has_perm("sales.view_task"),
            "deals": user.has_perm("sales.view_opportunity"),
            "leads": user.has_perm("customers.view_customer"),
            "complete": user.has_perm("sales.change_task"),
            "add_task": user.has_perm("sales.add_task"),
            "quotas": user.has_perm("sales.change_quota"),
        }

    def get_links(self) -> list[dict[str, str]]:
        """What a user without sales work opens from here: the parts of the CRM their permissions allow."""
        user = self.request.user
        links = []
        if user.has_perm("customers.view_customer"):
            links.append(
                {
                    "label": _("Customers"),
                    "url": reverse("customers:customer-list"),
                    "text": _("Find a customer and read their contacts, history and timeline."),
                }
            )
        links.append(
            {
                "label": _("Notifications"),
                "url": reverse("accounts:notifications"),
                "text": _("What the CRM told you: assignments, reminders."),
            }
        )
        links.append(
            {
                "label": _("Recycle bin"),
                "url": reverse("records:recycle-bin"),
                "text": _("Restore what you deleted in the last 30 days."),
            }
        )
        if user.has_perm("records.view_auditentry"):
            links.append(
                {"label": _("Audit log"), "url": reverse("records:audit-log"), "text": _("Who did what, and when.")}
            )
        links.append(
            {
                "label": _("Your profile"),
                "url": reverse("accounts:profile"),
                "text": _("Your name, email, language and time zone."),
            }
        )
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = self.get_sections()
        summary = home_summary_for(user=self.request.user) if sections["tasks"] or sections["deals"] else None
        if summary is None:
            heading = _("Welcome")
        elif summary.scope == MINE:
            heading = _("Your day")
        elif summary.scope == COMPANY:
            heading = _("The company today")
        else:
            heading = _("Your team today")
        context.update(
            summary=summary,
            sections=sections,
            links=self.get_links() if summary is None else [],
            heading=heading,
            role=role_of(self.request.user),
            home_url=reverse("home"),
        )
        return context
