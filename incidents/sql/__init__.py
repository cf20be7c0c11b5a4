"""The incidents app's database objects (functions, triggers, helper tables), one readable file
each in its current form (a trigger with its function, the search functions with their index);
migrations load them with `migrations.RunSQL(sql("name.sql"))`.

Each file starts with what the object is, who calls it, its history and a `-- Loaded by:` line
naming every migration that loads it (tests/incidents/test_sql_objects.py checks that line and
that every file is loaded). The rules that keep old migrations working on a fresh database:

- A file is loaded by the migration that created its object and again by each migration that
  changed it, so a database at any point of the history reaches the current form.
- A file is therefore idempotent (CREATE OR REPLACE FUNCTION, CREATE OR REPLACE TRIGGER from
  PostgreSQL 14 on, IF NOT EXISTS) and must stay valid at the first migration that loads it: it
  may only use what exists there. When a change cannot (it needs a column that a later
  migration adds), freeze the old text inline in the older migration and load the file from the
  new one only.
- A migration's reverse SQL restores the previous form inline: old forms are history, not
  objects, and get no file.
"""
from pathlib import Path


def sql(name: str) -> str:
    """The text of `name`, a file in this directory."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")
