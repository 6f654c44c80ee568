from django.contrib import admin

from accounts.models import Notification, Team
from records.adminkit import CappedSearchMixin


@admin.register(Team)
class TeamAdmin(CappedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name", "manager__username"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["members"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the app (accounts.notifications) for their recipient."""

    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed"]
    list_filter = ["kind", "emailed"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
