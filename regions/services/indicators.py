"""Load district context indicators from district_indicators.csv."""
import math

import pandas as pd
from django.db import transaction

from ..models import AdminArea, DistrictIndicators
from . import reference_data

FILENAME = "district_indicators.csv"
COLUMNS = {  # CSV column -> model field
    "capital": "capital",
    "altitude": "altitude_m",
    "superficie": "surface_km2",
    "pob_densidad_2020": "density_2020",
    "pct_pobreza_total": "poverty_pct",
    "pct_pobreza_extrema": "extreme_poverty_pct",
    "idh_2019": "hdi_2019",
    "indice_vulnerabilidad_alimentaria": "food_vulnerability",
}


class IndicatorDataError(Exception):
    pass


def _value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@transaction.atomic
def load_indicators(*, source: str | None = None) -> tuple[int, list[str]]:
    """Upsert one row per known district; returns (loaded, ubigeos not in the boundaries)."""
    path = reference_data.resolve(source, [FILENAME])[FILENAME]
    # "S.I." (sin información) marks a missing value in the source.
    frame = pd.read_csv(path, dtype={"inei": str, "capital": str}, na_values=["S.I."])
    missing = {"inei", *COLUMNS} - set(frame.columns)
    if missing:
        raise IndicatorDataError(f"{FILENAME}: missing column(s) {', '.join(sorted(missing))}")
    for column, field in COLUMNS.items():
        if field == "capital":
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.index[numbers.isna() & frame[column].notna()]
        if len(bad):
            row = bad[0]
            raise IndicatorDataError(
                f"{FILENAME} line {row + 2}: {column} is {frame[column][row]!r}, not a number"
            )
        frame[column] = numbers
    districts = dict(
        AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).values_list("ubigeo", "pk")
    )
    rows, unknown = [], []
    for line, record in enumerate(frame.itertuples(index=False), start=2):
        if pd.isna(record.inei):
            unknown.append(f"line {line} (no code)")
            continue
        ubigeo = str(record.inei).zfill(6)
        if ubigeo not in districts:
            unknown.append(ubigeo)
            continue
        values = {field: _value(getattr(record, column)) for column, field in COLUMNS.items()}
        values["capital"] = values["capital"] or ""
        rows.append(DistrictIndicators(district_id=districts[ubigeo], **values))
    DistrictIndicators.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["district"], update_fields=list(COLUMNS.values()),
        batch_size=1000,
    )
    return len(rows), unknown
