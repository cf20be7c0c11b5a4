from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"

    def ready(self):
        from .roles import ensure_roles_after_migrate

        # The editorial groups follow incidents/roles.py after every migrate (tests included).
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
