from django.urls import path

from sales.views import opportunities, orders, products, quotas, tasks

app_name = "sales"

urlpatterns = [
    path("pipeline/", opportunities.PipelineBoardView.as_view(), name="pipeline"),
    path("opportunities/", opportunities.OpportunityListView.as_view(), name="opportunity-list"),
    path("opportunities/export.csv", opportunities.OpportunityExportView.as_view(), name="opportunity-export"),
    path(
        "opportunities/autocomplete/",
        opportunities.OpportunityAutocompleteView.as_view(),
        name="opportunity-autocomplete",
    ),
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
    path("tasks/", tasks.TaskListView.as_view(), name="task-list"),
    path("tasks/export.csv", tasks.TaskExportView.as_view(), name="task-export"),
    path("tasks/new/", tasks.TaskCreateView.as_view(), name="task-create"),
    path("tasks/<int:pk>/", tasks.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/edit/", tasks.TaskUpdateView.as_view(), name="task-update"),
    path("tasks/<int:pk>/delete/", tasks.TaskDeleteView.as_view(), name="task-delete"),
    path("tasks/<int:pk>/history/", tasks.TaskHistoryView.as_view(), name="task-history"),
    path("tasks/<int:pk>/done/", tasks.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<int:pk>/reopen/", tasks.TaskReopenView.as_view(), name="task-reopen"),
    path("quotas/", quotas.QuotaSetView.as_view(), name="quotas"),
]
