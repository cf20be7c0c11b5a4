from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Cross-cutting pieces every app may use: request ids and logs, security headers and
    embedding, the history admin base, the editorial roles, shared API parameters, backups."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from .roles import ensure_roles_after_migrate

        # The editorial groups follow core/roles.py after every migrate (tests included).
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
