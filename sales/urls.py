from django.urls import path

from sales.views import opportunities, products

app_name = "sales"

urlpatterns = [
    path("pipeline/", opportunities.PipelineBoardView.as_view(), name="pipeline"),
    path("opportunities/", opportunities.OpportunityListView.as_view(), name="opportunity-list"),
    path("opportunities/export.csv", opportunities.OpportunityExportView.as_view(), name="opportunity-export"),
    path("opportunities/new/", opportunities.OpportunityCreateView.as_view(), name="opportunity-create"),
    path("opportunities/<int:pk>/", opportunities.OpportunityDetailView.as_view(), name="opportunity-detail"),
    path("opportunities/<int:pk>/edit/", opportunities.OpportunityUpdateView.as_view(), name="opportunity-update"),
    path("opportunities/<int:pk>/delete/", opportunities.OpportunityDeleteView.as_view(), name="opportunity-delete"),
    path("opportunities/<int:pk>/history/", opportunities.OpportunityHistoryView.as_view(), name="opportunity-history"),
    path("opportunities/<int:pk>/move/", opportunities.OpportunityMoveView.as_view(), name="opportunity-move"),
    path("leads/<int:pk>/qualify/", opportunities.LeadQualifyView.as_view(), name="lead-qualify"),
    path("products/", products.ProductListView.as_view(), name="product-list"),
    path("products/new/", products.ProductCreateView.as_view(), name="product-create"),
    path("products/<int:pk>/", products.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/edit/", products.ProductUpdateView.as_view(), name="product-update"),
]
