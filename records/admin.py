"""The audit log and recycle bin in the back office: read only. Restores and purges go through the app's
recycle bin page (the same services); audit entries are never edited or removed by anyone."""

from django.contrib import admin

from records.models import AuditEntry, Deletion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_label", "address"]
    list_filter = ["action"]
    search_fields = ["=actor_label", "=object_id", "^object_label"]
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(Deletion)
class DeletionAdmin(ReadOnlyAdmin):
    list_display = ["label", "content_type", "owner", "deleted_by", "deleted_at"]
    list_select_related = ["content_type", "owner", "deleted_by"]
    ordering = ["-deleted_at"]
