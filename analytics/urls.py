from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.RunListView.as_view(), name="run-list"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("runs/<int:pk>/again/", views.RunAgainView.as_view(), name="run-again"),
    path("run/<slug:kind>/", views.RunCreateView.as_view(), name="run-create"),
]
