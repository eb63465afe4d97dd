"""The alert rules that are data: audiences per alert type and role (``data/audiences.yaml``) and the
audience products with their allow-lists and forbidden keys (``data/products.yaml``).

Both files are validated when loaded; a product that allows a forbidden key, an unknown audience or
an unknown role is refused with a :class:`TableError` naming the entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fews.access import ROLES

__all__ = [
    "DATA",
    "AUDIENCES",
    "ALERT_TYPES",
    "LEVELS",
    "TableError",
    "AudienceRules",
    "Product",
    "ProductTables",
    "audience_rules",
    "product_tables",
]

DATA = Path(__file__).parent / "data"
AUDIENCES: tuple[str, ...] = ("clinical", "enforcement", "prisons", "public_health", "policy", "international")
ALERT_TYPES: tuple[str, ...] = ("new_substance", "emerging_family", "near_miss", "border_first", "harm_cluster")
LEVELS: tuple[str, ...] = ("info", "warning", "urgent")


class TableError(ValueError):
    """A data table in ``alerts/data`` is inconsistent; the message names the entry."""


@dataclass(frozen=True)
class TypeRule:
    lead: str
    audiences: tuple[str, ...]
    level: str
    label: str


@dataclass(frozen=True)
class AudienceRules:
    types: dict[str, TypeRule]
    subtype_adds: dict[str, tuple[str, ...]]
    context_adds: dict[str, tuple[str, ...]]
    levels_by_severity: dict[str, str]
    role_products: dict[str, tuple[str, ...]]
    actions: dict[str, str]
    signal_only: frozenset[str] = frozenset()

    def rule(self, alert_type: str) -> TypeRule:
        try:
            return self.types[alert_type]
        except KeyError:
            raise TableError(f"unknown alert type {alert_type!r}; known: {', '.join(self.types)}") from None

    def audiences_for(self, alert_type: str, subtype: str | None, contexts: list[str]) -> list[str]:
        """Every audience of an alert: the type's list plus what its subtype and seizure contexts add."""
        rule = self.rule(alert_type)
        out = list(rule.audiences)
        extra = list(self.subtype_adds.get(subtype or "", ()))
        for ctx in contexts:
            extra.extend(self.context_adds.get(ctx, ()))
        for aud in extra:
            if aud == "clinical" and rule.lead != "clinical":
                continue  # clinicians get only clinically agreed alerts (DESIGN.md §4 rule 4)
            if aud not in out:
                out.append(aud)
        return out

    def level_for(self, alert_type: str, severities: list[str]) -> str:
        level = self.rule(alert_type).level
        for sev in severities:
            raised = self.levels_by_severity.get(sev)
            if raised and LEVELS.index(raised) > LEVELS.index(level):
                level = raised
        return level

    def products_for_role(self, role: str) -> tuple[str, ...]:
        return self.role_products.get(role, ())


@dataclass(frozen=True)
class Product:
    name: str
    description: str
    fields: tuple[str, ...]
    suppress_harm_counts: bool
    cap_category: str


@dataclass(frozen=True)
class ProductTables:
    forbidden_keys: frozenset[str]
    threshold: int
    products: dict[str, Product]

    def product(self, audience: str) -> Product:
        try:
            return self.products[audience]
        except KeyError:
            raise TableError(f"unknown audience {audience!r}; known: {', '.join(self.products)}") from None


def _load(name: str) -> dict[str, Any]:
    with open(DATA / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise TableError(f"{name}: expected a mapping at the top level")
    return data


def _audience_list(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TableError(f"{where}: expected a list of audiences, got {values!r}")
    for v in values:
        if v not in AUDIENCES:
            raise TableError(f"{where}: unknown audience {v!r}")
    return tuple(values)


@functools.cache
def audience_rules() -> AudienceRules:
    """The parsed ``audiences.yaml`` (cached)."""
    data = _load("audiences.yaml")
    types: dict[str, TypeRule] = {}
    for name, spec in data["alert_types"].items():
        if name not in ALERT_TYPES:
            raise TableError(f"audiences.yaml: unknown alert type {name!r}")
        lead = spec["lead"]
        auds = _audience_list(spec["audiences"], f"alert_types.{name}")
        if lead not in auds:
            raise TableError(f"alert_types.{name}: lead {lead!r} is not among its audiences")
        if "clinical" in auds and lead != "clinical":
            raise TableError(f"alert_types.{name}: only clinically led alerts may go to the clinical audience")
        if spec["level"] not in LEVELS:
            raise TableError(f"alert_types.{name}: unknown level {spec['level']!r}")
        types[name] = TypeRule(lead, auds, spec["level"], spec.get("label", name))
    missing = set(ALERT_TYPES) - set(types)
    if missing:
        raise TableError(f"audiences.yaml: no rule for alert types {sorted(missing)}")
    roles = {}
    for role, prods in data["roles"].items():
        if role not in ROLES:
            raise TableError(f"audiences.yaml roles: unknown role {role!r}")
        roles[role] = _audience_list(prods, f"roles.{role}")
    for lvl in data["levels_by_severity"].values():
        if lvl not in LEVELS:
            raise TableError(f"levels_by_severity: unknown level {lvl!r}")
    return AudienceRules(
        types=types,
        subtype_adds={k: _audience_list(v["add"], f"subtypes.{k}") for k, v in data["subtypes"].items()},
        context_adds={k: _audience_list(v["add"], f"contexts.{k}") for k, v in data["contexts"].items()},
        levels_by_severity=dict(data["levels_by_severity"]),
        role_products=roles,
        actions={k: " ".join(str(v).split()) for k, v in data["actions"].items()},
        signal_only=frozenset(data.get("signal_only_subtypes") or ()),
    )


@functools.cache
def product_tables() -> ProductTables:
    """The parsed ``products.yaml`` (cached); refuses a product that allows a forbidden key."""
    data = _load("products.yaml")
    forbidden = frozenset(data["forbidden_keys"])
    products: dict[str, Product] = {}
    for name, spec in data["products"].items():
        if name not in AUDIENCES:
            raise TableError(f"products.yaml: unknown audience {name!r}")
        fields = tuple(spec["fields"])
        for path in fields:
            parts = [p.removesuffix("[]") for p in path.split(".")]
            bad = forbidden.intersection(parts)
            if bad:
                raise TableError(f"products.{name}: field {path!r} is forbidden ({', '.join(sorted(bad))})")
        products[name] = Product(
            name=name,
            description=spec["description"],
            fields=fields,
            suppress_harm_counts=bool(spec["suppress_harm_counts"]),
            cap_category=spec["cap_category"],
        )
    missing = set(AUDIENCES) - set(products)
    if missing:
        raise TableError(f"products.yaml: no product for audiences {sorted(missing)}")
    return ProductTables(forbidden, int(data["small_number_threshold"]), products)
