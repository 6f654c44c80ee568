"""Order pages as reps, managers and administrators see them: the list with filters, sort and export, the order page
with its actions, the draft form with lines, status buttons, returns, and the customer page's orders card."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from sales.models import Order, OrderLine, Product
from sales.services.orders import LineInput, order_confirm, order_create, return_create
from tests.factories.customers import CustomerFactory
from tests.factories.sales_orders import OrderProductFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def mug():
    return OrderProductFactory(sku="MUG", name="Mug", unit_price=Decimal("4.50"), stock_on_hand=10)


@pytest.fixture
def order(customer, rep, mug):
    return order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=2)])


def _post_order(customer, product, **extra):
    data = {
        "customer": customer.pk,
        "ordered_at": "2026-11-30T10:00",
        "ship_to_country": "GB",
        "notes": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": product.pk,
        "lines-0-quantity": "3",
        "lines-0-discount_percent": "10",
    }
    data.update(extra)
    return data


def test_rep_sees_own_orders_but_not_an_outsiders(client, rep, order, foreign_customer):
    Order.objects.create(number="X-1", customer=foreign_customer)
    client.force_login(rep)

    response = client.get(reverse("sales:order-list"))

    assert response.status_code == 200
    assert order.number in text(response) and "X-1" not in text(response)
    assert "9.00" in text(response)


def test_manager_sees_the_teams_orders_and_administrator_all(client, manager, administrator, order, foreign_customer):
    Order.objects.create(number="X-1", customer=foreign_customer)

    client.force_login(manager)
    seen_by_manager = text(client.get(reverse("sales:order-list")))
    client.force_login(administrator)
    seen_by_admin = text(client.get(reverse("sales:order-list")))

    assert order.number in seen_by_manager and "X-1" not in seen_by_manager
    assert order.number in seen_by_admin and "X-1" in seen_by_admin


def test_list_filters_by_status_and_sorts_by_total(client, rep, customer, mug):
    small = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=1)])
    big = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=5)])
    order_confirm(order=big, by=rep)
    client.force_login(rep)

    confirmed = text(client.get(reverse("sales:order-list"), {"status": "confirmed"}))
    by_total = text(client.get(reverse("sales:order-list"), {"sort": "-total"}))

    assert big.number in confirmed and small.number not in confirmed
    assert by_total.index(big.number) < by_total.index(small.number)


def test_invalid_date_range_shows_an_error_and_no_rows(client, rep, order):
    client.force_login(rep)

    response = client.get(reverse("sales:order-list"), {"date_from": "2026-12-05", "date_to": "2026-12-01"})

    assert "The end date is before the start date." in text(response)
    assert order.number not in text(response)


def test_export_has_the_filtered_rows_with_totals(client, rep, order, foreign_customer):
    Order.objects.create(number="X-1", customer=foreign_customer)
    client.force_login(rep)

    response = client.get(reverse("sales:order-export"), {"q": "SO-"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response.status_code == 200
    assert body.splitlines()[0].startswith("Number,Kind,Status")
    assert f"{order.number},order,draft" in body and "9.00" in body and "X-1" not in body


def test_order_page_shows_lines_total_and_the_actions_its_status_allows(client, rep, order):
    client.force_login(rep)

    page = text(client.get(order.get_absolute_url()))

    assert "Mug" in page and "9.00" in page
    assert "Confirm" in page and "Cancel order" in page and "Edit" in page
    assert "Mark shipped" not in page and "Create return" not in page


def test_outsider_gets_404_on_an_order_page(client, outsider, order):
    client.force_login(outsider)

    assert client.get(order.get_absolute_url()).status_code == 404


def test_creating_an_order_with_lines(client, rep, customer, mug):
    client.force_login(rep)

    response = client.post(reverse("sales:order-create"), _post_order(customer, mug))

    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    line = OrderLine.objects.get(order=order)
    assert (line.quantity, line.unit_price, line.discount_percent) == (3, Decimal("4.50"), Decimal("10"))


def test_bad_lines_show_a_message_per_line_and_change_nothing(client, rep, customer, mug):
    client.force_login(rep)
    data = _post_order(customer, mug, **{"lines-0-quantity": "0", "lines-1-quantity": "2", "lines-2-product": "999999"})

    response = client.post(reverse("sales:order-create"), data)

    page = text(response)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in page
    assert "Choose a product for this quantity." in page
    assert "Choose an active product from the list." in page
    assert not Order.objects.exists()


def test_no_lines_at_all_is_refused(client, rep, customer, mug):
    client.force_login(rep)
    data = _post_order(customer, mug, **{"lines-0-product": "", "lines-0-quantity": ""})

    response = client.post(reverse("sales:order-create"), data)

    assert "Add at least one line." in text(response)
    assert not Order.objects.exists()


def test_another_owners_customer_in_the_post_is_a_form_error(client, rep, foreign_customer, mug):
    client.force_login(rep)

    response = client.post(reverse("sales:order-create"), _post_order(foreign_customer, mug))

    assert response.status_code == 200
    assert "Choose one of your customers." in text(response)
    assert not Order.objects.exists()


def test_inactive_product_is_not_offered(client, rep, mug):
    OrderProductFactory(sku="OLD", name="Discontinued vase", active=False)
    client.force_login(rep)

    page = client.get(reverse("sales:order-create")).content.decode()

    assert "Mug (MUG)" in page and "Discontinued vase" not in page


def test_editing_a_draft_replaces_its_lines(client, rep, order, mug):
    client.force_login(rep)
    data = _post_order(order.customer, mug, version=order.version, **{"lines-0-quantity": "7"})

    response = client.post(reverse("sales:order-update", kwargs={"pk": order.pk}), data)

    assert response.status_code == 302
    assert OrderLine.objects.get(order=order).quantity == 7


def test_confirmed_order_edit_page_goes_back_to_the_order(client, rep, order):
    order_confirm(order=order, by=rep)
    client.force_login(rep)

    response = client.get(reverse("sales:order-update", kwargs={"pk": order.pk}), follow=True)

    assert "Only draft orders can be edited." in text(response)


def test_confirm_button_takes_stock_and_says_so(client, rep, order, mug):
    client.force_login(rep)

    response = client.post(
        reverse("sales:order-confirm", kwargs={"pk": order.pk}), {"version": order.version}, follow=True
    )

    assert f"{order.number} was confirmed." in text(response)
    assert Product.objects.get(pk=mug.pk).stock_on_hand == 8
    assert "Mark shipped" in text(response) and "Create return" in text(response)


def test_confirm_without_stock_shows_why_and_changes_nothing(client, rep, order, mug):
    Product.objects.filter(pk=mug.pk).update(stock_on_hand=1)
    client.force_login(rep)

    response = client.post(reverse("sales:order-confirm", kwargs={"pk": order.pk}), {"version": 1}, follow=True)

    assert "Not enough stock: Mug (MUG): 2 wanted, 1 in stock." in text(response)
    assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT


def test_action_on_a_stale_page_is_refused(client, rep, order):
    client.force_login(rep)
    Order.objects.filter(pk=order.pk).update(version=5)

    response = client.post(reverse("sales:order-cancel", kwargs={"pk": order.pk}), {"version": 1}, follow=True)

    assert "Someone else changed this order" in text(response)
    assert Order.objects.get(pk=order.pk).status == Order.Status.DRAFT


def test_status_actions_answer_405_to_get(client, rep, order):
    client.force_login(rep)

    assert client.get(reverse("sales:order-confirm", kwargs={"pk": order.pk})).status_code == 405


def test_return_page_creates_a_return_within_what_was_ordered(client, rep, order, mug):
    order_confirm(order=order, by=rep)
    client.force_login(rep)
    url = reverse("sales:return-create", kwargs={"pk": order.pk})

    too_many = client.post(url, {f"product_{mug.pk}": "3"})
    nothing = client.post(url, {f"product_{mug.pk}": ""})
    response = client.post(url, {f"product_{mug.pk}": "2", "notes": "Broken"})

    assert "At most 2 can still be returned." in text(too_many)
    assert "Enter how many units of at least one product come back." in text(nothing)
    credit = Order.objects.get(kind=Order.Kind.RETURN)
    assert response.url == credit.get_absolute_url()
    assert OrderLine.objects.get(order=credit).quantity == -2
    page = text(client.get(order.get_absolute_url()))
    assert credit.number in page


def test_delete_moves_a_draft_to_the_recycle_bin(client, rep, order):
    client.force_login(rep)

    response = client.post(reverse("sales:order-delete", kwargs={"pk": order.pk}))

    assert response.status_code == 302
    assert not Order.objects.filter(pk=order.pk).exists()


def test_customer_page_shows_latest_orders_and_revenue_net_of_returns(client, rep, customer, mug):
    paid = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=4)])
    order_confirm(order=paid, by=rep)
    order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=100)])  # a draft: not revenue
    credit = return_create(order=paid, by=rep, lines=[LineInput(product=mug, quantity=1)])
    order_confirm(order=credit, by=rep)
    client.force_login(rep)

    page = text(client.get(customer.get_absolute_url()))

    assert "Lifetime revenue 13.50" in page
    assert paid.number in page and credit.number in page


def test_customer_page_has_no_orders_card_without_the_sales_permission(client, rep, customer):
    from django.contrib.auth.models import Permission

    group = rep.groups.get()
    rep.user_permissions.set(group.permissions.exclude(codename="view_order"))
    rep.groups.clear()
    client.force_login(rep)

    response = client.get(customer.get_absolute_url())

    assert response.status_code == 200 and "Lifetime revenue" not in text(response)
    assert Permission.objects.filter(codename="view_order").exists()


def test_another_reps_customer_prefilled_in_the_url_is_not_offered(client, rep, foreign_customer):
    client.force_login(rep)
    CustomerFactory(owner=rep, name="Own customer")

    page = client.get(reverse("sales:order-create"), {"customer": foreign_customer.pk}).content.decode()

    assert "Own customer" in page and "Zenith Foods" not in page


def test_export_sorted_by_total_lists_the_biggest_first(client, rep, customer, mug):
    small = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=1)])
    big = order_create(by=rep, customer=customer, lines=[LineInput(product=mug, quantity=5)])
    client.force_login(rep)

    response = client.get(reverse("sales:order-export"), {"sort": "-total"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert body.index(big.number) < body.index(small.number)
    assert "22.50" in body and "4.50" in body


def test_editing_with_a_bad_line_shows_the_error_and_changes_nothing(client, rep, order, mug):
    client.force_login(rep)
    data = _post_order(order.customer, mug, version=order.version, **{"lines-0-quantity": "-1"})

    response = client.post(reverse("sales:order-update", kwargs={"pk": order.pk}), data)

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in text(response)
    assert OrderLine.objects.get(order=order).quantity == 2
    assert Order.objects.get(pk=order.pk).version == order.version


def test_editing_a_draft_someone_else_changed_shows_the_conflict(client, rep, order, mug):
    client.force_login(rep)
    Order.objects.filter(pk=order.pk).update(version=order.version + 1)
    data = _post_order(order.customer, mug, version=order.version, **{"lines-0-quantity": "9"})

    response = client.post(reverse("sales:order-update", kwargs={"pk": order.pk}), data)

    assert response.status_code == 200
    assert "Someone else changed this record after you opened it." in text(response)
    assert OrderLine.objects.get(order=order).quantity == 2
