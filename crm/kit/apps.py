from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitConfig(AppConfig):
    """Installed only so Django finds the kit's template tags (`{% load kit_tags %}`); the kit has no models."""

    name = "crm.kit"
    label = "kit"
    verbose_name = _("Page kit")
