"""Audience products: one alert document cut to what each audience may see (``data/products.yaml``).

:func:`render_product` keeps only the product's allow-listed paths, suppresses small harm counts
for audiences outside clinical roles (``alerts/suppression.py``), scrubs small counts from generated
text in those products, and finally checks that no forbidden key is present at any depth: a leak
raises :class:`ProductLeak` instead of being sent.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from alerts.suppression import HIDDEN, SMALL, scrub_small_numbers, suppress_count, suppress_table
from alerts.tables import Product, product_tables

__all__ = [
    "ProductLeak",
    "render_product",
    "project",
    "find_forbidden",
    "is_suppressed_value",
    "PARTITION_TABLES",
    "MULTI_VALUED_TABLES",
]

# harm tables in which every report falls in exactly one cell (complementary suppression applies)
PARTITION_TABLES = ("severity", "care_settings", "toxicology", "regions", "jurisdictions", "vulnerable_groups")
# harm tables in which a report may count in several cells (primary suppression only)
MULTI_VALUED_TABLES = ("effects",)
TEXT_FIELDS = ("title", "summary", "recommended_actions")


class ProductLeak(RuntimeError):
    """A rendered product contains a forbidden key; nothing is sent."""


def _split(path: str) -> list[str]:
    return path.split(".")


def _project_into(src: Any, parts: list[str], dst: dict[str, Any]) -> None:
    head, rest = parts[0], parts[1:]
    is_list = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(src, Mapping) or key not in src:
        return
    value = src[key]
    if not rest:
        dst[key] = copy.deepcopy(value)
        return
    if is_list:
        if not isinstance(value, list):
            return
        existing = dst.setdefault(key, [{} for _ in value])
        for item, out in zip(value, existing, strict=True):
            _project_into(item, rest, out)
        return
    if value is None:
        dst.setdefault(key, None)
        return
    sub = dst.setdefault(key, {})
    if isinstance(sub, dict):
        _project_into(value, rest, sub)


def project(document: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """Keep only ``paths`` of ``document`` (``a``, ``a.b``, ``a[].b``); missing paths are skipped."""
    out: dict[str, Any] = {}
    for path in paths:
        _project_into(document, _split(path), out)
    return out


def find_forbidden(value: Any, forbidden: frozenset[str], where: str = "") -> list[str]:
    """Paths of every forbidden key in ``value`` (any depth)."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            here = f"{where}.{k}" if where else str(k)
            if k in forbidden:
                found.append(here)
            found.extend(find_forbidden(v, forbidden, here))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(find_forbidden(v, forbidden, f"{where}[{i}]"))
    return found


def _suppress_harms(harms: dict[str, Any], threshold: int) -> dict[str, Any]:
    out = dict(harms)
    total = int(harms.get("reports") or 0)
    shown_total: int | str = suppress_count(total, threshold=threshold)
    for name in PARTITION_TABLES:
        cells = harms.get(name)
        if isinstance(cells, dict):
            table = suppress_table(cells, total=True, threshold=threshold, partition=True)
            out[name] = table.cells
            if table.total == HIDDEN:
                shown_total = HIDDEN
    for name in MULTI_VALUED_TABLES:
        cells = harms.get(name)
        if isinstance(cells, dict):
            out[name] = suppress_table(cells, total=False, threshold=threshold, partition=False).cells
    if "reports" in harms:
        out["reports"] = shown_total
    return out


def render_product(document: Mapping[str, Any], audience: str) -> dict[str, Any]:
    """The ``audience`` product of an alert document (see module docstring).

    Raises
    ------
    TableError
        ``audience`` is not a known product.
    ProductLeak
        The result would carry a forbidden key.
    """
    tables = product_tables()
    product: Product = tables.product(audience)
    out = project(document, product.fields)
    if product.suppress_harm_counts:
        if isinstance(out.get("harms"), dict):
            out["harms"] = _suppress_harms(out["harms"], tables.threshold)
        for name in TEXT_FIELDS:
            if isinstance(out.get(name), str):
                out[name] = scrub_small_numbers(out[name])
        signal = out.get("signal")
        if isinstance(signal, dict) and isinstance(signal.get("reason"), str):
            signal["reason"] = scrub_small_numbers(signal["reason"])
    out["audience"] = audience
    leaks = find_forbidden(out, tables.forbidden_keys)
    if leaks:
        raise ProductLeak(f"{audience} product of {document.get('id')} would carry forbidden fields: {leaks}")
    return out


def is_suppressed_value(value: Any) -> bool:
    """True for the markers used in place of hidden counts."""
    return value in (SMALL, HIDDEN)
