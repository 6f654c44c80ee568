from django.urls import path

from sales.views import orders

app_name = "sales"

urlpatterns = [
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
