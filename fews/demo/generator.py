"""Deterministic synthetic FEWS data: seizures, harm reports, intelligence and psychoactivity results.

:func:`generate` builds, week by week, what the UK early-warning network would receive from an
established drug market with seasonality and negative-binomial noise, three emerging NPS
families rising in waves (nitazenes, synthetic cathinones, synthetic cannabinoids) and about
30 one-off novel substances a year that never take off (DESIGN.md section 9). The market itself
is data in :mod:`fews.demo.catalogue`.

Determinism and additivity
--------------------------
Every ISO week draws from its own random generator, seeded from ``(seed, stream, week)``, and
the scenario (wave start dates, doubling times, which one-off appears when) is anchored in
absolute time. So the rows of a week never depend on ``start`` or ``end``: generating with a
later ``end`` adds rows and changes none. Rows are only cut by reporting lag: a seizure is
included once its ``received_date`` (a report once its ``reported_date``) is on or before
``end``, as in reality; a sample id reserved for a sample not yet received is simply absent.

Counts
------
Weekly counts are negative binomial with dispersion ``phi = 2`` (variance = ``phi`` x mean,
the quasi-Poisson convention of outbreak-detection methods such as Farrington's), around a
mean that carries seasonality, trend and waves. At ``scale=1`` a week has about 100-150
samples (1.3 component rows each), 10-25 harm reports, 5-15 intelligence records; about 15
psychoactivity results arrive a year. ``scale`` multiplies the market, reports and intelligence;
the number of distinct new substances does not scale.

References
----------
FEWS DESIGN.md sections 3, 5 and 9. Farrington CP, Andrews NJ, Beale AD, Catchpole MA (1996),
"A statistical algorithm for the early detection of outbreaks of infectious disease",
J R Stat Soc A 159:547-563 (dispersion of weekly surveillance counts).

Examples
--------
>>> import datetime
>>> data = generate(datetime.date(2025, 6, 1), start=datetime.date(2025, 5, 5), scale=0.2)
>>> data.seizure_rows[0]["provider"]
'demo-lab'
>>> data == generate(datetime.date(2025, 6, 1), start=datetime.date(2025, 5, 5), scale=0.2)
True
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from fews.demo import catalogue as cat
from intake.kinds import PSYCHOACTIVITY as PSYCHOACTIVITY_SPEC

__all__ = [
    "DEFAULT_SEED",
    "DISPERSION",
    "INTEL_COLUMNS",
    "PROVIDER",
    "PSYCHOACTIVITY_COLUMNS",
    "REPORT_COLUMNS",
    "SEIZURE_COLUMNS",
    "DemoData",
    "generate",
    "ground_truth",
    "write_csv",
]

SEIZURE_COLUMNS: tuple[str, ...] = (
    "sample_id",
    "seizure_date",
    "submitting_agency",
    "seizure_context",
    "jurisdiction",
    "local_area",
    "product_as_sold",
    "component_name",
    "component_smiles",
    "role",
    "provider",
    "received_date",
    "product_form",
    "origin_country",
    "purity",
    "quantity",
    "method",
    "identification_level",
    "case_reference",
)
"""Seizure CSV columns (DESIGN.md 5.1): the required ten, then the optional ones (no ``spectrum_file``)."""

REPORT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "event_date",
    "care_setting",
    "suspected_substance_name",
    "severity",
    "region",
    "reported_date",
    "reporter_role",
    "effects",
    "vulnerable_group",
    "toxicology_status",
    "free_text",
    "sample_id",
)
"""RIDR report CSV columns (DESIGN.md 5.2): the required six, then the optional ones."""

INTEL_COLUMNS: tuple[str, ...] = (
    "record_id",
    "stream",
    "observed_date",
    "source",
    "jurisdiction",
    "local_area",
    "sold_as",
    "found_name",
    "found_smiles",
    "provider",
    "sample_code",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "price_gbp",
    "url_or_market",
    "notes",
)
"""Intelligence CSV columns: the required nine, then the optional ones.

One row per finding; rows sharing ``record_id`` are several substances found in one record.
``stream`` is ``drug_checking``, ``street_survey`` or ``online_market``; ``found_name`` and
``found_smiles`` are empty when nothing was analysed (street surveys); the grading columns follow
the police 3x5x2 model (``source_evaluation`` 1-3, ``intelligence_assessment`` A-E,
``handling_code`` P or C).
"""

PSYCHOACTIVITY_COLUMNS: tuple[str, ...] = PSYCHOACTIVITY_SPEC.header_fields
"""Psychoactivity result CSV columns (FEWS III in vitro testing).

