"""Small-number suppression: "<5" for 1-4 and complementary suppression, proven by enumeration."""

from __future__ import annotations

import itertools

import pytest

from alerts.suppression import HIDDEN, SMALL, scrub_small_numbers, suppress_count, suppress_table


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, SMALL), (4, SMALL), (5, 5), (120, 120)])
def test_single_counts(value, shown):
    assert suppress_count(value) == shown


def test_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress_table({"severe": -1})


def test_one_small_cell_hides_a_second_so_the_total_does_not_give_it_away():
    table = suppress_table({"mild": 12, "moderate": 9, "severe": 3})
    assert table.cells == {"mild": 12, "moderate": HIDDEN, "severe": SMALL} and table.total == 24


def test_when_nothing_else_can_be_hidden_the_total_is_hidden():
    table = suppress_table({"severe": 4, "fatal": 4})
    assert table.cells == {"severe": SMALL, "fatal": SMALL} and table.total == HIDDEN


def test_multi_valued_tables_get_primary_suppression_only():
    table = suppress_table({"seizure": 3, "agitation": 9}, total=False, partition=False)
    assert table.cells == {"seizure": SMALL, "agitation": 9} and table.total is None


def _published(cells: tuple[int, ...]) -> tuple[object, ...]:
    table = suppress_table({str(i): v for i, v in enumerate(cells)})
    return (*table.cells.values(), table.total)


def _readings(shown: tuple[object, ...], limit: int = 40) -> list[tuple[int, ...]]:
    """Every table a reader could infer from the published numbers alone: shown cells as they are,
    "<5" = 1-4, "suppressed" = 5 or more (up to ``limit``), and the total where it is shown."""
    ranges = [
        range(1, 5) if v == SMALL else range(5, limit) if v == HIDDEN else range(int(v), int(v) + 1)  # type: ignore[call-overload]
        for v in shown[:-1]
    ]
    total = shown[-1]
    out = []
    for cells in itertools.product(*ranges):
        if isinstance(total, int) and sum(cells) != total:
            continue
        if total == SMALL and not 1 <= sum(cells) <= 4:
            continue
        out.append(cells)
    return out


@pytest.mark.parametrize("n_cells", [2, 3])
def test_no_published_table_pins_down_a_small_cell(n_cells):
    """Enumerate every table of counts 0-12; for each publication, the tables a reader could infer from
    its numbers must leave each "<5" cell with at least two possible values: no total or difference
    reveals a suppressed count."""
    publications = {_published(cells) for cells in itertools.product(range(13), repeat=n_cells)}
    checked = 0
    for shown in publications:
        small = [i for i, v in enumerate(shown[:-1]) if v == SMALL]
        if not small:
            continue
        readings = _readings(shown)
        for i in small:
            assert len({cells[i] for cells in readings}) >= 2, shown
            checked += 1
    assert checked > 20


def test_scrub_small_numbers_in_generated_text():
    text = "4 severe or fatal harm reports (1 fatal) linked to isotonitazene in 4 weeks against 0.40 expected"
    assert scrub_small_numbers(text) == (
        "<5 severe or fatal harm reports (<5 fatal) linked to isotonitazene in 4 weeks against 0.40 expected"
    )
    assert scrub_small_numbers("12 harm reports") == "12 harm reports"
