"""`{% language_links as links %}`: this page in each language of settings.LANGUAGES.

Under the language prefix the link is the same page and query string in the other language
(Django's translate_url); static/js/language-switch.js adds the current filters and map view
(query string and #hash, which explorer.js changes without reloading) when it is clicked.
Unprefixed pages (the OGC API's HTML) keep their URL: the script sets the language cookie."""
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"].capitalize(),  # "Español", "English"
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _ in settings.LANGUAGES
    ]


def _foreign(code) -> bool:
    return bool(code) and code != get_language()


@register.simple_tag
def text_lang(code) -> str:
    """` lang="en"` on an element holding text written in another language than the page's
    (#14 part 5: advisory and incident texts are shown as written)."""
    return format_html(' lang="{}"', code) if _foreign(code) else ""


@register.simple_tag
def text_language_label(code) -> str:
    """A small "(en inglés)" after such a text; nothing when it is in the page's language."""
    if not _foreign(code):
        return ""
    try:
        name = str(get_language_info(code)["name_translated"])
        name = name.lower() if (get_language() or "").startswith("es") else name  # "inglés", "English"
    except KeyError:
        name = code
    return format_html(' <small class="text-language">({})</small>', _("in %(language)s") % {"language": name})
