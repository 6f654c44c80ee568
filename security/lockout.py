"""Sign-in lockout on top of django-axes: per username and address (axes), plus a limit per address.

Axes locks a username/address pair after AXES_FAILURE_LIMIT failures. Someone guessing a few passwords for
each of many usernames never reaches that, so failures from one address are also added up across usernames
and the address is locked when they reach CRM_ADDRESS_FAILURE_LIMIT within the cool-off time.
"""

from __future__ import annotations

from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def address_failures(*, address: str | None, request: HttpRequest) -> int:
    """Failed sign-ins from `address` within the cool-off time, whatever the username."""
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressLimitHandler(AxesDatabaseHandler):
    """Axes's database handler, also locking an address after CRM_ADDRESS_FAILURE_LIMIT failures across users.

    Axes compares one failure count with one limit, so the address count is scaled onto the pair's limit:
    `from_address * limit // address_limit` reaches `limit` exactly when `from_address` reaches
    `address_limit`. Only the pair's own rows are reset by a successful sign-in (AXES_RESET_ON_SUCCESS), so
    signing in to one's own account does not clear the count for the others.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        from_address = address_failures(address=getattr(request, "axes_ip_address", None), request=request)
        scaled = from_address * limit // settings.CRM_ADDRESS_FAILURE_LIMIT
        request.crm_address_locked = scaled >= limit > pair
        return max(pair, scaled)


def lockout_ends_at(*, request: HttpRequest, username: str, by_address: bool) -> datetime | None:
    """When sign-in opens again: the cool-off time after the last failure that counts towards the lock (for a
    locked address, when every failure it counts has expired; it may open earlier). Failures refused while
    locked are not recorded, so they do not move it. None when locks last until an administrator lifts them."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    address = getattr(request, "axes_ip_address", None)
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    if not by_address:
        attempts = attempts.filter(username=username)
    last_failure = attempts.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return last_failure + cool_off


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The lockout page: says whether this user from this address, or the whole address, is locked, and until
    when."""
    username = get_client_username(request, credentials) or ""
    by_address = getattr(request, "crm_address_locked", False)
    context = {
        "username": username,
        "cooloff_timedelta": get_cool_off(request),
        "by_address": by_address,
        "retry_at": lockout_ends_at(request=request, username=username, by_address=by_address),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