``result`` is ``active``, ``inactive`` or ``inconclusive``; ``potency_value`` (EC50/IC50 in
``potency_unit``, always ``nM``) and ``efficacy_percent`` (relative to ``reference_compound``)
are empty unless active; ``sample_id`` (optional) names the seizure sample tested, which may lie
before the generated window.
"""

PROVIDER = "demo-lab"
"""Provider of every generated seizure row."""

INTEL_PROVIDER = "demo-intel"
"""Provider of every generated intelligence row."""

DEFAULT_SEED = 20161
"""Default seed (the Psychoactive Substances Act 2016 received Royal Assent in 2016)."""

DISPERSION = 2.0
"""Negative-binomial dispersion phi of weekly counts: variance = phi x mean."""

DEFAULT_WEEKS = 156
"""Default span: ``start`` is the Monday 156 ISO weeks before the week of ``end``."""

_WEEK_ZERO = dt.date(2000, 1, 3)  # a Monday; week indices count from here
_SYNTHETIC = "[SYNTHETIC DEMO RECORD]"

# random streams
_SEIZURES, _REPORTS, _INTEL, _WAVE, _ONEOFF, _ONEOFF_CATEGORY, _ONEOFF_ORDER = 1, 2, 3, 10, 11, 12, 13
_PSYCHO_MEMBER, _PSYCHO_SLOT = 14, 15


@dataclass(frozen=True)
class DemoData:
    """Generated rows, every value a string (``""`` when empty), in the column sets of this module."""

    seizure_rows: list[dict[str, str]]
    report_rows: list[dict[str, str]]
    intel_rows: list[dict[str, str]]
    psychoactivity_rows: list[dict[str, str]]


# --------------------------------------------------------------------------------------------
# time helpers
# --------------------------------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_index(day: dt.date) -> int:
    return (_monday(day) - _WEEK_ZERO).days // 7


def _week_monday(week: int) -> dt.date:
    return _WEEK_ZERO + dt.timedelta(weeks=week)


def _week_label(week: int) -> str:
    year, number, _ = _week_monday(week).isocalendar()
    return f"{year}W{number:02d}"


def _seasonal(week: int, peak_week: int, amplitude: float) -> float:
    iso_week = _week_monday(week).isocalendar()[1]
    return 1.0 + amplitude * math.cos(2.0 * math.pi * (iso_week - peak_week) / 52.0)


def _trend(week: int, per_year: float) -> float:
    if not per_year:
        return 1.0
    years = (_week_monday(week) - dt.date(2024, 1, 1)).days / 365.25
    return float((1.0 + per_year) ** years)


# --------------------------------------------------------------------------------------------
# random helpers
# --------------------------------------------------------------------------------------------


def _rng(seed: int, stream: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream, *keys])


def _nb(rng: np.random.Generator, mean: float) -> int:
    """Negative-binomial count with the given mean and variance ``DISPERSION * mean``."""
    if mean <= 0.0:
        return 0
    return int(rng.negative_binomial(mean / (DISPERSION - 1.0), 1.0 / DISPERSION))


def _pick(rng: np.random.Generator, weighted: Sequence[tuple[str, float]]) -> str:
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for value, weight in weighted:
        r -= weight
        if r < 0.0:
            return value
    return weighted[-1][0]


def _pick_index(rng: np.random.Generator, weights: Sequence[float]) -> int:
    total = sum(weights)
    r = rng.random() * total
    for i, weight in enumerate(weights):
        r -= weight
        if r < 0.0:
            return i
    return len(weights) - 1


def _first_hit(rng: np.random.Generator, ordered: Sequence[tuple[str, float]]) -> str:
    for value, p in ordered:
        if rng.random() < p:
            return value
    return ordered[-1][0]


# --------------------------------------------------------------------------------------------
# the scenario: waves and one-off slots, fixed by the seed alone
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _WavePlan:
    wave: cat.Wave
    index: int
    start: int
    doubling: float
    plateau_start: float
    plateau_end: float
    harm_lag: int
    intro: tuple[int, ...]

    def intensity(self, week: int) -> float:
        """Expected seizures a week at ``scale=1``."""
        s = week - self.start
        if s < 0:
            return 0.0
        wave = self.wave
        if s < self.plateau_start:
            return min(wave.plateau_per_week, wave.start_per_week * 2.0 ** (s / self.doubling))
        if s < self.plateau_end:
            return wave.plateau_per_week
        decay = 0.5 ** ((s - self.plateau_end) / wave.decline_half_life_weeks)
        return wave.plateau_per_week * (wave.floor_fraction + (1.0 - wave.floor_fraction) * decay)

    def actives(self) -> list[int]:
        return [i for i, m in enumerate(self.wave.members) if not m.precursor_of]

    def member_weights(self, week: int) -> list[tuple[str, float]]:
        """Share of each introduced active member: newer members ramp up, older ones fade."""
        actives = self.actives()
        out = []
        for pos, i in enumerate(actives):
            intro = self.intro[i]
            if week < intro:
                continue
            weight = min(1.0, 0.15 * 2.0 ** ((week - intro) / 3.0))
            if pos + 1 < len(actives) and week > self.intro[actives[pos + 1]]:
                weight *= max(0.08, 0.5 ** ((week - self.intro[actives[pos + 1]]) / 20.0))
            out.append((self.wave.members[i].name, weight))
        return out

    def route_weights(self, week: int, *, ignore_opening: bool = False) -> list[float]:
        s = week - self.start
        out = []
        for route in self.wave.routes:
            ramp = 1.0 if ignore_opening else min(1.0, max(0.0, (s - route.opens_week + 1) / route.ramp_weeks))
            out.append(ramp * (route.late + (route.early - route.late) * 0.5 ** (max(s, 0) / 16.0)))
        return out


@dataclass(frozen=True)
class _Slot:
    """A one-off novel substance: when and where it turns up, then never again."""

    k: int
    substance: cat.Substance
    debut: int
    debut_context: str
    repeats: tuple[int, ...]
    checking_week: int | None
    online_week: int | None


class _Scenario:
    def __init__(self, seed: int, waves: bool = True) -> None:
        self.seed = seed
        self.plans = tuple(self._plan(i, wave) for i, wave in enumerate(cat.WAVES)) if waves else ()
        self.epoch = _week_index(cat.ONE_OFF_EPOCH)
        self.spacing = 52.0 / cat.ONE_OFFS_PER_YEAR
        self._pool = cat.novel_pool()
        self._orders = {
            category: _rng(seed, _ONEOFF_ORDER, i).permutation(len(self._pool[category])).tolist()
            for i, (category, _) in enumerate(cat.NOVEL_CATEGORY_WEIGHTS)
        }
        self._used = {category: 0 for category, _ in cat.NOVEL_CATEGORY_WEIGHTS}
        self._slot_substances: list[cat.Substance] = []
        self._slots: dict[int, _Slot] = {}

    def _plan(self, index: int, wave: cat.Wave) -> _WavePlan:
        rng = _rng(self.seed, _WAVE, index)
        start = _week_index(wave.anchor) + int(rng.integers(-wave.anchor_jitter_weeks, wave.anchor_jitter_weeks + 1))
        doubling = float(rng.uniform(*wave.doubling_weeks))
        plateau_start = doubling * math.log2(wave.plateau_per_week / wave.start_per_week)
        plateau_end = plateau_start + int(rng.integers(wave.plateau_weeks[0], wave.plateau_weeks[1] + 1))
        harm_lag = int(rng.integers(wave.harm_lag_weeks[0], wave.harm_lag_weeks[1] + 1))
        intro: list[int] = []
        for member in wave.members:
            jitter = (
                0
                if member.offset_weeks == 0
                else int(rng.integers(-wave.member_jitter_weeks, wave.member_jitter_weeks + 1))
            )
            week = start + member.offset_weeks + jitter
            intro.append(max(week, intro[-1] + 1) if intro else week)
        return _WavePlan(wave, index, start, doubling, plateau_start, plateau_end, harm_lag, tuple(intro))

    # one-off slots ---------------------------------------------------------------------------

    def _slot_substance(self, k: int) -> cat.Substance:
        categories = [c for c, _ in cat.NOVEL_CATEGORY_WEIGHTS]
        weights = [w for _, w in cat.NOVEL_CATEGORY_WEIGHTS]
        while len(self._slot_substances) <= k:
            j = len(self._slot_substances)
            category = categories[_pick_index(_rng(self.seed, _ONEOFF_CATEGORY, j), weights)]
            if self._used[category] >= len(self._pool[category]):
                left = [(c, w) for c, w in cat.NOVEL_CATEGORY_WEIGHTS if self._used[c] < len(self._pool[c])]
                if left:  # this class is used up: take another that still has unseen substances
                    category = left[_pick_index(_rng(self.seed, _ONEOFF_CATEGORY, j, 1), [w for _, w in left])][0]
            order = self._orders[category]
            self._slot_substances.append(self._pool[category][order[self._used[category] % len(order)]])
            self._used[category] += 1
        return self._slot_substances[k]

    def slot(self, k: int) -> _Slot:
        if k not in self._slots:
            rng = _rng(self.seed, _ONEOFF, k)
            debut = self.epoch + int(math.floor((k + rng.random()) * self.spacing))
            substance = self._slot_substance(k)
            product = cat.ONE_OFF_PRODUCTS[substance.category]
            context = _pick(rng, product.contexts)
            n_repeats = int(rng.choice(3, p=[0.55, 0.3, 0.15]))
            repeats = tuple(sorted(debut + int(x) for x in rng.integers(1, 11, size=n_repeats)))
            checking = debut + int(rng.integers(-2, 9)) if rng.random() < 0.12 else None
            online = debut + int(rng.integers(-6, 7)) if rng.random() < 0.2 else None
            self._slots[k] = _Slot(k, substance, debut, context, repeats, checking, online)
        return self._slots[k]

    def slots_between(self, first_week: int, last_week: int) -> list[_Slot]:
        """Slots whose debut week lies in ``[first_week, last_week]``."""
        k_lo = max(0, int(math.floor((first_week - self.epoch) / self.spacing)) - 2)
        k_hi = int(math.ceil((last_week - self.epoch + 1) / self.spacing)) + 1
        return [s for s in (self.slot(k) for k in range(k_lo, k_hi + 1)) if first_week <= s.debut <= last_week]


@functools.lru_cache(maxsize=8)
def _scenario(seed: int, waves: bool = True) -> _Scenario:
    return _Scenario(seed, waves)


# --------------------------------------------------------------------------------------------
# seizures
# --------------------------------------------------------------------------------------------


@dataclass
class _Spec:
    product: cat.Product
    member: str = ""
    context: str = ""
    novel: bool = False
    precursor: str = ""
    debut_of: str = ""


@dataclass
class _Sample:
    sample_id: str
    seizure_date: dt.date
    received_date: dt.date
    region: str
    rows: list[dict[str, str]]
    names: frozenset[str]


@dataclass
class _Record:
    """A report or intelligence record: its id, visibility date and rows."""

    record_id: str
    visible: dt.date
    rows: list[dict[str, str]]


@dataclass
class _Week:
    samples: list[_Sample]
    reports: list[_Record] = field(default_factory=list)
    intel: list[_Record] = field(default_factory=list)
    debuts: dict[str, _Sample] = field(default_factory=dict)


@dataclass(frozen=True)
class _Place:
    agency: str
    jurisdiction: str
    local_area: str
    region: str
    case_code: str
    kind: str


_FORCE_WEIGHTS = [f.weight for f in cat.FORCES]
_PRISON_WEIGHTS = [p.weight for p in cat.PRISONS]


def _force_place(rng: np.random.Generator, product: cat.Product | None = None) -> _Place:
    if product is not None and product.areas and rng.random() < 0.85:
        area = _pick(rng, product.areas)
        force = cat.AREA_FORCE[area]
    else:
        force = cat.FORCES[_pick_index(rng, _FORCE_WEIGHTS)]
        area = force.areas[int(rng.integers(len(force.areas)))]
    return _Place(force.name, force.jurisdiction, area, force.region, force.code, "police")


def _place(rng: np.random.Generator, context: str, product: cat.Product) -> _Place:
    if context in cat.BORDER_PLACES:
        options = cat.BORDER_PLACES[context]
        i = _pick_index(rng, [o[3] for o in options])
        area, code, region, _ = options[i]
        return _Place("Border Force", "England", area, region, code, "border")
    if context == "prison":
        prison = cat.PRISONS[_pick_index(rng, _PRISON_WEIGHTS)]
        return _Place(prison.agency, prison.jurisdiction, prison.local_area, prison.region, prison.code, "prison")
    place = _force_place(rng, product)
    if context == "online" and rng.random() < 0.5:
        return _Place("National Crime Agency", place.jurisdiction, place.local_area, place.region, "NCA", "nca")
    return place


def _case_reference(rng: np.random.Generator, place: _Place, year: int) -> str:
    if rng.random() < 0.1:
        return ""
    n = int(rng.integers(1, 100000))
    if place.kind == "border":
        return f"BF-{place.case_code}/{year}/{n:05d}"
    if place.kind == "prison":
        prefix = {"HM Prison and Probation Service": "HMPPS", "Scottish Prison Service": "SPS"}.get(
            place.agency, "NIPS"
        )
        return f"{prefix}-{place.case_code}/{year}/{n % 10000:04d}"
    operation = cat.CASE_OPERATIONS[int(rng.integers(len(cat.CASE_OPERATIONS)))]
    prefix = "NCA" if place.kind == "nca" else "OP"
    return f"{prefix}-{operation}/{year}/{n:05d}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit if n == 1 else unit + 's'}"


def _quantity(rng: np.random.Generator, product: cat.Product, form: str, context: str) -> str:
    kind = product.quantity
    if form == "e_liquid":
        kind = "devices"
    elif form == "paper" and kind == "g":
        kind = "sheets"
    elif form in ("tablet",) and kind == "g":
        kind = "tablets"
    elif form == "capsule" and kind in ("g", "tablets"):
        kind = "capsules"
    elif form == "liquid" and kind == "g":
        kind = "mL"
    bulk = context in ("border_freight", "border_passenger")
    if kind == "g":
        if bulk:
            kilos = float(np.exp(rng.normal(1.0 if context == "border_freight" else 0.0, 1.0)))
            return f"{max(kilos, 0.1):.1f} kg" if kilos >= 1.0 else f"{int(kilos * 1000)} g"
        grams = float(np.exp(rng.normal(3.0 if context == "border_postal" else 0.5, 1.2)))
        return f"{grams:.1f} g" if grams < 100 else f"{int(grams)} g"
    if kind in ("tablets", "capsules"):
        n = int(np.exp(rng.normal(5.0 if context == "border_postal" else 2.5, 1.0))) + 1
        return _plural(n, kind[:-1])
    if kind == "sheets":
        return _plural(int(rng.integers(1, 8)), "sheet")
    if kind == "mL":
        return f"{int(np.exp(rng.normal(4.0, 0.8))) + 5} mL"
    if kind == "devices":
        return _plural(int(np.exp(rng.normal(0.5, 1.0))) + 1, "device")
    if kind == "plants":
        return _plural(int(np.exp(rng.normal(2.5, 1.2))) + 1, "plant")
    raise ValueError(f"unknown quantity kind {kind!r} in product {product.key!r}")


_NOVEL_METHODS = (("GC-MS; NMR", 0.35), ("LC-QTOF; NMR", 0.25), ("LC-QTOF", 0.25), ("GC-MS", 0.15))
_LEVEL_METHODS: dict[str, tuple[tuple[str, float], ...]] = {
    "confirmed_crm": (("GC-MS", 0.7), ("LC-MS/MS", 0.3)),
    "confirmed_two_techniques": (("GC-MS; FTIR", 0.6), ("GC-MS; LC-QTOF", 0.3), ("GC-MS; NMR", 0.1)),
    "tentative_library": (("GC-MS", 0.6), ("LC-QTOF", 0.4)),
    "presumptive": (("FTIR", 0.6), ("Raman", 0.4)),
}


def _method_and_level(rng: np.random.Generator, *, novel: bool, context: str) -> tuple[str, str]:
    if novel:
        method = _pick(rng, _NOVEL_METHODS)
        level = "confirmed_two_techniques" if ";" in method else "tentative_library"
        return method, level
    levels = [
        ("confirmed_two_techniques", 0.68),
        ("confirmed_crm", 0.17),
        ("tentative_library", 0.09),
        ("presumptive", 0.06 if not context.startswith("border") else 0.2),
    ]
    level = _pick(rng, levels)
    return _pick(rng, _LEVEL_METHODS[level]), level


def _blank_structure(rng: np.random.Generator, substance: cat.Substance) -> bool:
    if not substance.name_only:
        return False
    return bool(rng.random() < (0.04 if substance.name in cat.ESTABLISHED_NAMES else 0.2))


def _build_sample(rng: np.random.Generator, spec: _Spec, week: int, sample_id: str) -> _Sample:
    product = spec.product
    substances = cat.substances()
    context = spec.context or _pick(rng, product.contexts)
    place = _place(rng, context, product)
    seizure_date = _week_monday(week) + dt.timedelta(days=int(rng.integers(7)))
    received_date = seizure_date + dt.timedelta(days=3 + int(min(37.0, rng.gamma(2.0, 6.0))))
    sold_as = _pick(rng, product.sold_as).replace(cat.MEMBER, spec.member)
    form = _pick(rng, product.forms)

    components: list[tuple[str, str]] = []  # (name, role)
    main = _pick(rng, product.actives).replace(cat.MEMBER, spec.member)
    if main == "unidentified":
        components.append((cat.UNIDENTIFIED_NAMES[int(rng.integers(len(cat.UNIDENTIFIED_NAMES)))], "unknown"))
    else:
        components.append((main, "active"))
    for name, role, p in product.extras:
        name = name.replace(cat.MEMBER, spec.member)
        if rng.random() < p and all(name != c[0] for c in components):
            components.append((name, role))
    if spec.precursor:
        components.append((spec.precursor, "precursor"))
    if rng.random() < 0.015 and components[0][1] == "active":  # a trace the lab could not name
        components.append(("unidentified component", "unknown"))

    method, level = _method_and_level(rng, novel=spec.novel, context=context)
    origin = ""
    if context.startswith("border") and rng.random() < 0.75:
        origin = _pick(rng, product.origins or (("Netherlands", 0.5), ("Spain", 0.25), ("China", 0.25)))
    case_reference = _case_reference(rng, place, seizure_date.year)
    purity = ""
    if product.purity and form in ("powder", "crystal") and components[0][1] == "active" and rng.random() < 0.55:
        lo, hi = product.purity
        if context in ("border_freight", "border_passenger"):
            lo = max(lo, min(hi - 5, 60))
        purity = str(int(rng.integers(lo, hi + 1)))
    quantity = _quantity(rng, product, form, context)

    rows = []
    for i, (name, role) in enumerate(components):
        substance = substances.get(name)
        smiles = "" if substance is None or _blank_structure(rng, substance) else substance.smiles
        rows.append(
            {
                "sample_id": sample_id,
                "seizure_date": seizure_date.isoformat(),
                "submitting_agency": place.agency,
                "seizure_context": context,
                "jurisdiction": place.jurisdiction,
                "local_area": place.local_area,
                "product_as_sold": sold_as,
                "component_name": name,
                "component_smiles": smiles,
                "role": role,
                "provider": PROVIDER,
                "received_date": received_date.isoformat(),
                "product_form": form,
                "origin_country": origin,
                "purity": purity if i == 0 else "",
                "quantity": quantity if i == 0 else "",
                "method": method,
                "identification_level": "" if role == "unknown" else level,
                "case_reference": case_reference,
            }
        )
    return _Sample(sample_id, seizure_date, received_date, place.region, rows, frozenset(n for n, _ in components))


def _debut_spec(rng: np.random.Generator, plan: _WavePlan, i: int, week: int) -> _Spec:
    wave = plan.wave
    member = wave.members[i]
    context = wave.first_context if i == 0 else _pick(rng, wave.debut_contexts)
    route_weights = plan.route_weights(week, ignore_opening=True)
    candidates = [
        (r, w)
        for r, w in zip(wave.routes, route_weights, strict=True)
        if any(c == context for c, _ in r.product.contexts)
    ]
    if not candidates:
        candidates = [(wave.routes[0], 1.0)]
        context = ""
    route = candidates[_pick_index(rng, [w for _, w in candidates])][0]
    if member.precursor_of:
        introduced = [m for m in member.precursor_of if plan.intro[[x.name for x in wave.members].index(m)] <= week]
        target = introduced[0] if introduced else member.precursor_of[0]
        return _Spec(
            route.product,
            member=target,
            context=context,
            novel=True,
            precursor=member.name,
            debut_of=member.name,
        )
    return _Spec(route.product, member=member.name, context=context, novel=True, debut_of=member.name)


def _wave_specs(rng: np.random.Generator, plan: _WavePlan, week: int, scale: float) -> list[_Spec]:
    specs = []
    n = _nb(rng, plan.intensity(week) * scale)
    members = plan.member_weights(week)
    if n and members:
        route_weights = plan.route_weights(week)
        precursors = [(m, plan.intro[i]) for i, m in enumerate(plan.wave.members) if m.precursor_of]
        for _ in range(n):
            route = plan.wave.routes[_pick_index(rng, route_weights)]
            member = _pick(rng, members)
            precursor = ""
            for p, intro in precursors:
                if intro <= week and member in p.precursor_of and rng.random() < 0.3:
                    precursor = p.name
            specs.append(_Spec(route.product, member=member, precursor=precursor))
    for i, intro in enumerate(plan.intro):
        if intro == week:
            specs.append(_debut_spec(rng, plan, i, week))
    return specs


def _seizure_week(scn: _Scenario, week: int, scale: float) -> _Week:
    rng = _rng(scn.seed, _SEIZURES, week)
    specs: list[_Spec] = []
    for series in cat.MARKET:
        mean = (
            series.weekly_mean
            * _seasonal(week, series.peak_week, series.amplitude)
            * _trend(week, series.trend_per_year)
            * scale
        )
        specs.extend(_Spec(series.product) for _ in range(_nb(rng, mean)))
    for plan in scn.plans:
        specs.extend(_wave_specs(rng, plan, week, scale))
    for slot in scn.slots_between(week - 10, week):
        product = cat.ONE_OFF_PRODUCTS[slot.substance.category]
        if slot.debut == week:
            specs.append(
                _Spec(
                    product,
                    member=slot.substance.name,
                    context=slot.debut_context,
                    novel=True,
                    debut_of=slot.substance.name,
                )
            )
        specs.extend(_Spec(product, member=slot.substance.name) for r in slot.repeats if r == week)
    label = _week_label(week)
    samples = []
    debuts = {}
    for number, i in enumerate(rng.permutation(len(specs)).tolist(), start=1):
        spec = specs[i]
        sample = _build_sample(rng, spec, week, f"DEMO-S-{label}-{number:04d}")
        samples.append(sample)
        if spec.debut_of:
            debuts[spec.debut_of] = sample
    samples.sort(key=lambda s: s.sample_id)
    return _Week(samples, debuts=debuts)


# --------------------------------------------------------------------------------------------
# harm reports
# --------------------------------------------------------------------------------------------

_CLASS_NAMES = {
    "nitazene": "nitazenes",
    "scra": "synthetic cannabinoids",
    "cathinone": "synthetic cathinones",
}
_OUTCOMES = {
    "mild": "Observed and discharged the same day.",
    "moderate": "Admitted for observation; recovered.",
    "severe": "Required critical care support; recovered.",
    "fatal": "Died despite resuscitation.",
}
_SETTING_TEXT = {
    "emergency_department": "Attended the emergency department",
    "ambulance": "Attended by the ambulance service",
    "hospital_inpatient": "Inpatient reviewed",
    "critical_care": "Admitted to critical care",
    "primary_care": "Seen in primary care",
    "sexual_health": "Seen at a sexual health clinic",
    "drug_treatment": "Seen by the drug treatment service",
    "prison_healthcare": "Seen by prison healthcare",
    "mental_health": "Seen by the mental health team",
    "pharmacy": "Presented at a community pharmacy",
    "police_custody_healthcare": "Seen by custody healthcare",
}
_REPORT_REGION_PRISONS = [p for p in cat.PRISONS if p.region]


def _free_text(names: list[str], effects: list[str], care: str, severity: str, tox: str) -> str:
    effect_text = ", ".join(e.replace("_", " ") for e in effects)
    tox_text = {
        "confirmed": "Toxicology confirmed",
        "probable": "Toxicology suggests",
        "possible": "Possible exposure to",
        "none": "No toxicology; suspected",
    }[tox]
    return (
        f"{_SYNTHETIC} {_SETTING_TEXT.get(care, 'Seen')} after suspected use of {' and '.join(names)}. "
        f"{effect_text.capitalize()}. {tox_text} {names[-1]}. {_OUTCOMES[severity]}"
    )


def _build_report(
    rng: np.random.Generator,
    pattern: cat.HarmPattern,
    week: int,
    report_id: str,
    *,
    wave_key: str = "",
    member: str = "",
    samples: Sequence[_Sample] = (),
) -> _Record:
    event = _week_monday(week) + dt.timedelta(days=int(rng.integers(7)))
    reported = event + dt.timedelta(days=7 + int(min(49.0, rng.gamma(2.0, 6.0))))
    care = _pick(rng, pattern.settings)
    severity = _pick(rng, pattern.severities)
    tox = _pick(rng, pattern.toxicology)
    names = [_first_hit(rng, pattern.suspected).replace(cat.MEMBER, member or "research chemical")]
    if wave_key and member and member not in names:
        if tox == "confirmed":
            names.append(member)
        elif tox == "probable" and rng.random() < 0.5:
            names.append(_CLASS_NAMES[wave_key])
    for name, p in pattern.co_use:
        if rng.random() < p and name not in names:
            names.append(name)
    k = min(len(pattern.effects), 1 + int(rng.integers(3)))
    effects = [pattern.effects[i] for i in sorted(rng.choice(len(pattern.effects), size=k, replace=False).tolist())]
    if severity == "fatal":
        effects = [e for e in effects if e != "death"] + ["death"]
    vulnerable = _pick(rng, pattern.vulnerable)
    if care == "prison_healthcare":
        vulnerable = "prisoner"
        prison = _REPORT_REGION_PRISONS[_pick_index(rng, [p.weight for p in _REPORT_REGION_PRISONS])]
        region = prison.region
    else:
        region = _pick(rng, cat.REPORT_REGIONS)
    sample_id = ""
    if member and tox == "confirmed" and rng.random() < 0.35:
        linked = [s for s in samples if member in s.names and s.received_date <= reported and s.region]
        if linked:
            chosen = linked[int(rng.integers(len(linked)))]
            sample_id, region = chosen.sample_id, chosen.region
    reporter = _pick(rng, cat.REPORTER_ROLES.get(care, (("other", 1.0),)))
    free_text = _free_text(names, effects, care, severity, tox) if rng.random() < 0.8 else ""
    rows = [
        {
            "report_id": report_id,
            "event_date": event.isoformat(),
            "care_setting": care,
            "suspected_substance_name": name,
            "severity": severity,
            "region": region,
            "reported_date": reported.isoformat(),
            "reporter_role": reporter,
            "effects": "|".join(effects),
            "vulnerable_group": vulnerable,
            "toxicology_status": tox,
            "free_text": free_text,
            "sample_id": sample_id,
        }
        for name in names
    ]
    return _Record(report_id, reported, rows)


def _report_week(scn: _Scenario, week: int, scale: float, samples: Sequence[_Sample]) -> list[_Record]:
    rng = _rng(scn.seed, _REPORTS, week)
    jobs: list[tuple[cat.HarmPattern, str, str]] = []
    patterns = cat.BACKGROUND_HARMS
    weights = [p.weight * _seasonal(week, p.peak_week, p.amplitude) for p in patterns]
    for _ in range(_nb(rng, 10.0 * scale)):
        jobs.append((patterns[_pick_index(rng, weights)], "", ""))
    for plan in scn.plans:
        lagged = week - plan.harm_lag
        members = plan.member_weights(lagged)
        if not members:
            continue
        wave_patterns = cat.WAVE_HARMS[plan.wave.key]
        for _ in range(_nb(rng, plan.wave.harm_per_seizure * plan.intensity(lagged) * scale)):
            pattern = wave_patterns[_pick_index(rng, [p.weight for p in wave_patterns])]
            jobs.append((pattern, plan.wave.key, _pick(rng, members)))
    label = _week_label(week)
    records = []
    for number, i in enumerate(rng.permutation(len(jobs)).tolist(), start=1):
        pattern, wave_key, member = jobs[i]
        records.append(
            _build_report(
                rng,
                pattern,
                week,
                f"DEMO-R-{label}-{number:04d}",
                wave_key=wave_key,
                member=member,
                samples=samples,
            )
        )
    return records


# --------------------------------------------------------------------------------------------
# intelligence
# --------------------------------------------------------------------------------------------

_FESTIVAL_AREAS = (
    ("Bristol, City of", 0.3),
    ("Leeds", 0.2),
    ("Manchester", 0.2),
    ("Westminster", 0.15),
    ("Newcastle upon Tyne", 0.15),
)
_LISTING_WORDS = {
    "benzodiazepine": "pellets",
    "cathinone": "crystals",
    "synthetic_cannabinoid": "powder",
    "hallucinogen": "blotters",
    "opioid": "powder",
    "tryptamine": "powder",
    "dissociative": "powder",
    "stimulant": "powder",
    "depressant": "liquid",
}


def _intel_row(
    record_id: str,
    stream: str,
    day: dt.date,
    source: str,
    jurisdiction: str,
    area: str,
    sold_as: str,
    found: str,
    **optional: str,
) -> dict[str, str]:
    row = {c: "" for c in INTEL_COLUMNS}
    row.update(
        record_id=record_id,
        stream=stream,
        observed_date=day.isoformat(),
        source=source,
        jurisdiction=jurisdiction,
        local_area=area,
        sold_as=sold_as,
        found_name=found,
        provider=INTEL_PROVIDER,
    )
    if found:
        substance = cat.substances().get(found)
        row["found_smiles"] = substance.smiles if substance is not None else ""
    row.update(optional)
    return row


def _price(rng: np.random.Generator, low: float, high: float) -> str:
    return f"{round(float(rng.uniform(low, high)) * 2) / 2:.2f}"


def _intel_week(scn: _Scenario, week: int, scale: float) -> list[_Record]:
    rng = _rng(scn.seed, _INTEL, week)
    monday = _week_monday(week)
    yy = monday.isocalendar()[0] % 100
    iso_week = monday.isocalendar()[1]
    level = {plan.wave.key: plan.intensity(week) / plan.wave.plateau_per_week for plan in scn.plans}
    members = {plan.wave.key: plan.member_weights(week) for plan in scn.plans}
    jobs: list[Callable[[str], list[dict[str, str]]]] = []

    def checking(source: str) -> Callable[[str], list[dict[str, str]]]:
        sold_as, _, found = cat.CHECKING_PRODUCTS[_pick_index(rng, [w for _, w, _ in cat.CHECKING_PRODUCTS])]
        found_names = list(found)
        for wave_key, (products, share) in cat.WAVE_MIS_SELLING.items():
            if sold_as in products and members.get(wave_key) and rng.random() < share * level[wave_key]:
                member = _pick(rng, members[wave_key])
                found_names = ["diamorphine", member] if sold_as == "heroin" else [member]
                break
        return _checking_job(rng, source, sold_as, found_names, yy)

    for _ in range(_nb(rng, 2.5 * scale)):
        jobs.append(checking("WEDINOS"))
    festival = 22 <= iso_week <= 35
    for _ in range(_nb(rng, (3.5 if festival else 0.5) * scale)):
        jobs.append(checking("The Loop"))
    for slot in scn.slots_between(week - 8, week + 2):
        if slot.checking_week == week:
            jobs.append(
                _checking_job(
                    rng,
                    "WEDINOS",
                    _pick(rng, (("research chemical", 0.6), ("", 0.4))),
                    [slot.substance.name],
                    yy,
                )
            )
        if slot.online_week == week:
            jobs.append(_online_job(rng, slot.substance))
    for _ in range(_nb(rng, 1.0 * scale)):
        jobs.append(_survey_job(rng, level.get("nitazene", 0.0)))
    for _ in range(_nb(rng, 2.0 * scale)):
        name, _, prices = cat.ONLINE_ESTABLISHED[_pick_index(rng, [w for _, w, _ in cat.ONLINE_ESTABLISHED])]
        jobs.append(_online_job(rng, cat.substances()[name], prices))
    for plan in scn.plans:
        upcoming = [
            (m.name, 1.0)
            for m, intro in zip(plan.wave.members, plan.intro, strict=True)
            if intro - 4 <= week < intro and not m.precursor_of
        ]
        listed = members[plan.wave.key] + upcoming
        if listed:
            for _ in range(_nb(rng, max(0.3 * level[plan.wave.key], 0.15) * scale)):
                jobs.append(_online_job(rng, cat.substances()[_pick(rng, listed)]))

    label = _week_label(week)
    records = []
    for number, i in enumerate(rng.permutation(len(jobs)).tolist(), start=1):
        record_id = f"DEMO-I-{label}-{number:04d}"
        rows = jobs[i](record_id)
        day = monday + dt.timedelta(days=int(rng.integers(7)))
        for row in rows:
            row["observed_date"] = day.isoformat()
        records.append(_Record(record_id, day, rows))
    return records


def _checking_job(
    rng: np.random.Generator, source: str, sold_as: str, found: list[str], yy: int
) -> Callable[[str], list[dict[str, str]]]:
    if source == "WEDINOS":
        force = cat.FORCES[
            _pick_index(
                rng,
                [
                    f.weight * (4.0 if f.jurisdiction == "Wales" else 1.0)
                    if f.jurisdiction in ("England", "Wales")
                    else 0.0
                    for f in cat.FORCES
                ],
            )
        ]
        jurisdiction, area = force.jurisdiction, force.areas[int(rng.integers(len(force.areas)))]
        code = f"WD{yy:02d}-{int(rng.integers(1, 100000)):05d}"
    else:
        jurisdiction, area = "England", _pick(rng, _FESTIVAL_AREAS)
        code = f"TL{yy:02d}-{int(rng.integers(1, 10000)):04d}"
    handling = "C" if rng.random() < 0.1 else "P"
    names = [cat.UNIDENTIFIED_NAMES[1] if f == "unidentified" else f for f in found]
    mismatch = bool(sold_as) and not any(_sold_matches(sold_as, n) for n in names)
    note = "Sold-as and found differ; service alert issued (synthetic demo)." if mismatch else ""

    def make(record_id: str) -> list[dict[str, str]]:
        return [
            _intel_row(
                record_id,
                "drug_checking",
                dt.date.min,
                source,
                jurisdiction,
                area,
                sold_as,
                name,
                sample_code=code,
                source_evaluation="1",
                intelligence_assessment="A",
                handling_code=handling,
                notes=note,
            )
            for name in names
        ]

    return make


def _sold_matches(sold_as: str, found: str) -> bool:
    expected = {
        "ecstasy": "MDMA",
        "heroin": "diamorphine",
        "THC vape": "THC",
        "Xanax": "alprazolam",
        "diazepam": "diazepam",
    }
    if found in ("etizolam",) and sold_as in ("diazepam", "Xanax"):
        return True  # the usual street benzodiazepine: not news
    return expected.get(sold_as, sold_as) == found or sold_as == found


def _survey_job(rng: np.random.Generator, nitazene_level: float) -> Callable[[str], list[dict[str, str]]]:
    sold_as, _, prices = cat.STREET_SURVEY_ITEMS[_pick_index(rng, [w for _, w, _ in cat.STREET_SURVEY_ITEMS])]
    place = _force_place(rng)
    price = _price(rng, *prices)
    respondents = int(rng.integers(2, 12))
    note = f"Availability reported by {respondents} outreach respondents (synthetic demo)."
    if sold_as == "heroin" and rng.random() < 0.6 * nitazene_level:
        note = f"{respondents} respondents warned of unusually strong heroin (synthetic demo)."
    grade = _pick(rng, (("B", 0.3), ("C", 0.5), ("D", 0.2)))

    def make(record_id: str) -> list[dict[str, str]]:
        return [
            _intel_row(
                record_id,
                "street_survey",
                dt.date.min,
                "street survey",
                place.jurisdiction,
                place.local_area,
                sold_as,
                "",
                source_evaluation="2",
                intelligence_assessment=grade,
                handling_code="P",
                price_gbp=price,
                notes=note,
            )
        ]

    return make


def _online_job(
    rng: np.random.Generator, substance: cat.Substance, prices: tuple[float, float] = (15.0, 120.0)
) -> Callable[[str], list[dict[str, str]]]:
    darknet = rng.random() < 0.7
    market = (
        cat.MARKETS[int(rng.integers(len(cat.MARKETS)))]
        if darknet
        else cat.SURFACE_VENDORS[int(rng.integers(len(cat.SURFACE_VENDORS)))]
    )
    word = _LISTING_WORDS.get(substance.category, "powder")
    grams = int(rng.choice([1, 5, 10, 25]))
    title = f"{substance.name} {word} {grams} g" if word != "pellets" else f"{substance.name} {word} x{grams * 10}"
    price = _price(rng, prices[0] * grams**0.8, prices[1] * grams**0.8)
    grade = _pick(rng, (("B", 0.2), ("C", 0.5), ("D", 0.3)))

    def make(record_id: str) -> list[dict[str, str]]:
        row = _intel_row(
            record_id,
            "online_market",
            dt.date.min,
            "darknet market monitor" if darknet else "surface web vendor",
            "England",
            "",
            title,
            substance.name,
            source_evaluation="2" if darknet else "3",
            intelligence_assessment=grade,
            handling_code="P",
            price_gbp=price,
            url_or_market=market,
            notes="Listing advertises UK delivery; structure not verified (synthetic demo).",
        )
        row["found_smiles"] = ""
        return [row]

    return make


# --------------------------------------------------------------------------------------------
# psychoactivity
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Test:
    week: int
    day: dt.date
    substance: cat.Substance
    assay_key: str
    debut_week: int
    precursor: bool
    draws: tuple[float, ...]


def _tests_between(scn: _Scenario, first_week: int, last_week: int) -> list[_Test]:
    tests = []
    for plan in scn.plans:
        for i, member in enumerate(plan.wave.members):
            rng = _rng(scn.seed, _PSYCHO_MEMBER, plan.index, i)
            week = plan.intro[i] + int(rng.integers(6, 15))
            weeks = [week] + ([week + int(rng.integers(1, 7))] if rng.random() < 0.4 else [])
            for j, w in enumerate(weeks):
                draws = tuple(rng.random(5).tolist())
                day = _week_monday(w) + dt.timedelta(days=int(draws[0] * 5))
                key = "nitazene" if plan.wave.key == "nitazene" else cat.substances()[member.name].category
                tests.append(
                    _Test(
                        w,
                        day,
                        cat.substances()[member.name],
                        key,
                        plan.intro[i],
                        bool(member.precursor_of),
                        draws[1:] + (float(j),),
                    )
                )
    for slot in scn.slots_between(first_week - 30, last_week):
        rng = _rng(scn.seed, _PSYCHO_SLOT, slot.k)
        if rng.random() < 0.25:
            w = slot.debut + int(rng.integers(4, 21))
            draws = tuple(rng.random(5).tolist())
            day = _week_monday(w) + dt.timedelta(days=int(draws[0] * 5))
            tests.append(_Test(w, day, slot.substance, slot.substance.category, slot.debut, False, draws[1:] + (0.0,)))
    return [t for t in tests if first_week <= t.week <= last_week]


def _psychoactivity_rows(
    tests: Iterable[_Test], end: dt.date, week_data: Callable[[int], _Week]
) -> list[dict[str, str]]:
    by_week: dict[int, list[_Test]] = {}
    for test in tests:
        by_week.setdefault(test.week, []).append(test)
    rows = []
    for week in sorted(by_week):
        ordered = sorted(by_week[week], key=lambda t: (t.day, t.substance.name, t.draws))
        for number, test in enumerate(ordered, start=1):
            if test.day > end:
                continue
            assay, reference, (p_lo, p_hi), (e_lo, e_hi) = cat.ASSAYS[test.assay_key]
            u_result, u_potency, u_efficacy, u_link, replicate = test.draws
            if test.precursor:
                result = "inactive" if u_result < 0.7 else "active"
            else:
                result = "active" if u_result < 0.82 else ("inconclusive" if u_result < 0.94 else "inactive")
            if test.precursor and result == "active":
                p_lo, p_hi = p_hi * 10, p_hi * 100  # weak: the tail-less precursor
            potency = math.exp(math.log(p_lo) + u_potency * (math.log(p_hi) - math.log(p_lo)))
            debut = week_data(test.debut_week).debuts.get(test.substance.name)
            sample_id = ""
            if debut is not None and u_link < 0.8 and debut.received_date <= test.day:
                sample_id = debut.sample_id
            lab = cat.PSYCHOACTIVITY_LABS[(int(u_link * 1000) + int(replicate)) % len(cat.PSYCHOACTIVITY_LABS)]
            rows.append(
                {
                    "result_id": f"DEMO-P-{_week_label(week)}-{number:02d}",
                    "substance_name": test.substance.name,
                    "substance_smiles": test.substance.smiles,
                    "assay": assay,
                    "result": result,
                    "potency_value": f"{potency:.3g}" if result == "active" else "",
                    "potency_unit": "nM",
                    "efficacy_percent": f"{e_lo + u_efficacy * (e_hi - e_lo):.0f}" if result == "active" else "",
                    "reference_compound": reference,
                    "test_date": test.day.isoformat(),
                    "laboratory": lab,
                    "sample_id": sample_id,
                }
            )
    return rows


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def _validate(end: dt.date, start: dt.date | None, seed: int, scale: float) -> tuple[dt.date, dt.date]:
    if isinstance(end, dt.datetime):
        end = end.date()
    if not isinstance(end, dt.date):
        raise TypeError(f"end must be a datetime.date, got {type(end).__name__}")
    if start is None:
        start = _monday(end) - dt.timedelta(weeks=DEFAULT_WEEKS)
    else:
        if isinstance(start, dt.datetime):
            start = start.date()
        if not isinstance(start, dt.date):
            raise TypeError(f"start must be a datetime.date or None, got {type(start).__name__}")
        start = _monday(start)
    if start > end:
        raise ValueError(f"start {start.isoformat()} is after end {end.isoformat()}")
    if start < _WEEK_ZERO:
        raise ValueError(f"start {start.isoformat()} is before {_WEEK_ZERO.isoformat()}, the first supported week")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(scale, int | float) or not 0.0 < float(scale) <= 100.0:
        raise ValueError(f"scale must be a number in (0, 100], got {scale!r}")
    return start, end


def generate(
    end: dt.date, *, start: dt.date | None = None, seed: int = DEFAULT_SEED, scale: float = 1.0, waves: bool = True
) -> DemoData:
    """Generate synthetic seizures, harm reports, intelligence and psychoactivity results.

    Parameters
    ----------
    end
        Last day of data. Rows whose ``received_date`` / ``reported_date`` / ``observed_date`` /
        ``test_date`` fall after it are left out (they have not arrived yet).
    start
        First day (moved back to its Monday). Default: the Monday 156 ISO weeks before the week
        of ``end``.
    seed
        Non-negative integer; the same ``(end, start, seed, scale)`` gives identical output.
    scale
        Multiplier of the market, report and intelligence volumes (``1.0`` = about 100-150
        samples a week). One-off new substances and psychoactivity tests do not scale.

    Returns
    -------
    DemoData
        Row dictionaries keyed by :data:`SEIZURE_COLUMNS`, :data:`REPORT_COLUMNS`,
        :data:`INTEL_COLUMNS` and :data:`PSYCHOACTIVITY_COLUMNS`, in week order.

    Raises
    ------
    TypeError
        If ``end`` or ``start`` is not a date.
    ValueError
        If ``start`` is after ``end`` or before 2000-01-03, ``seed`` is negative or ``scale`` is
        outside ``(0, 100]``.
    waves
        ``False`` leaves out the emerging wave families: background-only traffic (the established
        market and one-off new substances), for measuring false alarms (DESIGN.md section 9).

    Examples
    --------
    >>> import datetime
    >>> data = generate(datetime.date(2025, 3, 2), start=datetime.date(2025, 2, 3), scale=0.1)
    >>> {row["seizure_context"] for row in data.seizure_rows} <= {
    ...     "border_freight", "border_passenger", "border_postal", "inland", "online", "prison"}
    True
    """
    start, end = _validate(end, start, seed, scale)
    scn = _scenario(int(seed), waves)
    scale = float(scale)
    cache: dict[int, _Week] = {}

    def week_data(week: int) -> _Week:
        if week not in cache:
            data = _seizure_week(scn, week, scale)
            data.reports = _report_week(scn, week, scale, data.samples)
            data.intel = _intel_week(scn, week, scale)
            cache[week] = data
        return cache[week]

    first, last = _week_index(start), _week_index(end)
    seizure_rows: list[dict[str, str]] = []
    report_rows: list[dict[str, str]] = []
    intel_rows: list[dict[str, str]] = []
    for week in range(first, last + 1):
        data = week_data(week)
        for sample in data.samples:
            if sample.received_date <= end:
                seizure_rows.extend(dict(row) for row in sample.rows)
        for records, out in ((data.reports, report_rows), (data.intel, intel_rows)):
            for record in sorted(records, key=lambda r: r.record_id):
                if record.visible <= end:
                    out.extend(dict(row) for row in record.rows)
    psychoactivity_rows = _psychoactivity_rows(_tests_between(scn, first, last), end, week_data)
    return DemoData(seizure_rows, report_rows, intel_rows, psychoactivity_rows)


def ground_truth(
    end: dt.date, *, start: dt.date | None = None, seed: int = DEFAULT_SEED, waves: bool = True
) -> dict[str, list[dict]]:
    """The injected scenario for evaluating detection on :func:`generate` output.

    Returns ``{"waves": [...], "one_offs": [...]}``: per wave family its key, label, start
    (Monday of the first week), doubling time, plateau, harm lag, first context and members
    (name, SMILES, introduction Monday, whether a precursor); per one-off new substance
    debuting in the window its name, SMILES, category, debut Monday and context. A signal not
    linked to a wave here is a false alarm in the sense of DESIGN.md section 9.
    """
    start, end = _validate(end, start, seed, 1.0)
    scn = _scenario(int(seed), waves)
    first, last = _week_index(start), _week_index(end)
    substances = cat.substances()
    wave_rows = []
    for plan in scn.plans:
        wave_rows.append(
            {
                "family": plan.wave.key,
                "label": plan.wave.label,
                "start": _week_monday(plan.start).isoformat(),
                "doubling_weeks": round(plan.doubling, 2),
                "plateau_per_week": plan.wave.plateau_per_week,
                "harm_lag_weeks": plan.harm_lag,
                "first_context": plan.wave.first_context,
                "members": [
                    {
                        "name": m.name,
                        "smiles": substances[m.name].smiles,
                        "introduced": _week_monday(intro).isoformat(),
                        "precursor": bool(m.precursor_of),
                    }
                    for m, intro in zip(plan.wave.members, plan.intro, strict=True)
                ],
            }
        )
    one_offs = [
        {
            "name": s.substance.name,
            "smiles": s.substance.smiles,
            "category": s.substance.category,
            "debut": _week_monday(s.debut).isoformat(),
            "context": s.debut_context,
        }
        for s in scn.slots_between(first, last)
    ]
    return {"waves": wave_rows, "one_offs": one_offs}


_COLUMN_SETS = (SEIZURE_COLUMNS, REPORT_COLUMNS, INTEL_COLUMNS, PSYCHOACTIVITY_COLUMNS)


def write_csv(rows: Sequence[dict[str, str]], path: str | os.PathLike[str]) -> None:
    """Write rows as CSV (UTF-8, ``\\n`` line ends).

    The header is the union of the rows' keys: the columns of whichever of
    :data:`SEIZURE_COLUMNS`, :data:`REPORT_COLUMNS`, :data:`INTEL_COLUMNS` or
    :data:`PSYCHOACTIVITY_COLUMNS` shares most keys with them, in that tuple's order, then any
    other keys in order of first appearance. Missing values are written empty. No rows give an
    empty file.
    """
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    header: list[str] = []
    if keys:
        best = max(_COLUMN_SETS, key=lambda cols: sum(c in keys for c in cols))
        header = [c for c in best if c in keys] + [k for k in keys if k not in best]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if not header:
            return
        writer = csv.DictWriter(handle, fieldnames=header, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
