from django.urls import path

from sales.views import lines, opportunities, orders, products, quotes

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
    path(
        "opportunities/<int:pk>/lines/new/", lines.OpportunityLineCreateView.as_view(), name="opportunity-line-create"
    ),
    path(
        "opportunities/<int:pk>/lines/<int:line_pk>/edit/",
        lines.OpportunityLineUpdateView.as_view(),
        name="opportunity-line-update",
    ),
    path(
        "opportunities/<int:pk>/lines/<int:line_pk>/remove/",
        lines.OpportunityLineRemoveView.as_view(),
        name="opportunity-line-remove",
    ),
    path("opportunities/<int:pk>/quotes/new/", quotes.QuoteCreateView.as_view(), name="quote-create"),
    path("quotes/", quotes.QuoteListView.as_view(), name="quote-list"),
    path("quotes/export.csv", quotes.QuoteExportView.as_view(), name="quote-export"),
    path("quotes/<int:pk>/", quotes.QuoteDetailView.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/print/", quotes.QuotePrintView.as_view(), name="quote-print"),
    path("quotes/<int:pk>/edit/", quotes.QuoteUpdateView.as_view(), name="quote-update"),
    path("quotes/<int:pk>/delete/", quotes.QuoteDeleteView.as_view(), name="quote-delete"),
    path("quotes/<int:pk>/history/", quotes.QuoteHistoryView.as_view(), name="quote-history"),
    path("quotes/<int:pk>/send/", quotes.QuoteSendView.as_view(), name="quote-send"),
    path("quotes/<int:pk>/accept/", quotes.QuoteAcceptView.as_view(), name="quote-accept"),
    path("quotes/<int:pk>/decline/", quotes.QuoteDeclineView.as_view(), name="quote-decline"),
    path("quotes/<int:pk>/revise/", quotes.QuoteReviseView.as_view(), name="quote-revise"),
    path("quotes/<int:pk>/lines/new/", lines.QuoteLineCreateView.as_view(), name="quote-line-create"),
    path("quotes/<int:pk>/lines/<int:line_pk>/edit/", lines.QuoteLineUpdateView.as_view(), name="quote-line-update"),
    path("quotes/<int:pk>/lines/<int:line_pk>/remove/", lines.QuoteLineRemoveView.as_view(), name="quote-line-remove"),
    path("products/", products.ProductListView.as_view(), name="product-list"),
    path("products/new/", products.ProductCreateView.as_view(), name="product-create"),
    path("products/<int:pk>/", products.ProductDetailView.as_view(), name="product-detail"),
    path("products/<int:pk>/edit/", products.ProductUpdateView.as_view(), name="product-update"),
    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/export.csv", orders.OrderExportView.as_view(), name="order-export"),
    path("orders/new/", orders.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", orders.OrderUpdateView.as_view(), name="order-update"),
    path("orders/<int:pk>/delete/", orders.OrderDeleteView.as_view(), name="order-delete"),
    path("orders/<int:pk>/confirm/", orders.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/cancel/", orders.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/ship/", orders.OrderShipView.as_view(), name="order-ship"),
    path("orders/<int:pk>/paid/", orders.OrderPaidView.as_view(), name="order-paid"),
    path("orders/<int:pk>/return/", orders.ReturnCreateView.as_view(), name="return-create"),
]
