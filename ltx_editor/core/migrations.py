"""Upgrades of older project files, one schema version at a time.

MIGRATIONS[n] turns a version-n document (the parsed JSON dict) into a version-(n + 1) one. Bump
project.SCHEMA_VERSION and add an entry here whenever the saved shape changes; never edit an old entry.
"""
from __future__ import annotations

from collections.abc import Callable

from .errors import ProjectFileError
from .project import SCHEMA_VERSION

Migration = Callable[[dict], dict]

MIGRATIONS: dict[int, Migration] = {}


def migrate(data: dict, *, target: int | None = None, migrations: dict[int, Migration] | None = None) -> dict:
    """`data` brought from its schema_version up to `target` (the current one by default)."""
    target = SCHEMA_VERSION if target is None else target
    steps = MIGRATIONS if migrations is None else migrations
    version = data["schema_version"]
    while version < target:
        step = steps.get(version)
        if step is None:
            raise ProjectFileError(f"Project files of schema version {version} can no longer be opened.",
                                   hint="Open and save it with an older LTX Editor first.")
        try:
            data = step(dict(data))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise ProjectFileError(f"Could not upgrade the project from schema version {version}: {e}.",
                                   hint="The file may be damaged.") from e
        version += 1
        data["schema_version"] = version
    return data
