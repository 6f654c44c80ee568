"""Helpers for the web-to-lead form tests: open the public form and send it the way a browser does."""

from django.urls import reverse

VALID = {
    "name": "Jane Roe",
    "company": "",
    "email": "jane@roe.test",
    "phone": "+44 20 7946 0999",
    "message": "We need forty scanners for the new warehouse.",
}


def form_url(lead_form, name: str = "leads:form") -> str:
    return reverse(name, kwargs={"key": lead_form.public_key})


def open_form(client, lead_form, **extra) -> str:
    """GET the form page; returns the signed token it carries."""
    response = client.get(form_url(lead_form), **extra)
    assert response.status_code == 200, response.status_code
    return response.context["token"]


def send(client, lead_form, data: dict | None = None, *, token: str | None = None, **extra):
    """Open the form (unless given a token) and POST `data` (the valid submission by default) with its token."""
    if token is None:
        token = open_form(client, lead_form, **extra)
    return client.post(form_url(lead_form), {**VALID, **(data or {}), "form_token": token}, **extra)
