"""Input of the public web-to-lead form, and the signed token each rendering of it carries.

Why a signed token and not Django's CSRF cookie: the form is shown in a frame on other sites' pages, where the
browser treats our cookies as third-party ones. Django's CSRF cookie is SameSite=Lax, so it is not sent from such a
frame; making it SameSite=None needs HTTPS and still fails where third-party cookies are blocked (Safari, and any
browser set to block them). The form needs no cookie at all: each rendering carries a token signed with the
SECRET_KEY, naming the form and the client's address (its /64 for IPv6), valid for CRM_LEAD_FORM_TOKEN_MAX_AGE and
for one submission. A POST without a valid token is refused (403), as one whose Origin header names another site;
see docs/leads.md."""

from __future__ import annotations

import enum
import hashlib
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from customers.validators import validate_phone
from sales.models import LeadForm
from security.throttle import address_bucket

TOKEN_SALT = "sales.lead_form.token"
TOKEN_FIELD = "form_token"
HONEYPOT_FIELD = "website"


class TokenCheck(enum.Enum):
    VALID = "valid"
    STALE = "stale"  # ours, but expired or issued to another address: shown again to be sent once more
    INVALID = "invalid"  # missing, altered, or for another form: refused


def _address_digest(address: str | None) -> str:
    return hashlib.sha256(address_bucket(address).encode()).hexdigest()[:16]


def form_token_issue(*, lead_form: LeadForm, address: str | None) -> str:
    """A token for one rendering of `lead_form` to the client at `address`."""
    return signing.dumps(
        {"f": lead_form.pk, "a": _address_digest(address), "n": secrets.token_urlsafe(12)}, salt=TOKEN_SALT
    )


def form_token_check(token: str, *, lead_form: LeadForm, address: str | None) -> tuple[TokenCheck, str]:
    """Whether `token` is one this site issued for `lead_form` to `address` within the allowed time, and its
    nonce (for `form_token_claim`)."""
    max_age = settings.CRM_LEAD_FORM_TOKEN_MAX_AGE
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return TokenCheck.STALE, ""  # the signature was checked first: it is ours, only old
    except signing.BadSignature:
        return TokenCheck.INVALID, ""
    if not isinstance(data, dict) or data.get("f") != lead_form.pk or not isinstance(data.get("n"), str):
        return TokenCheck.INVALID, ""
    if data.get("a") != _address_digest(address):
        # A phone that moved from Wi-Fi to the mobile network between loading and sending: shown again, filled in.
        return TokenCheck.STALE, ""
    return TokenCheck.VALID, data["n"]


def form_token_claim(nonce: str) -> bool:
    """Use a token's nonce once: False when a submission with it was already accepted (a double click, a replay)."""
    timeout = int(settings.CRM_LEAD_FORM_TOKEN_MAX_AGE.total_seconds())
    key = "lead-form-token:" + hashlib.sha256(nonce.encode()).hexdigest()[:32]
    return cache.add(key, 1, timeout=timeout)


class LeadSubmissionForm(forms.Form):
    """What a visitor sends: a name or a company, an email or a phone, and a message, each of limited length. The
    honeypot field is hidden from people (by CSS) and left empty by them; bots filling every field fill it."""

    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, validators=[validate_phone])
    message = forms.CharField(
        label=_("Message"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["company"].widget.attrs["autocomplete"] = "organization"

    @property
    def honeypot_filled(self) -> bool:
        """Read from the raw data, before any validation: a bot is answered as if accepted, whatever else it sent."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean(self):
        cleaned = super().clean()
        # Only when neither field of a pair has an error of its own (too long, malformed) already.
        if not (cleaned.get("name") or cleaned.get("company")) and not self.errors.keys() & {"name", "company"}:
            self.add_error("name", _("Enter your name or your company's name."))
        if not (cleaned.get("email") or cleaned.get("phone")) and not self.errors.keys() & {"email", "phone"}:
            self.add_error("email", _("Enter an email address or a phone number, so that we can answer you."))
        return cleaned

    def submission_fields(self) -> dict[str, str]:
        """The cleaned values the service takes (sales.services.leads.LeadSubmission)."""
        return {name: self.cleaned_data.get(name) or "" for name in ("name", "company", "email", "phone", "message")}
