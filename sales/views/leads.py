"""The public web-to-lead form and its thank-you page: no sign-in, a minimal layout of their own, and embeddable in
the pages of the origins each form lists. What protects them (docs/leads.md): a signed token per rendering instead
of the CSRF cookie (sales.forms.leads), the Origin header, a limit per client address, a honeypot field and length
limits on every field. Every write is one call to sales.services.leads.lead_form_submit."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from sales.forms.leads import (
    HONEYPOT_FIELD,
    TOKEN_FIELD,
    LeadSubmissionForm,
    TokenCheck,
    form_token_check,
    form_token_claim,
    form_token_issue,
)
from sales.models import LeadForm
from sales.selectors.leads import lead_form_get_public
from sales.services.leads import LeadSubmission, lead_form_submit
from security.addresses import client_address
from security.throttle import throttle_hit

logger = logging.getLogger(__name__)

THROTTLE_SCOPE = "lead-form"


def _query_language(request: HttpRequest) -> str:
    """The language asked for with ?lang= (the embed code may fix it), when the site has it; else ""."""
    asked = request.GET.get("lang", "").strip().lower()
    return asked if asked in {code for code, _name in settings.LANGUAGES} else ""


def _same_site_origin(request: HttpRequest) -> bool:
    """A browser names the page a form was sent from in the Origin header: for this form, its own page here (the
    frame's document is ours, whichever site shows the frame). Without the header (older browsers) the token alone
    decides."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def embeddable(response: HttpResponse, lead_form: LeadForm) -> HttpResponse:
    """Let the form's allowed origins show `response` in a frame, and nobody else: CSP frame-ancestors names them,
    and X-Frame-Options (which can name no origin) is left off. A form without origins keeps the site's DENY and
    frame-ancestors 'none'."""
    origins = lead_form.origins
    if origins:
        response.xframe_options_exempt = True  # what django's @xframe_options_exempt sets, per response
        response._csp_replace = {"frame-ancestors": origins}  # what django-csp's @csp_replace sets
    return response


class PublicLeadFormMixin:
    """Finds the active form by its key (404 otherwise), speaks the language asked for, and lets the form's origins
    frame whatever it answers."""

    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)  # before the lookup: it tells nothing
        self.lead_form = lead_form_get_public(key=kwargs["key"])
        self.language = _query_language(request)
        if self.language:
            translation.activate(self.language)
        return embeddable(super().dispatch(request, *args, **kwargs), self.lead_form)

    def url(self, name: str) -> str:
        path = reverse(name, kwargs={"key": self.lead_form.public_key})
        return f"{path}?{urlencode({'lang': self.language})}" if self.language else path


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class LeadFormPublicView(PublicLeadFormMixin, View):
    """GET shows the form; POST stores a submission (sales.services.leads) and redirects to the thank-you page.

    Exempt from the CSRF cookie check, which cannot work in a third-party frame: the signed token in the form and
    the Origin header take its place (sales.forms.leads)."""

    template_name = "sales/leads/lead_form_public.html"

    def get(self, request, *args, **kwargs):
        return self.show(LeadSubmissionForm())

    def post(self, request, *args, **kwargs):
        address = client_address(request)
        if not _same_site_origin(request):
            return self.refuse()
        check, nonce = form_token_check(request.POST.get(TOKEN_FIELD, ""), lead_form=self.lead_form, address=address)
        if check is TokenCheck.INVALID:
            return self.refuse()
        window = settings.CRM_LEAD_FORM_LIMIT_WINDOW
        if not throttle_hit(scope=THROTTLE_SCOPE, address=address, limit=settings.CRM_LEAD_FORM_LIMIT, window=window):
            return self.limited()
        form = LeadSubmissionForm(request.POST)
        if form.honeypot_filled:
            logger.warning(
                "Web-to-lead form %s: the %r field was filled in from %s; answered as accepted, nothing stored",
                self.lead_form.pk,
                HONEYPOT_FIELD,
                address,
            )
            return redirect(self.url("leads:form-thanks"))
        if check is TokenCheck.STALE:
            return self.show(form, stale=True)
        if not form.is_valid():
            return self.show(form)
        if not form_token_claim(nonce):
            return redirect(self.url("leads:form-thanks"))  # this rendering was sent already (a double click)
        try:
            lead_form_submit(lead_form=self.lead_form, submission=LeadSubmission(**form.submission_fields()))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.show(form)
        return redirect(self.url("leads:form-thanks"))

    def show(self, form: LeadSubmissionForm, *, stale: bool = False) -> HttpResponse:
        address = client_address(self.request)
        context = {
            "form": form,
            "stale": stale,
            "action": self.url("leads:form"),
            "token_field": TOKEN_FIELD,
            "token": form_token_issue(lead_form=self.lead_form, address=address),
        }
        return render(self.request, self.template_name, context)

    def refuse(self) -> HttpResponse:
        """Nothing stored: no valid token, or sent from another site's page."""
        return render(
            self.request, "sales/leads/lead_form_refused.html", {"form_url": self.url("leads:form")}, status=403
        )

    def limited(self) -> HttpResponse:
        window = settings.CRM_LEAD_FORM_LIMIT_WINDOW
        minutes = max(1, int(window.total_seconds() // 60))
        response = render(
            self.request,
            "sales/leads/lead_form_limited.html",
            {"minutes": minutes, "form_url": self.url("leads:form")},
            status=429,
        )
        response["Retry-After"] = str(int(window.total_seconds()))
        return response


class LeadFormThanksView(PublicLeadFormMixin, View):
    """The form's thank-you message (or the standard one), where a submission lands."""

    def get(self, request, *args, **kwargs):
        context = {"message": self.lead_form.thank_you_message, "form_url": self.url("leads:form")}
        return render(request, "sales/leads/lead_form_thanks.html", context)
