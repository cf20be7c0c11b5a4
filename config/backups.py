"""Backups of the whole database with pg_dump / pg_restore (custom format, compressed)."""
import os
import subprocess

from django.db import connections


class BackupError(Exception):
    pass


def libpq_env(alias: str = "default") -> tuple[dict, dict]:
    """The connection settings as libpq environment variables, and the settings dict."""
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env, settings


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def backup(path: str, *, alias: str = "default") -> None:
    """Write the database to `path` (pg_dump custom format)."""
    env, settings = libpq_env(alias)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", path, settings["NAME"]], env)


def restore(path: str, *, database: str, alias: str = "default") -> None:
    """Create database `database` and restore `path` into it. An existing database is refused,
    so a restore never overwrites data by accident."""
    env, _ = libpq_env(alias)
    _run(["createdb", database], env)
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database, path], env)
