from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("recycle-bin/", views.RecycleBinView.as_view(), name="recycle-bin"),
    path("recycle-bin/<int:pk>/restore/", views.RestoreView.as_view(), name="deletion-restore"),
    path("recycle-bin/<int:pk>/purge/", views.PurgeView.as_view(), name="deletion-purge"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
]
