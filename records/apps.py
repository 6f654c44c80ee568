from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """What every owned record shares: the recycle bin, the audit log, version checks and erasure."""

    name = "records"
    verbose_name = _("Recycle bin and audit log")

    def ready(self) -> None:
        from records import receivers  # noqa: F401  (audit entries for sign-ins, roles and teams)
