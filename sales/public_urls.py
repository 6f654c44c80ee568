"""The sales pages anyone may open without signing in: the web-to-lead forms (sales.views.leads), at /leads/."""

from django.urls import path

from sales.views import leads

app_name = "leads"

urlpatterns = [
    path("form/<slug:key>/", leads.LeadFormPublicView.as_view(), name="form"),
    path("form/<slug:key>/thanks/", leads.LeadFormThanksView.as_view(), name="form-thanks"),
]
