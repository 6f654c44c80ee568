from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadAllView.as_view(), name="notifications-read-all"),
    path("notifications/<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification-open"),
]
