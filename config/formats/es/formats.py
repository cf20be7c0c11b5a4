"""Spanish as this site writes it: Django's, with "." between thousands ("1.234", as the issue
asks and Peruvian newspapers print counts) instead of Django's non-breaking space."""
from django.conf.locale.es.formats import *  # noqa: F401,F403

THOUSAND_SEPARATOR = "."
