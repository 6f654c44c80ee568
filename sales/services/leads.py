"""Web-to-lead forms: their set-up (administrators, from the admin) and what a submission does.

A submission (`lead_form_submit`) is one transaction. Its email, when it matches a customer's or a live contact's,
links it to that customer: the message is logged there and the customer's owner told, and no second customer is
made. Otherwise it becomes a new customer in the stage "lead", owned by the next active rep of the form's team in
turn (its manager when it has none), with the message as its first interaction, and the new owner is told in the
app and by email. Nobody signs in to send a form, so the customer services are called as no user (`by=None`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.notifications import in_language_of, notify
from customers.models import Customer, Interaction, Tag
from customers.selectors import customer_matching_email
from customers.services import contact_create, customer_create, interaction_log
from sales.models import LeadForm, new_public_key, parse_origins
from sales.selectors.leads import lead_form_reps

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

# How much of the message a notification repeats (the whole of it is on the customer's page).
NOTIFICATION_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class LeadSubmission:
    """What a visitor sent, already validated (sales.forms.leads.LeadSubmissionForm)."""

    name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    message: str = ""


@dataclass(frozen=True)
class LeadFormResult:
    customer: Customer
    created: bool  # False: the email matched this existing customer
    assignee: AbstractBaseUser  # the owner of a new lead; the notified user of a match
    fallback: bool = False  # the team had no active rep: the lead went to its manager


# Set-up ----------------------------------------------------------------------------------------------------------


def _apply(lead_form: LeadForm, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(lead_form, name, value)
    lead_form.name = (lead_form.name or "").strip()
    lead_form.allowed_origins = "\n".join(parse_origins(lead_form.allowed_origins))


def _save(lead_form: LeadForm, *, by: AbstractBaseUser, default_tags: Iterable[Tag] | None) -> LeadForm:
    lead_form.full_clean()
    lead_form._history_user = by
    lead_form.save()
    if default_tags is not None:
        lead_form.default_tags.set(default_tags)
    return lead_form


@transaction.atomic
def lead_form_create(
    *,
    by: AbstractBaseUser,
    lead_form: LeadForm | None = None,
    default_tags: Iterable[Tag] | None = None,
    **fields: Any,
) -> LeadForm:
    """Set up a web-to-lead form (from `fields`, or an unsaved instance the admin's form filled in), with a new
    public key. Origins are stored one per line, lower-cased. Raises PermissionDenied without
    sales.add_leadform, ValidationError for a malformed origin."""
    if not by.has_perm("sales.add_leadform"):
        raise PermissionDenied("Only administrators set up web-to-lead forms.")
    lead_form = lead_form if lead_form is not None else LeadForm()
    _apply(lead_form, fields)
    return _save(lead_form, by=by, default_tags=default_tags)


@transaction.atomic
def lead_form_update(
    *, lead_form: LeadForm, by: AbstractBaseUser, default_tags: Iterable[Tag] | None = None, **fields: Any
) -> LeadForm:
    """Change a form's set-up (its key and round-robin place stay). Raises PermissionDenied without
    sales.change_leadform, ValidationError for a malformed origin."""
    if not by.has_perm("sales.change_leadform"):
        raise PermissionDenied("Only administrators change web-to-lead forms.")
    _apply(lead_form, fields)
    return _save(lead_form, by=by, default_tags=default_tags)


@transaction.atomic
def lead_form_regenerate_key(*, lead_form: LeadForm, by: AbstractBaseUser) -> LeadForm:
    """Give the form a new public key: its old address, and every page embedding it, answer 404 from now on.
    Raises PermissionDenied without sales.change_leadform."""
    if not by.has_perm("sales.change_leadform"):
        raise PermissionDenied("Only administrators change web-to-lead forms.")
    lead_form.public_key = new_public_key()
    lead_form._history_user = by
    lead_form.save(update_fields=["public_key", "updated_at"])
    return lead_form


# Submissions -----------------------------------------------------------------------------------------------------


def _next_assignee(locked: LeadForm) -> tuple[AbstractBaseUser, bool]:
    """The user the form's next new lead goes to, and whether that is the team's manager for want of an active rep.

    The reps (active members of the team who are sales reps) take turns by id, starting after the one given the
    previous lead; someone who left the team, was deactivated or is no longer a rep is skipped. `locked` is the
    form's row read with SELECT ... FOR UPDATE in the caller's transaction, so two submissions at the same moment
    take turns here and go to two different reps."""
    reps = list(lead_form_reps(team=locked.team))
    if not reps:
        return locked.team.manager, True
    after = locked.last_assigned_id or 0
    chosen = next((rep for rep in reps if rep.pk > after), reps[0])
    # An UPDATE, not save(): the round robin's place is not a change of the form's set-up (no history entry).
    LeadForm.objects.filter(pk=locked.pk).update(last_assigned=chosen)
    return chosen, False


def _details(submission: LeadSubmission) -> str:
    """What the visitor said about themselves, one "label: value" per line."""
    lines = [
        (_("Name"), submission.name),
        (_("Company"), submission.company),
        (_("Email"), submission.email),
        (_("Phone"), submission.phone),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


def _log(
    *, customer: Customer, logged_by: AbstractBaseUser, lead_form: LeadForm, submission: LeadSubmission, details: bool
) -> Interaction:
    """The submission as an inbound interaction: the message, after what the visitor said about themselves when
    `details` (a submission linked to an existing customer may name another person or number)."""
    with translation.override(settings.LANGUAGE_CODE):  # stored text, read by everyone: the site's language
        subject = _("Web form: %(form)s") % {"form": lead_form.name}
        summary = "\n\n".join(part for part in (details and _details(submission), submission.message) if part)
    return interaction_log(
        customer=customer,
        by=None,
        user=logged_by,
        channel=Interaction.Channel.WEB_FORM,
        direction=Interaction.Direction.INBOUND,
        occurred_at=timezone.now(),
        subject=subject[:200],
        summary=summary,
    )


def _excerpt(message: str) -> str:
    return message if len(message) <= NOTIFICATION_MESSAGE_CHARS else message[:NOTIFICATION_MESSAGE_CHARS] + "…"


def _notify_new_lead(
    *, assignee: AbstractBaseUser, customer: Customer, lead_form: LeadForm, submission: LeadSubmission, fallback: bool
) -> None:
    with in_language_of(assignee):
        title = _("New lead: %(name)s") % {"name": customer.name}
        parts = [
            _("A new lead came in through the web form “%(form)s” and was assigned to you.") % {"form": lead_form.name}
        ]
        if fallback:
            parts.append(
                _("The team “%(team)s” has no active sales rep, so the lead went to you as its manager.")
                % {"team": lead_form.team.name}
            )
        parts.append(_details(submission))
        if submission.message:
            parts.append(_excerpt(submission.message))
        notify(
            assignee,
            kind="lead_assigned",
            title=title,
            body="\n\n".join(parts),
            url=customer.get_absolute_url(),
            email=True,
        )


def _notify_match(*, customer: Customer, lead_form: LeadForm, submission: LeadSubmission) -> AbstractBaseUser:
    owner = customer.owner
    recipient = owner if owner.is_active else lead_form.team.manager
    with in_language_of(recipient):
        title = _("%(customer)s wrote in through the web form") % {"customer": customer.name}
        parts = [
            _(
                "A submission of the web form “%(form)s” has the email address of %(customer)s. It was logged on the "
                "customer's page; no new lead was made."
            )
            % {"form": lead_form.name, "customer": customer.name}
        ]
        if recipient != owner:
            parts.append(
                _("The customer's owner, %(owner)s, is no longer active: reassign the customer.")
                % {"owner": owner.get_full_name() or owner.get_username()}
            )
        parts.append(_details(submission))
        if submission.message:
            parts.append(_excerpt(submission.message))
        notify(
            recipient,
            kind="lead_form_match",
            title=title,
            body="\n\n".join(parts),
            url=customer.get_absolute_url(),
            email=True,
        )
    return recipient


@transaction.atomic
def lead_form_submit(*, lead_form: LeadForm, submission: LeadSubmission) -> LeadFormResult:
    """Store one submission of a public form, in one transaction (see the module's docstring): link it to the
    customer its email matches, or make a new lead assigned in turn. Tells the owner in the app and by email (sent
    once the transaction commits). Raises ValidationError for data the form should have refused."""
    # The form's row is locked first: submissions of one form take turns from here to the commit, so two at the same
    # moment go to different reps, and a second one with the same new email finds the customer the first one made.
    # No join in the locking read: MariaDB would lock the joined team and user rows too (it has no FOR UPDATE OF).
    locked = LeadForm.objects.select_for_update().get(pk=lead_form.pk)
    locked.team = Team.objects.select_related("manager").get(pk=locked.team_id)
    existing = customer_matching_email(email=submission.email)
    if existing is not None:
        _log(customer=existing, logged_by=existing.owner, lead_form=locked, submission=submission, details=True)
        recipient = _notify_match(customer=existing, lead_form=locked, submission=submission)
        return LeadFormResult(customer=existing, created=False, assignee=recipient)

    assignee, fallback = _next_assignee(locked)
    if not assignee.is_active:
        logger.error("Web-to-lead form %s: team %s has no active rep or manager", locked.pk, locked.team_id)
    company = submission.company
    customer = customer_create(
        by=None,
        allow_duplicate=True,  # a matching email was linked above; a shared phone number is no reason to refuse
        tags=list(locked.default_tags.all()),
        kind=Customer.Kind.COMPANY if company else Customer.Kind.PERSON,
        name=company or submission.name,
        email=submission.email,
        phone=submission.phone,
        owner=assignee,
        lifecycle_stage=Customer.Stage.LEAD,
        source=locked.source,
    )
    if company and submission.name:
        contact_create(
            customer=customer,
            by=None,
            name=submission.name,
            email=submission.email,
            phone=submission.phone,
            is_primary=True,
        )
    _log(customer=customer, logged_by=assignee, lead_form=locked, submission=submission, details=False)
    _notify_new_lead(assignee=assignee, customer=customer, lead_form=locked, submission=submission, fallback=fallback)
    return LeadFormResult(customer=customer, created=True, assignee=assignee, fallback=fallback)
