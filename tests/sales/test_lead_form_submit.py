"""What a web-to-lead submission stores: a new lead given to the team's reps in turn (skipping who left the team, was
deactivated or is no longer a rep; the manager when no rep is left), or, when its email is known, an interaction
on that customer instead of a duplicate; and who is told, in the app and by email, in their own language."""

from unittest.mock import patch

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import translation

from accounts.models import Notification, Profile
from accounts.notifications import notify
from accounts.roles import SALES_REP
from customers.models import Contact, Customer, Interaction
from sales.services.leads import LeadSubmission, lead_form_submit
from tests.factories.customers import (
    ContactFactory,
    CustomerFactory,
    ManagerFactory,
    RepFactory,
    TagFactory,
    TeamFactory,
)
from tests.factories.leads import LeadFormFactory

pytestmark = pytest.mark.django_db


def submission(n: int = 0, **fields) -> LeadSubmission:
    values = {"name": f"Visitor {n}", "email": f"visitor{n}@example.org", "message": f"Message {n}"}
    return LeadSubmission(**{**values, **fields})


@pytest.fixture
def team():
    """Three reps (ids in the order made), a manager, and a member who is no rep."""
    reps = [RepFactory(username=f"rr.{name}") for name in ("anna", "ben", "cleo")]
    team = TeamFactory(name="Inbound", manager=ManagerFactory(username="rr.boss"), members=reps)
    team.members.add(ManagerFactory(username="rr.deputy"))  # a member without the rep role
    return team


def owners_of(results) -> list[str]:
    return [result.customer.owner.username for result in results]


def test_new_leads_go_to_the_active_reps_in_turn(team):
    lead_form = LeadFormFactory(team=team)

    results = [lead_form_submit(lead_form=lead_form, submission=submission(n)) for n in range(5)]

    assert owners_of(results) == ["rr.anna", "rr.ben", "rr.cleo", "rr.anna", "rr.ben"]
    lead_form.refresh_from_db()
    assert lead_form.last_assigned.username == "rr.ben"


def test_the_turn_skips_who_was_deactivated_left_the_team_or_is_no_longer_a_rep(team):
    # given: anna had the last lead; then ben is deactivated and cleo leaves the team, and a new rep joins
    lead_form = LeadFormFactory(team=team)
    anna, ben, cleo = (team.members.get(username=f"rr.{n}") for n in ("anna", "ben", "cleo"))
    lead_form_submit(lead_form=lead_form, submission=submission(0))
    ben.is_active = False
    ben.save()
    team.members.remove(cleo)
    dora = RepFactory(username="rr.dora")
    team.members.add(dora)
    RepFactory(username="rr.outside")  # a rep of no team

    # when
    results = [lead_form_submit(lead_form=lead_form, submission=submission(n)) for n in range(1, 4)]

    # then: dora (after anna by id), anna, dora; then dora loses the rep role and anna alone is left
    assert owners_of(results) == ["rr.dora", "rr.anna", "rr.dora"]
    dora.groups.remove(Group.objects.get(name=SALES_REP))
    assert owners_of([lead_form_submit(lead_form=lead_form, submission=submission(n)) for n in (4, 5)]) == [
        "rr.anna",
        "rr.anna",
    ]


def test_a_team_without_an_active_rep_gives_the_lead_to_its_manager_and_says_so(team):
    for member in team.members.all():
        member.is_active = False
        member.save()
    lead_form = LeadFormFactory(team=team, name="Trade fair form")

    result = lead_form_submit(lead_form=lead_form, submission=submission(1))

    assert result.created and result.fallback
    assert result.customer.owner.username == "rr.boss"
    note = Notification.objects.get(recipient__username="rr.boss")
    assert note.kind == "lead_assigned"
    assert "has no active sales rep, so the lead went to you as its manager" in note.body


def test_a_new_lead_is_a_person_in_the_stage_lead_with_the_forms_source_and_tags_and_its_message_logged(team):
    lead_form = LeadFormFactory(team=team, name="Website", source=Customer.Source.ADVERTISING)
    lead_form.default_tags.add(TagFactory(name="Web lead"))

    result = lead_form_submit(
        lead_form=lead_form,
        submission=submission(email="Jane@Roe.TEST", phone="+44 20 7946 0999", message="Forty scanners, please."),
    )

    customer = Customer.objects.get(pk=result.customer.pk)
    assert (customer.kind, customer.name, customer.email, customer.phone_digits) == (
        Customer.Kind.PERSON,
        "Visitor 0",
        "jane@roe.test",
        "442079460999",
    )
    assert customer.lifecycle_stage == Customer.Stage.LEAD and customer.source == Customer.Source.ADVERTISING
    assert [t.name for t in customer.tags.all()] == ["Web lead"]
    interaction = customer.interactions.get()
    assert interaction.channel == Interaction.Channel.WEB_FORM and interaction.direction == "inbound"
    assert interaction.subject == "Web form: Website" and interaction.summary == "Forty scanners, please."
    assert interaction.user == customer.owner
    assert customer.last_contacted_at == interaction.occurred_at
    assert customer.history.get().history_user is None  # made by the form, not by a user
    assert "visitor" in customer.search_text  # found by search like any customer


