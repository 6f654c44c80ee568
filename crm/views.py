from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the compose health check: the app answers and its database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico where a response links no icon (a JSON answer, a downloaded file). Not a
    permanent redirect: in production the file's name carries a hash of its content, which changes with it."""
    return HttpResponseRedirect(static("img/favicon.ico"))
