"""The Spanish catalogues (#14 part 4): in step with the code and fully translated.

`tools/messages.py` runs makemessages in a copy of the source; a msgid marked in the code and
missing from its catalogue (or left in it after the code dropped it) fails here, and so does
an entry without a Spanish translation or marked fuzzy. Fix: `python -m tools.messages
--update`, translate, `make messages`."""
from pathlib import Path

import polib

from tools.messages import SOURCE, catalogues, stale, untranslated

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_catalogue_holds_exactly_the_strings_the_code_marks():
    assert stale() == {}


def test_every_entry_has_a_spanish_translation_and_none_is_fuzzy():
    assert untranslated() == {}


def test_the_projects_catalogues_are_where_make_compiles_them():
    found = [str(p) for p in catalogues()]
    assert {"locale/es/LC_MESSAGES/django.po", "locale/es/LC_MESSAGES/djangojs.po",
            "web/locale/es/LC_MESSAGES/django.po"} <= set(found)
    for path in found:
        po = polib.pofile(str(ROOT / path))
        assert po.metadata["Language"] == "es", path
        assert not po.metadata_is_fuzzy, path


def test_a_new_marked_string_makes_its_catalogue_stale(tmp_path):
    """The check itself, on a copy: one more marked string in web/ is reported missing from
    web's catalogue; one in a template, from the project's."""
    import shutil

    for name in SOURCE:  # every app of tools/layers.LAYERS, the project's catalogue too
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / name)
    (tmp_path / "web" / "views" / "extra.py").write_text(
        'from django.utils.translation import gettext_lazy as _\nLABEL = _("A string nobody translated")\n')
    (tmp_path / "templates" / "extra.html").write_text('{% load i18n %}{% translate "Another new one" %}')
    found = stale(tmp_path)
    assert found["web/locale/es/LC_MESSAGES/django.po"] == {
        "missing": [(None, "A string nobody translated", None)], "extra": []}
    assert found["locale/es/LC_MESSAGES/django.po"] == {"missing": [(None, "Another new one", None)], "extra": []}
