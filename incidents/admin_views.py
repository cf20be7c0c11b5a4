"""Admin pages beside the incident list: gazetteer place search and file import."""
import os
import re
import secrets
import stat
import tempfile
import time
from datetime import date
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from regions.geocoding import geocode
from regions.models import AdminArea
from regions.selectors import advisories_at

from .models import Incident
from .selectors import areas_at
from .services.importers.common import ImportFailed
from .services.importers.files import FORMATS, import_file


# Threat line: a user with view_incident (Editor and up) sends `q`; its comma-separated areas
# qualify the name (second security review, finding 7: they were unlimited).
PLACE_SEARCH_MAX_QUALIFIERS = 3


# A leading "near"/"in" sets the precision as the bulletin parser reads it (services/bulletins/
# locate.py): "near Natividad" is a point near the town (precision 2), "in Natividad" and a
# bare name the town itself; an area stays an area (3) either way.
NEAR_PREFIX = re.compile(r"^(?:near|close to|outside|around|cerca de|cerca a|cerca|"
                         r"(?:en )?las inmediaciones de|(?:a )?las afueras de|alrededores de)\s+", re.I)
IN_PREFIX = re.compile(r"^(?:in|at|en)\s+", re.I)


def place_search_view(request):
    """GET ?q=Natividad, Pichari[&on=YYYY-MM-DD] → gazetteer candidates as JSON."""
    if not request.user.has_perm("incidents.view_incident"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    words = NEAR_PREFIX.sub("", text, count=1)
    near = words != text
    words = IN_PREFIX.sub("", words, count=1)
    name, *qualifiers = [part.strip() for part in words.split(",") if part.strip()] or [""]
    if len(name) < 3:
        return JsonResponse({"error": _("q: type at least 3 letters of a place name, optionally "
                                        "followed by its district or province after a comma.")},
                            status=400)
    if len(qualifiers) > PLACE_SEARCH_MAX_QUALIFIERS:
        # Each qualifier costs gazetteer queries and agreement work with every other one.
        return JsonResponse({"error": _("q: at most %(max)s areas after the place name (district, "
                                        "province, department), got %(count)s.") % {
            "max": PLACE_SEARCH_MAX_QUALIFIERS, "count": len(qualifiers)}}, status=400)
    try:
        on = date.fromisoformat(request.GET["on"]) if request.GET.get("on") else date.today()
    except ValueError:
        return JsonResponse({"error": _("on: expected a date as YYYY-MM-DD.")}, status=400)
    candidates = geocode(name, qualifiers=qualifiers, limit=8)
    results = []
    for c in candidates:
        point = Point(c.longitude, c.latitude, srid=4326)
        # The areas the database will assign from the point: a gazetteer entry's own ubigeo
        # can differ when the place lies just outside its district's polygon.
        assigned = [u for u in areas_at(point, finest=c.area_level).values() if u]
        results.append({"candidate": c, "point": point, "assigned": assigned})
    names = dict(AdminArea.objects.filter(
        ubigeo__in={u for r in results for u in r["assigned"]} | {r["candidate"].ubigeo
                                                                 for r in results},
    ).values_list("ubigeo", "name"))
    payload = []
    for r in results:
        c = r["candidate"]
        zones = advisories_at(r["point"], on=on)
        precision = c.geo_precision
        if near and precision == Incident.GeoPrecision.EXACT:
            precision = Incident.GeoPrecision.NEAR
        payload.append({
            "name": c.name, "kind": c.kind, "ubigeo": c.ubigeo,
            "listed_under": names.get(c.ubigeo, ""),
            "areas": [names[u] for u in reversed(r["assigned"]) if u in names],
            "longitude": c.longitude, "latitude": c.latitude,
            "geo_precision": precision,
            "geo_precision_label": str(Incident.GeoPrecision(precision).label),
            "area_level": c.area_level, "reason": c.reason,
            "advisories": [{"name": z.name, "kind": z.kind, "issuer": z.issuer,
                            "issuer_level": z.issuer_level, "wording": z.wording,
                            "severity": z.severity} for z in zones],
        })
    return JsonResponse({"query": text, "candidates": payload})


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy("ACLED or UCDP GED CSV (UTF-8), or GeoJSON."))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[(f, f.upper() if f != "geojson" else "GeoJSON")
                                        for f in FORMATS])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s bytes (IMPORT_MAX_MB). "
                  "Split it.") % {"size": f"{upload.size:,}", "limit": f"{settings.IMPORT_MAX_BYTES:,}"}
            )
        return upload


UPLOAD_MAX_AGE_S = 6 * 3600


