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


def _run(command: list[str], env: dict, umask: int = -1) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, umask=umask)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def _private_file(path: str) -> None:
    """Create `path` (or take the existing file) with mode 0600, not following a link."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise BackupError(f"cannot write {path}: {error.strerror}") from error
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT: set it
    finally:
        os.close(fd)


def backup(path: str, *, alias: str = "default") -> None:
    """Write the database to `path` (pg_dump custom format), readable by its owner only.

    A dump holds every unpublished report and every user's password hash; written with the
    usual umask (022) any local account could read it. The file is created 0600 before
    pg_dump opens it, and pg_dump runs with umask 077 in case it creates the file anew.
    """
    env, settings = libpq_env(alias)
    _private_file(path)
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", path, settings["NAME"]], env,
             umask=0o077)
    except BackupError:
        os.unlink(path)  # an empty or partial dump is not a backup
        raise


def restore(path: str, *, database: str, alias: str = "default") -> None:
    """Create database `database` and restore `path` into it. An existing database is refused,
    so a restore never overwrites data by accident."""
    env, _ = libpq_env(alias)
    _run(["createdb", database], env)
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database, path], env)
