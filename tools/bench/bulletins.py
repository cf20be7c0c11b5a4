"""(e) Bulletin ingestion: parse, geocode against the gazetteer and write one bulletin's draft
incidents (services.bulletins.ingest_bulletin), each in a transaction rolled back afterwards so
every run ingests it afresh. Bulletins: every *.txt in the given directories."""
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from incidents.services.bulletins.ingest import ingest_bulletin
from incidents.services.workflow import OPERATOR
from . import Row, ms, p50, p95


class Rollback(Exception):
    pass


def run(directories: list[Path], repeat: int = 3) -> tuple[list[Row], dict]:
    files = sorted(p for d in directories for p in Path(d).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no *.txt bulletin in {', '.join(map(str, directories))}")
    times, created, gazetteer = [], 0, []
    for n in range(repeat + 1):  # the first pass warms caches; not counted
        for path in files:
            text = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            try:
                with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                    result = ingest_bulletin(user=OPERATOR, text=text)
                    elapsed = time.perf_counter() - start
                    if n == 1:
                        gazetteer.append(sum(1 for q in queries.captured_queries if "regions_place" in q["sql"]))
                    if n == 1:
                        created += len(result.created)
                    raise Rollback
            except Rollback:
                pass
            if n:
                times.append(elapsed)
    row = Row("e", f"ingest one bulletin ({len(files)} bulletins x {repeat})",
              f"p50 {ms(p50(times))}, p95 {ms(p95(times))}, max {ms(max(times))}", "", "",
              "<= 200 ms per bulletin", p95(times) <= 0.200)
    row.notes.append(f"{created} draft incidents per pass; gazetteer queries per bulletin: at most "
                     f"{max(gazetteer)}, {sum(gazetteer)} for all {len(files)}; directories: "
                     f"{', '.join(map(str, directories))}")
    return [row], {}
