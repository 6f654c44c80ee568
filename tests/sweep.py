"""The scope sweep every app's tests run: another owner's record answers 404 and nothing changes, whether it is
named by id in a URL or by a foreign key in a POST.

An app's test module declares one `ScopeSweep`:

- `namespace` (and optionally `urlpatterns`): the app's URLs. Every URL name must be declared, either in `kwargs`
  (it names a record: how to fill in its arguments from a dict of records) or in `without_record` (lists,
  exports, create pages, autocompletes), so a new page fails the sweep until it is added;
- `kwargs`: URL name -> function of a records dict (`{"customer": ..., "contact": ...}`) returning the URL's
  arguments;
- `post_data`: URL name -> function of (user, that user's own records) returning a submission that succeeds when
  the user may use the page; required for every form page;
- `models`: the app's models; the snapshot holds their rows (versions and recycle-bin marks included), their
  many-to-many rows, their history counts, the recycle bin and the audit log;
- `foreign_values`: related model -> function of the other owner's records returning the id to plant in a form's
  field that chooses that model (`Customer: lambda t: t["customer"].pk`, the user model for owner fields).

Then, with `target` (records of one owner) and `own` (records of the user trying):
- `assert_refused(...)`: GET and POST on a URL naming `target`'s records (all of them, or one of them among the
  user's own) answer 404 (405 for a method the page does not take), show none of them, and change nothing;
- `assert_foreign_keys_refused(...)`: on a form page for the user's `own` record, planting `target`'s record in
  each field that chooses an owned record (or a user) is refused with a form error or 404 and changes nothing;
- `assert_accepted(...)`: the same submission with the user's own values goes through (so the refusals above
  are about reach, not about a broken submission).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import FormMixin

from records.models import AuditEntry, Deletion

Records = Mapping[str, Model]


def _patterns(urlpatterns: Iterable, prefix: str = "") -> dict[str, URLPattern]:
    found = {}
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver):
            nested = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found.update(_patterns(pattern.url_patterns, nested))
        elif pattern.name:
            found[prefix + pattern.name] = pattern
    return found


@dataclass
class ScopeSweep:
    namespace: str
    kwargs: Mapping[str, Callable[[Records], dict[str, Any]]]
    without_record: set[str]
    models: Sequence[type[Model]]
    post_data: Mapping[str, Callable[[Any, Records], dict[str, Any]]] = field(default_factory=dict)
    foreign_values: Mapping[type[Model], Callable[[Records], Any]] = field(default_factory=dict)
    urlpatterns: Sequence | None = None
    # Pages every user outside the record's reach is refused before the lookup, with another status (a page
    # only administrators may open answers 403 to everyone else).
    refusal_status: Mapping[str, int] = field(default_factory=dict)

    # URLs ---------------------------------------------------------------------------------------------------

    @property
    def patterns(self) -> dict[str, URLPattern]:
        patterns = self.urlpatterns
        if patterns is None:
            patterns = get_resolver().namespace_dict[self.namespace][1].url_patterns
        return _patterns(patterns)

    @property
    def record_url_names(self) -> list[str]:
        """The app's URLs that name a record, sorted."""
        return sorted(name for name in self.patterns if name in self.kwargs)

    @property
    def form_url_names(self) -> list[str]:
        """The app's create and edit pages (views with a form), sorted."""
        return sorted(
            name
            for name, pattern in self.patterns.items()
            if issubclass(getattr(pattern.callback, "view_class", object), FormMixin)
        )

    def url(self, name: str, records: Records | None = None) -> str:
        kwargs = self.kwargs[name](records) if name in self.kwargs else {}
        return reverse(f"{self.namespace}:{name}", kwargs=kwargs)

    def accepts(self, name: str, method: str) -> bool:
        view = getattr(self.patterns[name].callback, "view_class", None)
        return view is None or (method in view.http_method_names and hasattr(view, method))

    def refusal(self, name: str, method: str) -> int:
        """What a user outside the record's reach gets: 405 for a method the page does not take (answered before
        any lookup, so it reveals nothing), otherwise 404, as for a record that does not exist."""
        if name in self.refusal_status:
            return self.refusal_status[name]
        return 404 if self.accepts(name, method) else 405

    def submission(self, name: str, user, own: Records) -> dict[str, Any]:
        builder = self.post_data.get(name)
        return builder(user, own) if builder else {}

    def assert_knows_every_url(self) -> None:
        """Every URL of the app is declared, as naming a record or not; a form page has a submission."""
        names = set(self.patterns)
        unknown = names - set(self.kwargs) - self.without_record
        assert not unknown, (
            f"the scope sweep does not know {sorted(unknown)}: add each to `kwargs` (it names a "
            f"record) or `without_record`, and form pages to `post_data`"
        )
        stale = (set(self.kwargs) | self.without_record) - names
        assert not stale, f"the scope sweep names URLs the app no longer has: {sorted(stale)}"
        with_arguments = sorted(n for n in self.without_record if self.patterns[n].pattern.converters)
        assert not with_arguments, f"these URLs take arguments, so they name a record: {with_arguments}"
        without_data = sorted(set(self.form_url_names) - set(self.post_data))
        assert not without_data, f"the scope sweep has no submission for the form pages {without_data}"

    # State --------------------------------------------------------------------------------------------------

    def _tables(self) -> list[type[Model]]:
        tables = []
        for model in self.models:
            tables.append(model)
            tables.extend(f.remote_field.through for f in model._meta.local_many_to_many)
        return [*dict.fromkeys(tables), Deletion, AuditEntry]

    def _histories(self) -> list[type[Model]]:
        histories = []
        for model in self.models:
            history = getattr(model, "history", None)
            if history is not None:
                histories.append(history.model)
                # simple-history keeps each historical record's many-to-many values in tables of their own
                histories.extend(
                    rel.related_model
                    for rel in history.model._meta.related_objects
                    if rel.related_model._meta.model_name.startswith("historical")
                )
        return histories

    def snapshot(self) -> dict[str, Any]:
        """Everything a request could have changed, comparable with ==: every row of the app's tables (including
        rows in the recycle bin, with their versions), the recycle bin, the audit log and the history counts."""
        state: dict[str, Any] = {}
        for model in self._tables():
            state[model._meta.label] = list(model._base_manager.order_by("pk").values())
        for model in self._histories():
            state[f"{model._meta.label} rows"] = model._base_manager.count()
        return state

    def _assert_unchanged(self, before: dict[str, Any], what: str) -> None:
        after = self.snapshot()
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"{what} changed {changed}"

    # Checks -------------------------------------------------------------------------------------------------

    def mixes(self, name: str, target: Records, own: Records) -> list[Records]:
        """The records to name in URL `name`: all of `target`'s, then the user's own with one of them swapped for
        `target`'s (another owner's contact under the user's own customer, and the other way round), for each
        swap that changes the URL."""
        own_url = self.url(name, own)
        mixes, urls = [target], {self.url(name, target), own_url}
        for key in target:
            mix = {**own, key: target[key]}
            url = self.url(name, mix)
            if url not in urls:
                mixes.append(mix)
                urls.add(url)
        return mixes

    def assert_refused(self, client, *, user, name: str, target: Records, own: Records, method: str) -> None:
        """`user` (outside the reach of `target`'s records) opens or submits the URL naming them, alone or mixed
        with the user's own: refused, none of `target`'s records shown, nothing changed."""
        client.force_login(user)  # signing in is audited: the snapshot starts after it
        for records in self.mixes(name, target, own):
            url = self.url(name, records)
            before = self.snapshot()

            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, self.submission(name, user, own))

            expected = self.refusal(name, method)
            assert response.status_code == expected, f"{method.upper()} {url}: {response.status_code}, not {expected}"
            body = response.content.decode()
            shown = [str(record) for record in target.values() if str(record) in body]
            assert not shown, f"{method.upper()} {url} shows {shown}"
            self._assert_unchanged(before, f"{method.upper()} {url}")

    def foreign_key_fields(self, form: forms.Form) -> dict[str, type[Model]]:
        """The fields of `form` that choose an owned record, or a user (owners): field name -> model."""
        user_model = get_user_model()
        return {
            name: form_field.queryset.model
            for name, form_field in form.fields.items()
            if isinstance(form_field, forms.ModelChoiceField)
            and (hasattr(form_field.queryset.model, "owner_path") or form_field.queryset.model is user_model)
        }

    def _form(self, client, url: str) -> forms.Form:
        response = client.get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        return response.context["form"]

    def assert_foreign_keys_refused(self, client, *, user, name: str, target: Records, own: Records) -> list[str]:
        """On the form page `name` for `user`'s own records, each field choosing an owned record (or a user)
        given `target`'s record instead: refused with a form error (or 404), nothing changed. Returns the
        fields checked."""
        client.force_login(user)
        url = self.url(name, own)
        fields = self.foreign_key_fields(self._form(client, url))
        for field_name, model in fields.items():
            assert model in self.foreign_values, (
                f"{name}: the form's field {field_name!r} chooses a {model._meta.label}; add it to `foreign_values`"
            )
            value = self.foreign_values[model](target)
            data = {**self.submission(name, user, own), field_name: value}
            before = self.snapshot()

            response = client.post(url, data)

            what = f"POST {url} with {field_name}={value}"
            assert response.status_code in (200, 404), f"{what}: {response.status_code}"
            if response.status_code == 200:
                errors = response.context["form"].errors
                assert field_name in errors or NON_FIELD_ERRORS in errors, f"{what}: no error on {field_name}"
            self._assert_unchanged(before, what)
        return sorted(fields)

    def assert_accepted(self, client, *, user, name: str, own: Records) -> None:
        """The submission `post_data` builds for `user`'s own records goes through (a redirect, no form errors)."""
        client.force_login(user)
        url = self.url(name, own)

        response = client.post(url, self.submission(name, user, own))

        errors = response.context["form"].errors if response.context and "form" in response.context else None
        assert response.status_code == 302, f"POST {url}: {response.status_code} {errors or ''}"
