"""Notifications: stored for their recipient, counted under the bell, emailed once the change commits, read by
their recipient alone, and never linking outside the CRM."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Notification, Profile
from accounts.notifications import in_language_of, mark_all_read, notify
from tests.customers._support import page_text

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:notifications")


def test_notify_stores_counts_and_emails_after_commit(rep, django_capture_on_commit_callbacks):
    rep.email = "anna@example.com"
    rep.save()

    with django_capture_on_commit_callbacks(execute=True):
        note = notify(rep, kind="lead_assigned", title="New lead: Acme", body="From the web form.", url="/customers/1/")

    assert Profile.objects.get(user=rep).unread_notifications == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "New lead: Acme" and mail.outbox[0].to == ["anna@example.com"]
    assert "From the web form." in mail.outbox[0].body and "/customers/1/" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.emailed


def test_nothing_is_mailed_when_the_change_rolls_back(rep, django_capture_on_commit_callbacks):
    rep.email = "anna@example.com"
    rep.save()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(rep, kind="lead_assigned", title="New lead")
            raise RuntimeError("the assignment failed")

    assert mail.outbox == [] and not Notification.objects.exists()


def test_outside_links_are_dropped(rep):
    for url in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        assert notify(rep, kind="x", title="t", url=url, email=False).url == ""


def test_the_bell_shows_the_unread_count(client, rep):
    notify(rep, kind="task_due", title="Call Acme", email=False)
    notify(rep, kind="task_due", title="Send the quote", email=False)
    client.force_login(rep)

    html = page_text(client.get(reverse("accounts:profile")))

    assert "data-unread>2<" in html.replace(" ", "")
    assert LIST in html


def test_the_list_shows_only_the_users_own(client, rep, outsider):
    notify(rep, kind="task_due", title="Call Acme today", email=False)
    notify(outsider, kind="task_due", title="Someone else's reminder", email=False)
    client.force_login(rep)

    html = page_text(client.get(LIST))

    assert "Call Acme today" in html and "Someone else" not in html
    assert "Mark all read" in html


def test_opening_marks_read_and_follows_the_link(client, rep):
    note = notify(rep, kind="lead_assigned", title="New lead", url="/customers/", email=False)
    client.force_login(rep)

    response = client.post(reverse("accounts:notification-open", args=[note.pk]))

    assert response.status_code == 302 and response["Location"] == "/customers/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert Profile.objects.get(user=rep).unread_notifications == 0


def test_another_users_notification_is_404_and_stays_unread(client, rep, outsider):
    note = notify(outsider, kind="task_due", title="Theirs", email=False)
    client.force_login(rep)

    assert client.post(reverse("accounts:notification-open", args=[note.pk])).status_code == 404
    assert client.get(reverse("accounts:notification-open", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None
    assert Profile.objects.get(user=outsider).unread_notifications == 1


def test_mark_all_read(client, rep, outsider):
    for title in ("a", "b", "c"):
        notify(rep, kind="task_due", title=title, email=False)
    notify(outsider, kind="task_due", title="theirs", email=False)
    client.force_login(rep)

    response = client.post(reverse("accounts:notifications-read-all"), follow=True)

    assert "Marked 3 notifications read." in page_text(response)
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 1
    assert Profile.objects.get(user=rep).unread_notifications == 0
    assert mark_all_read(rep) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(LIST).status_code == 302


def test_text_in_the_recipients_language(rep):
    from django.utils.translation import gettext

    Profile.objects.create(user=rep, language="zh-hans")
    rep.refresh_from_db()
    with in_language_of(rep):
        assert gettext("Notifications") == "通知"
