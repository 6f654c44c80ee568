"""Form pieces every app's edit forms share."""
from django import forms
from django.utils.translation import gettext_lazy as _

from records.versioning import StaleVersionError


class VersionedFormMixin:
    """Carries the version the record had when the form was opened (a hidden field rendered by
    templates/partials/version_conflict.html), and shows a conflict as its own message with what changed."""

    conflict: StaleVersionError | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance is not None and self.instance.pk is not None
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=editing, min_value=1,
            error_messages={"required": _("This form is missing the record's version: reload the page.")},
        )
        if editing and not self.is_bound:
            self.initial["version"] = self.instance.version

    def show_conflict(self, exc: StaleVersionError) -> None:
        """Keep the user's values, explain what changed, and arm the form to overwrite on the next save."""
        self.conflict = exc
        data = self.data.copy()
        data[self.add_prefix("version")] = exc.current.version
        self.data = data
        self.add_error(None, exc)
