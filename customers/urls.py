from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("export.csv", views.CustomerExportView.as_view(), name="customer-export"),
    path("new/", views.CustomerCreateView.as_view(), name="customer-create"),
    path("bulk/", views.CustomerBulkView.as_view(), name="customer-bulk"),
    path("autocomplete/", views.CustomerAutocompleteView.as_view(), name="customer-autocomplete"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="customer-delete"),
    path("<int:pk>/history/", views.CustomerHistoryView.as_view(), name="customer-history"),
    path("<int:pk>/personal-data.json", views.CustomerPersonalDataView.as_view(), name="customer-personal-data"),
    path("<int:pk>/erase/", views.CustomerEraseView.as_view(), name="customer-erase"),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.ContactUpdateView.as_view(), name="contact-update"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.ContactDeleteView.as_view(), name="contact-delete"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/personal-data.json",
        views.ContactPersonalDataView.as_view(),
        name="contact-personal-data",
    ),
    path("<int:pk>/contacts/<int:contact_pk>/erase/", views.ContactEraseView.as_view(), name="contact-erase"),
    path("<int:pk>/interactions/new/", views.InteractionCreateView.as_view(), name="interaction-create"),
    path(
        "<int:pk>/interactions/<int:interaction_pk>/edit/",
        views.InteractionUpdateView.as_view(),
        name="interaction-update",
    ),
    path(
        "<int:pk>/interactions/<int:interaction_pk>/delete/",
        views.InteractionDeleteView.as_view(),
        name="interaction-delete",
    ),
    path("<int:pk>/relationships/new/", views.RelationshipCreateView.as_view(), name="relationship-create"),
    path(
        "<int:pk>/relationships/<int:relationship_pk>/edit/",
        views.RelationshipUpdateView.as_view(),
        name="relationship-update",
    ),
    path(
        "<int:pk>/relationships/<int:relationship_pk>/delete/",
        views.RelationshipDeleteView.as_view(),
        name="relationship-delete",
    ),
]
