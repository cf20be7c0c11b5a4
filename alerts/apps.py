from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("E-mail alerts")

    def ready(self):
        from django.db.models.signals import post_save

        from incidents.models import Incident

        from .services import claim_deliveries_on_save

        # Publishing (or saving a published incident) claims its deliveries in the same
        # transaction; the incidents layer below knows nothing of alerts.
        post_save.connect(claim_deliveries_on_save, sender=Incident,
                          dispatch_uid="alerts.claim_deliveries")
