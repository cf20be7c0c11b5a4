"""API-wide behaviour shared by every app's endpoints."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "body_too_large"


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors (from services' full_clean) as 400s and an
    oversized body as a 413 naming the limit (Django's own answer is a bare 400 page)."""
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge(
            _("The request body is larger than %(limit)s bytes (DATA_UPLOAD_MAX_MEMORY_SIZE); "
              "send fewer features per request.") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for `Accept: application/geo+json` (RFC 7946's media type)."""

    media_type = "application/geo+json"
    format = "geojson"
