from django.contrib import admin

from accounts.models import Team
from records.adminkit import CappedSearchMixin


@admin.register(Team)
class TeamAdmin(CappedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name", "manager__username"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["members"]
