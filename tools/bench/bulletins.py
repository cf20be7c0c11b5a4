"""(e) Bulletin ingestion: parse, geocode against the gazetteer and write one bulletin's draft
incidents (services.bulletins.ingest_bulletin), each in a transaction rolled back afterwards so
every run ingests it afresh. Bulletins: every *.txt in the given directories. Baseline, in the
same run: the same passes with the gazetteer read name by name (the one-query prefetch of
services.bulletins.locate.prefetch_gazetteer switched off), passes alternating."""
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from incidents.services.bulletins import extract
from incidents.services.bulletins.ingest import ingest_bulletin
from incidents.services.workflow import OPERATOR
from . import Row, ms, p50, p95


class Rollback(Exception):
    pass


def _ingest(text: str) -> tuple[float, int, int]:
    """(seconds, draft incidents, gazetteer queries) of one ingestion, rolled back."""
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = ingest_bulletin(user=OPERATOR, text=text)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed, len(result.created), sum(1 for q in queries.captured_queries if "regions_place" in q["sql"])


def run(directories: list[Path], repeat: int = 3) -> tuple[list[Row], dict]:
    files = sorted(p for d in directories for p in Path(d).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no *.txt bulletin in {', '.join(map(str, directories))}")
    texts = [path.read_text(encoding="utf-8") for path in files]
    prefetch = extract.prefetch_gazetteer
    times = {"ours": [], "before": []}
    queries = {"ours": [], "before": []}
    created = 0
    try:
        for n in range(repeat + 1):  # the first pass warms caches; not counted
            for way in ("before", "ours"):
                extract.prefetch_gazetteer = prefetch if way == "ours" else (lambda texts, cache: None)
                for text in texts:
                    elapsed, drafts, gazetteer = _ingest(text)
                    if n:
                        times[way].append(elapsed)
                    if n == 1:
                        queries[way].append(gazetteer)
                        created += drafts if way == "ours" else 0
    finally:
        extract.prefetch_gazetteer = prefetch
    ours, before = times["ours"], times["before"]
    row = Row("e", f"ingest one bulletin ({len(files)} bulletins x {repeat})",
              f"p50 {ms(p50(ours))}, p95 {ms(p95(ours))}, max {ms(max(ours))}",
              f"gazetteer name by name: p50 {ms(p50(before))}, p95 {ms(p95(before))}, max {ms(max(before))}",
              f"{p95(before) / p95(ours):.2f}x (p95)", "<= 200 ms per bulletin", p95(ours) <= 0.200)
    row.notes.append(f"{created} draft incidents per pass; gazetteer queries per bulletin: at most "
                     f"{max(queries['ours'])} ({sum(queries['ours'])} for all {len(files)}), name by name at most "
                     f"{max(queries['before'])} ({sum(queries['before'])}); directories: "
                     f"{', '.join(map(str, directories))}")
    return [row], {}
