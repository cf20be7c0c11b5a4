"""The regions app's database objects, one readable file each in its current form; migrations
load them with `migrations.RunSQL(sql("name.sql"))`. The rules for changing a file are those of
incidents/sql/__init__.py."""
from pathlib import Path


def sql(name: str) -> str:
    """The text of `name`, a file in this directory."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")