def test_a_company_lead_gets_the_visitor_as_its_primary_contact(team):
    result = lead_form_submit(
        lead_form=LeadFormFactory(team=team), submission=submission(company="Roe Widgets Ltd", phone="020 7946 0999")
    )

    customer = result.customer
    assert customer.kind == Customer.Kind.COMPANY and customer.name == "Roe Widgets Ltd"
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.email, contact.is_primary) == ("Visitor 0", "visitor0@example.org", True)


def test_the_assignee_is_told_in_the_app_and_by_email_after_commit(team, django_capture_on_commit_callbacks):
    lead_form = LeadFormFactory(team=team, name="Website")

    with django_capture_on_commit_callbacks(execute=True):
        result = lead_form_submit(lead_form=lead_form, submission=submission(7, message="Call me after 3 pm."))

    anna = result.assignee
    note = Notification.objects.get(recipient=anna)
    assert (note.kind, note.title, note.url) == (
        "lead_assigned",
        "New lead: Visitor 7",
        f"/customers/{result.customer.pk}/",
    )
    assert "web form “Website” and was assigned to you" in note.body and "Call me after 3 pm." in note.body
    assert Profile.objects.get(user=anna).unread_notifications == 1
    assert [m.to for m in mail.outbox] == [[anna.email]]
    assert mail.outbox[0].subject == "New lead: Visitor 7"
    assert f"/customers/{result.customer.pk}/" in mail.outbox[0].body


def test_the_notification_is_written_in_the_assignees_language(team):
    anna = team.members.get(username="rr.anna")
    Profile.objects.create(user=anna, language="zh-hans")
    languages = []

    def recording_notify(recipient, **kwargs):
        languages.append((recipient.username, translation.get_language()))
        return notify(recipient, **kwargs)

    lead_form = LeadFormFactory(team=team)

    # when: anna (Chinese) and then ben (no language of his own: the site's) get a lead, in a Chinese request
    with translation.override("zh-hans"), patch("sales.services.leads.notify", recording_notify):
        lead_form_submit(lead_form=lead_form, submission=submission(1))
        lead_form_submit(lead_form=lead_form, submission=submission(2))

    assert languages == [("rr.anna", "zh-hans"), ("rr.ben", "en")]


def test_a_known_email_is_logged_on_that_customer_and_its_owner_told_instead_of_a_duplicate(
    team, rep, django_capture_on_commit_callbacks
):
    # given: the email belongs to a customer of a rep in another team (any case)
    known = CustomerFactory(owner=rep, name="Acme Logistics Ltd", email="buyer@acme.test")
    lead_form = LeadFormFactory(team=team, name="Website")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = lead_form_submit(
            lead_form=lead_form,
            submission=submission(name="B. Uyer", email="BUYER@Acme.Test", phone="+44 1632 960000", message="Reorder?"),
        )

    # then: no new customer; the submission is on the known one, with what the visitor said about themselves
    assert not result.created and result.customer == known
    assert Customer.objects.count() == 1
    interaction = known.interactions.get()
    assert interaction.channel == Interaction.Channel.WEB_FORM and interaction.user == rep
    assert "Name: B. Uyer" in interaction.summary and "Phone: +44 1632 960000" in interaction.summary
    assert interaction.summary.endswith("Reorder?")
    note = Notification.objects.get()
    assert note.recipient == rep and note.kind == "lead_form_match" and note.url == known.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[rep.email]]
    lead_form.refresh_from_db()
    assert lead_form.last_assigned is None  # nobody's turn was used


def test_a_contacts_email_links_to_the_contacts_customer(team, rep):
    company = CustomerFactory(owner=rep, name="Zeta Ltd", email="office@zeta.test")
    ContactFactory(customer=company, email="pat@zeta.test")

    result = lead_form_submit(lead_form=LeadFormFactory(team=team), submission=submission(email="Pat@Zeta.test"))

    assert result.customer == company and not result.created
    assert Customer.objects.count() == 1 and company.interactions.count() == 1


def test_a_customer_in_the_recycle_bin_is_not_matched(team, rep):
    from customers.services import customer_delete

    gone = CustomerFactory(owner=rep, email="gone@example.org")
    customer_delete(customer=gone, by=rep)

    result = lead_form_submit(lead_form=LeadFormFactory(team=team), submission=submission(email="gone@example.org"))

    assert result.created and result.customer != gone


def test_a_match_on_a_deactivated_owners_customer_tells_the_forms_manager(team, rep):
    known = CustomerFactory(owner=rep, email="buyer@acme.test")
    rep.is_active = False
    rep.save()

    result = lead_form_submit(lead_form=LeadFormFactory(team=team), submission=submission(email="buyer@acme.test"))

    assert result.assignee.username == "rr.boss" and known.interactions.count() == 1
    note = Notification.objects.get()
    assert note.recipient.username == "rr.boss"
    assert "is no longer active: reassign the customer" in note.body


def test_everything_is_undone_when_any_step_fails(team):
    lead_form = LeadFormFactory(team=team)

    with patch("sales.services.leads.notify", side_effect=RuntimeError("mail queue down")):
        with pytest.raises(RuntimeError):
            lead_form_submit(lead_form=lead_form, submission=submission(1, company="Roe Ltd"))

    assert not Customer.all_objects.exists() and not Contact.all_objects.exists()
    assert not Interaction.all_objects.exists() and not Notification.objects.exists()
    lead_form.refresh_from_db()
    assert lead_form.last_assigned is None
