"""Form pieces every app's edit forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from records.versioning import Change, StaleVersionError, display_value


class VersionedFormMixin:
    """Carries the version the record had when the form was opened (a hidden field rendered by
    templates/partials/version_conflict.html), and shows a conflict as its own message with what changed."""

    conflict: StaleVersionError | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance is not None and self.instance.pk is not None
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=editing,
            min_value=1,
            error_messages={"required": _("This form is missing the record's version: reload the page.")},
        )
        if editing and not self.is_bound:
            self.initial["version"] = self.instance.version

    def show_conflict(self, exc: StaleVersionError) -> None:
        """Keep the user's values, explain what changed, and arm the form to overwrite on the next save."""
        self.conflict = exc
        if not exc.changes:
            # No field history for the version this form was opened at (rows imported or seeded in bulk): show
            # at least where the record now differs from what this form would save.
            exc.changes = self._differences(exc.current)
        for change in exc.changes:
            if change.field in getattr(self, "cleaned_data", {}) and not change.yours:
                change.yours = self._shown(exc.current, change.field, self.cleaned_data[change.field])
        data = self.data.copy()
        data[self.add_prefix("version")] = exc.current.version
        self.data = data
        self.add_error(None, exc)

    @staticmethod
    def _shown(current, name: str, value) -> str:
        return display_value(type(current), name, value.pk if hasattr(value, "pk") else value)

    def _differences(self, current) -> list[Change]:
        model, changes = type(current), []
        for name, value in getattr(self, "cleaned_data", {}).items():
            if name == "version":
                continue
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                continue
            if not model_field.concrete or model_field.many_to_many:
                continue
            now = getattr(current, model_field.attname)
            mine = value.pk if hasattr(value, "pk") else value
            if str(mine or "") != str(now or ""):
                changes.append(
                    Change(
                        name,
                        str(model_field.verbose_name),
                        _("not recorded"),
                        display_value(model, name, now),
                        self._shown(current, name, value),
                    )
                )
        return changes
