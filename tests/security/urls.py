"""Every URL the project routes, made concrete: each parameter gets a sample value.

The values need not name existing objects: the checks using this list (frame headers, CSRF)
hold for every answer, 404 included.
"""
import re

from django.conf import settings
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.utils import translation

SAMPLES = {"ubigeo": "12", "app_label": "incidents", "content_type_id": "1", "url": "x"}
ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _concrete(pattern) -> str:
    text = str(pattern.pattern)
    if text.startswith("^") or text.endswith("$"):  # re_path: admin's app list, DRF suffixes
        text = REGEX_GROUP.sub(lambda m: SAMPLES.get(m.group(1), "1"), text)
        text = text.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\Z", "")
    return ROUTE_PARAM.sub(lambda m: SAMPLES.get(m.group(2), "1"), text)


def all_paths(resolver=None, prefix="/") -> list[str]:
    paths = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            for language, _name in settings.LANGUAGES:  # the public pages, in each language
                with translation.override(language):
                    paths += all_paths(pattern, prefix + pattern.pattern.language_prefix)
            continue
        here = prefix + _concrete(pattern)
        if isinstance(pattern, URLResolver):
            paths += all_paths(pattern, here)
        elif isinstance(pattern, URLPattern):
            paths.append(here)
    return sorted(set(paths))
