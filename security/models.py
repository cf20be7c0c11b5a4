from django.db import models


class LoginFailure(models.Model):
    """One failed login; enough of them for a username from one address lock that pair."""

    username = models.CharField(max_length=150, help_text="As typed, lower-cased.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["username", "ip_address", "attempted_at"])]

    def __str__(self):
        return f"{self.username} from {self.ip_address or 'unknown address'} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
