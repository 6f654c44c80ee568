"""The site's own error pages for what views refuse, whatever DEBUG says."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults


class SiteErrorPagesMiddleware:
    """Renders templates/404.html and 403.html for Http404 and PermissionDenied raised by a view.

    Without DEBUG Django does the same. With DEBUG (`make run`) it shows its technical 404 page instead, which
    lists the site's URL patterns: a user opening another owner's customer should see the page they would see in
    production. A URL that matches no pattern still gets the technical page, which is what a developer needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
