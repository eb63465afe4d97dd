"""The substance structure index for this process: loaded from (or built into) ``instance/search/`` by
``fews.search_index.load_or_build`` and kept in memory while the substance table's signature is unchanged."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from chem.search import StructureIndex
from fews.search_index import index_signature, load_or_build
from web.database import db

__all__ = ["substance_index", "index_path"]

_KEY = "fews_structure_index"
_lock = threading.Lock()


def index_path() -> Path:
    """Where the index is persisted: ``<instance>/search/substances.npz``."""
    return Path(current_app.config["FEWS"].instance_path) / "search" / "substances.npz"


def substance_index() -> StructureIndex:
    """The current index (one cheap signature query per call; a rebuild only after substances were added)."""
    signature = index_signature(db())
    cached = current_app.extensions.get(_KEY)
    if cached is not None and cached[0] == signature:
        return cached[1]  # type: ignore[no-any-return]
    with _lock:
        cached = current_app.extensions.get(_KEY)
        if cached is None or cached[0] != signature:
            cached = (signature, load_or_build(db(), index_path()))
            current_app.extensions[_KEY] = cached
    return cached[1]  # type: ignore[no-any-return]
