"""`web_url`: a stored URL fit for an href, or "" (javascript:, data: and other schemes)."""
from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def web_url(value) -> str:
    text = "" if value is None else str(value).strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""
