"""Which entry of the top navigation the current page belongs to."""

from django.http import HttpRequest

# Sales pages by the first word of their URL name; the others belong to their app's entry.
_SALES_SECTIONS = {
    "pipeline": "pipeline",
    "opportunity": "opportunities",
    "lead": "opportunities",
    "order": "orders",
    "return": "orders",
    "product": "products",
    "task": "tasks",
}


def main_navigation(request: HttpRequest) -> dict:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    if match.app_name == "sales":
        return {"nav_section": _SALES_SECTIONS.get((match.url_name or "").split("-")[0], "")}
    if match.url_name == "home":
        return {"nav_section": "home"}
    return {"nav_section": match.app_name}
