"""API-wide behaviour shared by every app's endpoints."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors (from services' full_clean) as 400s."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for `Accept: application/geo+json` (RFC 7946's media type)."""

    media_type = "application/geo+json"
    format = "geojson"
