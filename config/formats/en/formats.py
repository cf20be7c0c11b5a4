"""English as this site has always written dates: "24 June 2018" (day first), not "June 24, 2018"."""
from django.conf.locale.en.formats import *  # noqa: F401,F403

DATE_FORMAT = "j F Y"
