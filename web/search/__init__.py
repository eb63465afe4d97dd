"""Search page: ``/search`` finds substances by name, synonym, InChIKey or S number (``fews.browse``), and by
substructure (SMILES or SMARTS) or similarity (SMILES) through the persisted structure index
(``fews.search_index``); ``/search/depict/<S<n>>.svg`` draws a hit with the query's atoms shaded."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)

from web.search import views  # noqa: E402,F401

__all__ = ["bp"]
