"""The results cache: one JSON file per unit, named by the unit's content address.

A key covers the rule text, the parameter values, the election's content, the measure's settings
and the hemicycle version (``spec.unit_key``), so a result is reused exactly when it would be
computed the same. Files are written whole (a temporary file, then a rename), so an interrupted
sweep leaves no half-written result; a damaged file is computed again.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class Cache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: no cache

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        try:
            data = json.loads(self._path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, payload: dict[str, Any]) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(payload, f, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # no cache is no error: the sweep goes on


def default_folder() -> Path:
    base = os.environ.get("HEMICYCLE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "hemicycle")
    return Path(base) / "sweep"
