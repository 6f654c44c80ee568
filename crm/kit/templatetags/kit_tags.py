"""Template tags of the page kit: sort links, filter fields, people's names. They never query the database."""

from functools import lru_cache

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def sort_url(key, current, query, param="sort"):
    """The list URL sorted by `key`, flipping direction when it is already the sort; `query` holds the filters."""
    sort = urlencode({param: f"-{key}" if current == key else key})
    return f"?{query}&{sort}" if query else f"?{sort}"


@register.simple_tag
def sort_indicator(key, current):
    if current == key:
        return "▲"
    if current == f"-{key}":
        return "▼"
    return ""


@register.filter
def user_label(user):
    """A person's full name, or their username when they have none."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@lru_cache(maxsize=64)
def _options_html(choices: tuple) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


@register.simple_tag
def filter_select(bound_field):
    """A filter <select> written directly, its options rendered once per set of choices: Django's widget
    templates render each of the ~250 country options through the template engine on every request,
    which measured as a third of the customer list page's time."""
    options = _options_html(tuple((str(value), str(label)) for value, label in bound_field.field.choices))
    value = bound_field.value()
    if value not in (None, ""):
        marker = format_html('<option value="{}"', value)
        options = options.replace(marker + ">", marker + " selected>", 1)
    attrs = bound_field.field.widget.attrs
    invalid = " is-invalid" if bound_field.errors else ""
    label = format_html(' aria-label="{}"', attrs["aria-label"]) if attrs.get("aria-label") else ""
    return format_html(
        '<select name="{}" id="{}" class="{}{}"{}>{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        attrs.get("class", "form-select"),
        invalid,
        label,
        mark_safe(options),
    )  # noqa: S308 (escaped above)


def bulk_cell_html(pk, label) -> str:
    """A row's tick box for bulk changes, as HTML (for rows written in Python, such as customers_tags.customer_rows)."""
    return format_html(
        '<td class="col-check"><input class="form-check-input" type="checkbox" name="id" value="{}" '
        'aria-label="{}"></td>',
        pk,
        _("Tick %(label)s") % {"label": label},
    )


@register.simple_tag(takes_context=True)
def bulk_cell(context, pk, label):
    """A row's tick box for bulk changes (when the list has them): a tag rather than an included template, as it
    is written on every row."""
    return bulk_cell_html(pk, label) if context.get("bulk_url") else ""


@register.simple_tag
def filter_field(bound_field):
    """One field of a list's filter bar: a single-choice select through `filter_select`, any other widget as
    Django renders it, with Bootstrap's classes."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        return filter_select(bound_field)
    css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
    classes = " ".join(filter(None, [widget.attrs.get("class", css), "is-invalid" if bound_field.errors else ""]))
    return bound_field.as_widget(attrs={"class": classes})
