from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed login (security.lockout counts them per pair, per address and per username)."""

    username = models.CharField(verbose_name=_("username"), max_length=150, help_text=_("As typed, lower-cased."))
    ip_address = models.GenericIPAddressField(verbose_name=_("IP address"), null=True, blank=True)
    attempted_at = models.DateTimeField(verbose_name=_("attempted at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-attempted_at"]
        verbose_name = _("login failure")
        verbose_name_plural = _("login failures")
        indexes = [
            models.Index(fields=["username", "ip_address", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),  # the per-address limit
        ]

    def __str__(self):
        return f"{self.username} from {self.ip_address or 'unknown address'} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class LoginSuccess(models.Model):
    """An address a username logged in from, and when last: a lock caused by failures from
    many addresses does not apply there (security.lockout, the "account" rule)."""

    username = models.CharField(verbose_name=_("username"), max_length=150, help_text=_("Lower-cased."))
    ip_address = models.GenericIPAddressField(verbose_name=_("IP address"))
    last_success_at = models.DateTimeField(verbose_name=_("last success at"), db_index=True)

    class Meta:
        ordering = ["-last_success_at"]
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="security_loginsuccess_unique_pair"),
        ]
        verbose_name = _("known login address")
        verbose_name_plural = _("known login addresses")

    def __str__(self):
        return f"{self.username} from {self.ip_address} (last {self.last_success_at:%Y-%m-%d %H:%M:%S})"


class RateCounter(models.Model):
    """One client's request count in the current window of one throttle scope
    (security.throttling). An UNLOGGED table (migration 0003): a counter need not survive a
    crash nor reach a standby, so its writes cost no WAL."""

    key = models.TextField(primary_key=True, help_text="throttle_<scope>_<client or user id>")
    window_end = models.DateTimeField(help_text="The window ends (and the count restarts) then.")
    count = models.PositiveIntegerField(help_text="Requests allowed in this window (at most the rate + 1).")

    class Meta:
        db_table = "security_rate_counter"
        indexes = [models.Index(fields=["window_end"], name="security_ratecounter_end")]  # pruning

    def __str__(self):
        return f"{self.key}: {self.count} until {self.window_end:%Y-%m-%d %H:%M:%S}"