class UnsafeUploadDir(PermissionError):
    """The upload directory's name is taken by something that is not our private directory."""


def _upload_dir() -> Path:
    """A directory only this process's user can use; uploads older than 6 hours are removed.

    Threat line: the name is predictable and /tmp is shared, so another local account may have
    planted a symbolic link there (to ~/.ssh, to the repository…), before the first upload or
    after a reboot. Following it would write uploads into, and delete files older than 6 hours
    from, the link's target. So the directory is opened with O_NOFOLLOW and checked on that
    open handle (a directory, ours, mode 0700) and old files are removed through the handle,
    never through a path that could be swapped. A web user (stranger or Editor) has no say here.
    """
    directory = Path(tempfile.gettempdir()) / f"vraem-imports-{os.getuid()}"
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:  # ELOOP: a symbolic link; ENOTDIR: a file
        raise UnsafeUploadDir(f"{directory} is not a directory (a symbolic link?); "
                              "remove it") from error
    try:
        info = os.fstat(fd)
        mode = stat.S_IMODE(info.st_mode)
        if info.st_uid != os.getuid() or mode & 0o077:
            raise UnsafeUploadDir(f"{directory} is not private to this user (owner uid "
                                  f"{info.st_uid}, mode {mode:o}); remove it")
        if mode != 0o700:  # ours and private, but a umask took our own bits: give them back
            os.fchmod(fd, 0o700)
        cutoff = time.time() - UPLOAD_MAX_AGE_S
        with os.scandir(fd) as entries:
            for entry in entries:
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.name, dir_fd=fd)  # removes a link itself, never its target
    finally:
        os.close(fd)
    return directory


def _save_upload(upload, directory: Path, name: str) -> Path:
    """Write the upload as a new private file (0600); never through an existing name or link."""
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _dry_run(path: str, format: str, user):
    """What importing would do, every bad row reported; the transaction is rolled back."""
    with transaction.atomic():
        summary = import_file(user=user, path=path, format=format, skip_invalid=True)
        transaction.set_rollback(True)
    return summary


def import_file_view(request):
    """Upload → preview (counts and row errors, nothing written) → import through import_file."""
    if not request.user.has_perm("incidents.add_incident"):
        raise PermissionDenied(_("Importing incidents needs the 'add incident' permission."))
    uploads = request.session.setdefault("incident_imports", {})
    context = {**admin.site.each_context(request), "title": _("Import incidents from a file")}
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        pending = uploads.get(token)
        if pending is None or not Path(pending["path"]).exists():
            messages.error(request, _("That upload has expired; upload the file again."))
            return redirect("admin:incidents_incident_import")
        skip = request.POST.get("skip_invalid") == "on"
        try:
            summary = import_file(user=request.user, path=pending["path"],
                                  format=pending["format"], skip_invalid=skip)
        except ImportFailed as error:
            context.update(form=ImportForm(), error=str(error))
            return TemplateResponse(request, "admin/incidents/import_file.html", context)
        Path(pending["path"]).unlink(missing_ok=True)
        del uploads[token]
        request.session.modified = True
        messages.success(request, _("%(name)s: %(created)s created, %(updated)s updated, "
                                    "%(unchanged)s unchanged, %(skipped)s skipped.") % {
            "name": pending["name"], "created": summary.created, "updated": summary.updated,
            "unchanged": summary.unchanged, "skipped": len(summary.skipped)})
        return redirect(reverse("admin:incidents_reviewitem_changelist"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, format = form.cleaned_data["file"], form.cleaned_data["format"]
        token = secrets.token_urlsafe(16)
        try:
            # Named by the format chosen, not the upload's name: nothing reads the suffix.
            path = _save_upload(upload, _upload_dir(), f"{token}.{format}")
        except UnsafeUploadDir as error:
            context.update(form=form, error=_("Uploads cannot be stored: %(error)s. Tell an "
                                              "administrator.") % {"error": error})
            return TemplateResponse(request, "admin/incidents/import_file.html", context, status=503)
        try:
            summary = _dry_run(str(path), format, request.user)
        except ImportFailed as error:
            path.unlink(missing_ok=True)
            context.update(form=form, error=str(error))
            return TemplateResponse(request, "admin/incidents/import_file.html", context)
        for earlier in uploads.values():  # one pending upload per session
            Path(earlier["path"]).unlink(missing_ok=True)
        uploads.clear()
        uploads[token] = {"path": str(path), "format": format, "name": upload.name}
        request.session.modified = True
        context.update(preview=summary, token=token, name=upload.name)
    context.setdefault("form", form)
    return TemplateResponse(request, "admin/incidents/import_file.html", context)
