from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users, teams and roles")

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401  (the time zone guessed at sign-in)
        from accounts.roles import sync_roles_after_migrate

        # After every migrate the role groups hold exactly what accounts/roles.py declares, so a new
        # app's permissions reach its roles (and Administrator) without a data migration of their own.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
