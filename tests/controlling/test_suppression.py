"""Small-number suppression: "< 5" for figures on 1–4 cases, secondary suppression above a total."""

from decimal import Decimal

from juwe.controlling.figures import Chart, Figure, Kind, Section, Table
from juwe.controlling.suppression import SECONDARY, SUPPRESSED, suppress_chart, suppress_figure, suppress_section, suppress_table


def _col(*values):
    """A one-column table with a total row summing the values."""
    rows = [(f"r{i}", [Figure(f"k{i}", f"r{i}", v)]) for i, v in enumerate(values)]
    rows.append(("Gesamt", [Figure("t", "Gesamt", sum(values))]))
    return Table("t", "T", ["n"], rows, total_row=True)


def _values(table):
    return [[cell.value for cell in cells] for _, cells in table.rows]


def test_counts_of_one_to_four_are_suppressed_zero_and_five_are_not():
    assert [suppress_figure(Figure("k", "k", v)).value for v in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_shares_means_and_money_are_suppressed_by_their_base():
    assert suppress_figure(Figure("s", "s", Decimal("50.0"), Kind.SHARE, base=2)).value == SUPPRESSED
    assert suppress_figure(Figure("s", "s", Decimal("50.0"), Kind.SHARE, base=12)).value == Decimal("50.0")
    assert suppress_figure(Figure("m", "m", Decimal("812.40"), Kind.MONEY, base=3)).value == SUPPRESSED
    assert suppress_figure(Figure("n", "n", Decimal("1.5"), Kind.NUMBER, base=None)).value == Decimal("1.5")
    assert suppress_figure(Figure("s", "s", None, Kind.SHARE, base=0)).value is None


def test_one_suppressed_cell_takes_the_next_smallest_with_it():
    table = suppress_table(_col(3, 10, 7, 25))
    assert _values(table) == [[SUPPRESSED], [10], [SECONDARY], [25], [45]]


def test_two_suppressed_cells_need_no_secondary():
    assert _values(suppress_table(_col(3, 2, 10))) == [[SUPPRESSED], [SUPPRESSED], [10], [15]]


def test_zero_is_the_next_smallest_cell_when_there_is_one():
    assert _values(suppress_table(_col(3, 0, 10))) == [[SUPPRESSED], [SECONDARY], [10], [13]]


def test_secondary_suppression_per_column():
    rows = [
        ("a", [Figure("a1", "a", 2), Figure("a2", "a", 8)]),
        ("b", [Figure("b1", "b", 9), Figure("b2", "b", 6)]),
        ("c", [Figure("c1", "c", 12), Figure("c2", "c", 7)]),
        ("Gesamt", [Figure("t1", "t", 23), Figure("t2", "t", 21)]),
    ]
    table = suppress_table(Table("t", "T", ["x", "y"], rows, total_row=True))
    assert _values(table) == [[SUPPRESSED, 8], [SECONDARY, 6], [12, 7], [23, 21]]


def test_without_total_row_no_secondary_suppression():
    table = _col(3, 10, 7)
    table.total_row = False
    assert _values(suppress_table(table)) == [[SUPPRESSED], [10], [7], [20]]


def test_a_small_total_is_suppressed_too():
    assert _values(suppress_table(_col(1, 2))) == [[SUPPRESSED], [SUPPRESSED], [SUPPRESSED]]


def test_originals_stay_exact_and_charts_lose_small_counts():
    fig = Figure("k", "k", 3)
    section = Section("cases", "Fälle", figures=[fig], tables=[_col(3, 9)],
                      charts=[Chart("c", "C", "bar", ["Jan", "Feb"], [("2025", [3, 9]), ("2024", [Decimal("2.5"), 0])])])
    out = suppress_section(section)
    assert out.figures[0].value == SUPPRESSED and fig.value == 3
    assert section.tables[0].rows[0][1][0].value == 3
    assert suppress_chart(section.charts[0]).series == [("2025", [SUPPRESSED, 9]), ("2024", [Decimal("2.5"), 0])]
