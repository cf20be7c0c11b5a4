"""The database objects in incidents/sql/ and regions/sql/ are each loaded by the migrations their header names,
and no query expression names its outer table: the SQL fragments are expressions (incidents
and regions selectors, regions/functions.py) that Django aliases wherever the query nests them."""
import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point

from incidents import selectors
from incidents.models import Incident
from tests.factories import make_actor, make_incident
from tests.places import PICHARI

ROOT = Path(__file__).resolve().parents[2]
APPS_WITH_SQL = ["incidents", "regions"]
LOADS = re.compile(r"""\bsql\(\s*["']([^"']+)["']\s*\)""")
LOADED_BY = re.compile(r"^-- Loaded by: (.+)$", re.MULTILINE)


def _loads(app: str) -> dict[str, set[str]]:
    """File name -> the migrations of `app` that load it."""
    loads: dict[str, set[str]] = {}
    for migration in sorted((ROOT / app / "migrations").glob("0*.py")):
        for name in LOADS.findall(migration.read_text(encoding="utf-8")):
            loads.setdefault(name, set()).add(migration.stem)
    return loads


@pytest.mark.parametrize("app", APPS_WITH_SQL)
def test_every_sql_file_is_loaded_by_the_migrations_its_header_names(app):
    sql_dir = ROOT / app / "sql"
    loads = _loads(app)
    files = {path.name for path in sql_dir.glob("*.sql")}
    assert files, sql_dir
    assert set(loads) == files  # no file left unloaded, no migration loading a missing file
    for name in sorted(files):
        header = LOADED_BY.findall((sql_dir / name).read_text(encoding="utf-8"))
        assert len(header) == 1, f"{name}: one '-- Loaded by:' line expected, found {header}"
        assert {m.strip() for m in header[0].split(",")} == loads[name], name


# Table names of the incidents and regions models (their many-to-many tables included).
TABLES = sorted(
    {model._meta.db_table for app in ("incidents", "regions") for model in apps.get_app_config(app).get_models()}
    | {field.remote_field.through._meta.db_table for app in ("incidents", "regions")
       for model in apps.get_app_config(app).get_models() for field in model._meta.local_many_to_many},
    key=len, reverse=True,
)
QUALIFIED = re.compile(r'"?\b(%s)"?\.["\w]' % "|".join(map(re.escape, TABLES)))


def _outer_table_fragments(source: str) -> list[str]:
    """Strings given to RawSQL(...) or .extra(...) (directly or through a module constant) that
    qualify a column with a table name, e.g. "incidents_incident.location"."""
    tree = ast.parse(source)
    constants = {
        target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
        for target in node.targets if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in ("RawSQL", "extra"):
            continue
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if isinstance(argument, ast.Name) and argument.id in constants:
                argument = constants[argument.id]
            for part in ast.walk(argument):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found += [match.group(0) for match in QUALIFIED.finditer(part.value)]
    return found


def test_the_guard_finds_an_outer_alias_in_raw_sql():
    assert sorted(_outer_table_fragments(
        'X = "ST_DWithin(incidents_incident.location, %s)"\nq.filter(RawSQL(X, ()))\n'
        'q.extra(where=[\'"regions_advisoryzone"."geom" IS NULL\'])'
    )) == ['"regions_advisoryzone"."', "incidents_incident.l"]
    assert _outer_table_fragments('cursor.execute("SELECT incidents_incident.id FROM incidents_incident")') == []


def test_no_raw_sql_fragment_assumes_an_outer_table_alias():
    offenders = {
        str(path.relative_to(ROOT)): fragments
        for app in ("incidents", "regions") for path in sorted((ROOT / app).rglob("*.py"))
        if (fragments := _outer_table_fragments(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.django_db
def test_geodesic_and_duplicate_expressions_work_inside_a_subquery():
    """As a subquery the incidents table is aliased (U0, U1 ...): the expressions follow it."""
    rebels = make_actor()
    near = make_incident(actors=[rebels])
    make_incident(title="Same clash, second report", actors=[rebels])
    near_pichari = selectors.filter_incidents(
        Incident.objects.all(), {"near": Point(PICHARI.x + 0.01, PICHARI.y, srid=4326), "radius_km": 5})
    assert list(selectors.published_actors(near_pichari)) == [rebels]
    with_duplicates = selectors.with_duplicate_ids(Incident.objects.filter(pk=near.pk))
    assert list(Incident.objects.filter(pk__in=with_duplicates.filter(duplicate_ids__len=1).values("pk"))) == [near]
