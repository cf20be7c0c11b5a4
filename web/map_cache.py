"""The rendered folium maps of the public pages, cached for anonymous visitors.

Building and rendering a folium map costs most of a page's time (the departments' and advisory
zones' GeoJSON are serialised into the page's script). What a map shows depends only on public
data: the areas, the advisory zones and published incidents. So for anonymous visitors the
rendered parts (header, div, script) are kept in Django's cache under a key made of the page,
its arguments, the language (the legend, layer names and popups are in it), today's date and `published_version` (migration 0010), which moves with every write to
published incidents, advisory zones or areas and with nothing else: a draft written by an
editor neither empties the cache nor changes what a stranger receives.

The query string is not part of the key: none of these views reads it to build the map (the
explorer's filters are applied in the browser), and keying on it would let anyone skip the cache
by adding `?x=<random>`. Logged-in users (editors see drafts) always get a fresh map. For
anonymous visitors the whole page is cached too (web/page_cache.py, shared by the workers);
these parts spare the folium build when a page is rendered again after a data change.
"""
import hashlib
import re
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

from incidents import tiles

MapParts = dict[str, str]

# folium's header ends with an inline <script> that sets L_NO_TOUCH / L_DISABLE_3D. It runs after
# leaflet.js has read them (so it changes nothing), and the CSP refuses inline scripts without the
# response's nonce: it is left out. The map script itself gets the nonce in the template.
FOLIUM_GLOBAL_SWITCHES = re.compile(r"\s*<script>\s*L_NO_TOUCH = \w+;\s*L_DISABLE_3D = \w+;\s*</script>")
# folium's header also brings a second viewport tag with user-scalable=no, which blocks pinch
# zoom (#19 part 3): base.html's own tag is the only one.
FOLIUM_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


def render_parts(m) -> MapParts:
    """A folium map's header, div and script, rendered."""
    figure = m.get_root()
    figure.render()
    return {
        "map_header": FOLIUM_VIEWPORT.sub("", FOLIUM_GLOBAL_SWITCHES.sub("", figure.header.render())),
        "map_html": figure.html.render(),
        "map_script": figure.script.render(),
    }


def published_version() -> int:
    """The version of everything public pages show (see the module's doc)."""
    return tiles.data_version(published_only=True)


def cache_key(page: str, *args) -> str:
    # Today's date too: which advisory zones are in force changes at midnight.
    # The language: the map's legend, layer names, popups and labels are written in it.
    text = f"{page}|{args!r}|{get_language()}|{date.today().isoformat()}|{published_version()}"
    return "map-page:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def map_parts(request, page: str, args: tuple, build: Callable[[], object]) -> MapParts:
    """The rendered parts of the map `build()` makes: from the cache for anonymous visitors
    (key: page, args, language, published data version), built afresh for everyone else."""
    if request.user.is_authenticated:
        return render_parts(build())
    cache = caches["default"]
    key = cache_key(page, *args)
    parts = cache.get(key)
    if parts is None:
        parts = render_parts(build())
        cache.set(key, parts, settings.MAP_PAGE_CACHE_SECONDS)
    return parts
