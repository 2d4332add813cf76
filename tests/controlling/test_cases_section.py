"""The cases section of the controlling dashboard against a small hand-built office.

The cases are inserted directly with fixed dates in 2024/2025 (the services date closings and
contacts "today"); each gets the state history the services would have written. Every expected
number below is counted by hand from the table in `office`.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from itertools import count
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from cases.models import Case, CaseState, ClassificationChange, Contact, StateChange
from juwe.controlling.figures import Context, Kind
from juwe.controlling.period import Period
from juwe.controlling.scope import resolve_scope
from juwe.controlling.sections import compute

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
D = dt.date
SPRING = Period.months((2025, 3), (2025, 5))  # 1 March – 31 May 2025, reference date 31 May
_numbers = count(1)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


def make(district, manager, opened, steps=(), reason="", classified=(), contacts=()):
    """A case opened on `opened` going through `steps` [(state, datetime)], with its history.

    classified: [(classification, day)]; contacts: [datetime].
    """
    number = next(_numbers)
    closed = steps and steps[-1][0] == CaseState.CLOSED
    last_class = classified[-1][0] if classified else ""
    case = Case.objects.create(
        reference=f"{opened.year}/{district.code}/{number:04d}", year=opened.year, number=number,
        district=district, team_id=district.team_id, case_manager=manager, opened_on=opened,
        first_contact_source="school", state=steps[-1][0] if steps else CaseState.INTAKE,
        closed_on=steps[-1][1].date() if closed else None, close_reason=reason if closed else "",
        classification=last_class, child_protection=any(c == "danger" for c, _ in classified),
    )
    StateChange.objects.create(case=case, from_state="", to_state=CaseState.INTAKE, changed_at=at(opened, 9, 30))
    previous = CaseState.INTAKE
    for state, when in steps:
        StateChange.objects.create(
            case=case, from_state=previous, to_state=state, changed_at=when,
            reason=reason if state == CaseState.CLOSED else "",
        )
        previous = state
    before = ""
    for classification, day in classified:
        ClassificationChange.objects.create(
            case=case, classification=classification, previous=before, reason="Einschätzung", changed_at=at(day)
        )
        before = classification
    for when in contacts:
        Contact.objects.create(case=case, occurred_at=when, kind="office", participants="Familie", duration_minutes=45)
    return case


C, H, K, X = CaseState.COUNSELLING, CaseState.HELP, CaseState.CONFERENCE, CaseState.CLOSED


@pytest.fixture
def office(org, users):
    """Team A (Walle, Westend) and team B (Vahr).

    case district opened      history (date of the change)                         closed reason   class.
    a1   Walle    10.02.2025  counselling 05.03.25 12:00, closed 15.04.25            self_help       service 12.02.25
         contacts 10.02., 20.02., 05.03. 09:00 (intake: 3), 20.03. (after)  -> intake 23 days
    a2   Walle    10.03.2025  counselling 20.03., conference 01.04., help 10.04.,   not_wanted      –
                              closed 20.05.25; contacts 10.03., 15.03., 18.03. (3), 02.04.  -> intake 10 days
    a3   Walle    31.05.2025  (intake; opened ON the reference date)                 –               –
    a4   Walle    05.01.2025  closed 31.05.25 (ON the reference date) from intake     district_help   grey 10.01.25
                              contacts 05.01., 01.02., 01.03., 01.04. (4)  -> intake 146 days
    a5   Walle    01.11.2024  counselling 01.12.24, closed 01.06.25 (day after)       moved           grey 05.11.24,
                                                                                                     danger 01.06.25
    a6   Westend  02.04.2025  counselling 01.06.25 00:30 Berlin (31.05. 22:30 UTC)   –               service 05.04.25
    a7   Walle    01.06.2024  closed 28.02.25 12:00 from intake                       other           –
    b1   Vahr     15.03.2025  counselling 25.03., closed 20.04.25                     handed_over     –
    """
    cm, walle, westend = users.case_manager, org.walle, org.westend
    cases = {
        "a1": make(walle, cm, D(2025, 2, 10), [(C, at(D(2025, 3, 5))), (X, at(D(2025, 4, 15)))], "self_help",
                   [("service", D(2025, 2, 12))],
                   [at(D(2025, 2, 10), 10), at(D(2025, 2, 20), 10), at(D(2025, 3, 5), 9), at(D(2025, 3, 20), 10)]),
        "a2": make(walle, cm, D(2025, 3, 10),
                   [(C, at(D(2025, 3, 20))), (K, at(D(2025, 4, 1))), (H, at(D(2025, 4, 10))), (X, at(D(2025, 5, 20)))],
                   "not_wanted", (),
                   [at(D(2025, 3, 10), 10), at(D(2025, 3, 15), 10), at(D(2025, 3, 18), 10), at(D(2025, 4, 2), 10)]),
        "a3": make(walle, cm, D(2025, 5, 31)),
        "a4": make(walle, cm, D(2025, 1, 5), [(X, at(D(2025, 5, 31)))], "district_help", [("grey", D(2025, 1, 10))],
                   [at(D(2025, 1, 5), 10), at(D(2025, 2, 1), 10), at(D(2025, 3, 1), 10), at(D(2025, 4, 1), 10)]),
        "a5": make(walle, cm, D(2024, 11, 1), [(C, at(D(2024, 12, 1))), (X, at(D(2025, 6, 1)))], "moved",
                   [("grey", D(2024, 11, 5)), ("danger", D(2025, 6, 1))]),
        "a6": make(westend, cm, D(2025, 4, 2), [(C, at(D(2025, 6, 1), 0, 30))], "", [("service", D(2025, 4, 5))]),
        "a7": make(walle, cm, D(2024, 6, 1), [(X, at(D(2025, 2, 28)))], "other"),
        "b1": make(org.vahr, users.other_case_manager, D(2025, 3, 15),
                   [(C, at(D(2025, 3, 25))), (X, at(D(2025, 4, 20)))], "handed_over"),
    }
    return cases


def section(user, level, obj=None, period=SPRING):
    scope = resolve_scope(user, level, obj.pk if obj is not None else None)
    return compute("cases", Context(scope=scope, period=period, user=user))


def values(sec):
    return {f.key: f.value for f in sec.figures}


def rows(table):
    """The count column by row key (the labels are translated)."""
    return {figures[0].key: figures[0].value for _label, figures in table.rows}


def series(chart):
    return [numbers for _name, numbers in chart.series]


def test_team_figures(office, users, org):
    sec = section(users.team_lead, "team", org.team_a)
    assert sec.subject == "cases"
    assert values(sec) == {
        "faelle_neu": 3,  # a2, a3 (opened on the reference date), a6
        "faelle_offen": 3,  # a3, a5 (closed the day after), a6 – not a4, closed ON the reference date
        "faelle_beendet": 3,  # a1, a2, a4 – not a5 (1 June), not a7 (28 February)
        "anteil_ohne_hilfe": Decimal("66.7"),  # a1, a4 of 3; a2 was in help
        "intake_dauer_median": Decimal("23.0"),  # 10, 23, 146 days (a6 decided 1 June in Berlin)
        "intake_dauer_p90": Decimal("121.4"),  # 23 + 0.8 × (146 − 23)
        "kontakte_je_intake": Decimal("3.3"),  # (3 + 3 + 4) / 3
    }
    figures = {f.key: f for f in sec.figures}
    assert figures["anteil_ohne_hilfe"].kind == Kind.SHARE and figures["anteil_ohne_hilfe"].base == 3
    assert figures["intake_dauer_median"].kind == Kind.DAYS and figures["intake_dauer_median"].base == 3
    assert figures["kontakte_je_intake"].base == 3
    assert all(f.help for f in sec.figures)


def test_team_tables_and_chart(office, users, org):
    sec = section(users.team_lead, "team", org.team_a)
    reasons, classification = sec.tables
    assert reasons.key == "abschlussgruende" and reasons.total_row
    assert rows(reasons) == {
        "abschluss_self_help": 1,
        "abschluss_district_help": 1,
        "abschluss_not_wanted": 1,
        "abschluss_moved": 0,
        "abschluss_handed_over": 0,
        "abschluss_other": 0,
        "abschluss_gesamt": 3,
    }
    assert reasons.rows[0][1][1].value == Decimal("33.3")
    assert classification.key == "klassifikation" and classification.total_row
    # a5 counts as Graubereich: it became Gefährdungsbereich only after the reference date.
    assert rows(classification) == {
        "klassifikation_service": 1,
        "klassifikation_grey": 1,
        "klassifikation_danger": 0,
        "klassifikation_none": 1,
        "klassifikation_gesamt": 3,
    }
    (chart,) = sec.charts
    assert chart.key == "faelle_monate" and chart.kind == "bar"
    assert len(chart.categories) == 3
    assert series(chart) == [[1, 1, 1], [0, 1, 2]]  # new, closed: March, April, May


def test_district_scope_counts_only_its_district(office, users, org):
    sec = section(users.team_lead, "stadtteil", org.walle)
    assert values(sec) == {
        "faelle_neu": 2,  # a2, a3 (a6 is Westend's)
        "faelle_offen": 2,  # a3, a5
        "faelle_beendet": 3,
        "anteil_ohne_hilfe": Decimal("66.7"),
        "intake_dauer_median": Decimal("23.0"),
        "intake_dauer_p90": Decimal("121.4"),
        "kontakte_je_intake": Decimal("3.3"),
    }
    assert rows(sec.tables[1])["klassifikation_service"] == 0


def test_office_scope_includes_the_other_team(office, users):
    sec = section(users.leadership, "amt")
    got = values(sec)
    assert (got["faelle_neu"], got["faelle_offen"], got["faelle_beendet"]) == (4, 3, 4)
    assert got["anteil_ohne_hilfe"] == Decimal("75.0")  # a1, a4, b1 of 4
    assert got["intake_dauer_median"] == Decimal("16.5")  # 10, 10 (b1), 23, 146
    assert rows(sec.tables[0])["abschluss_handed_over"] == 1


def test_period_across_the_year_end(office, users, org):
    winter = Period.months((2024, 11), (2025, 2))  # reference 28 February 2025
    sec = section(users.team_lead, "team", org.team_a, winter)
    got = values(sec)
    assert got["faelle_neu"] == 3  # a5 (November), a4 (January), a1 (February)
    assert got["faelle_offen"] == 3  # a1, a4, a5 – a7 was closed ON 28 February
    assert got["faelle_beendet"] == 1  # a7
    assert got["anteil_ohne_hilfe"] == Decimal("100.0")
    assert got["intake_dauer_median"] == Decimal("151.0")  # a5 30 days, a7 272 days
    assert got["intake_dauer_p90"] == Decimal("247.8")
    assert got["kontakte_je_intake"] == Decimal("0.0")
    assert series(sec.charts[0]) == [[1, 0, 1, 1], [0, 0, 0, 1]]  # November … February
    assert rows(sec.tables[0])["abschluss_other"] == 1


def test_empty_period_has_no_shares_or_durations(office, users, org):
    sec = section(users.team_lead, "team", org.team_a, Period.year(2020))
    got = values(sec)
    assert (got["faelle_neu"], got["faelle_offen"], got["faelle_beendet"]) == (0, 0, 0)
    assert got["anteil_ohne_hilfe"] is None
    assert got["intake_dauer_median"] is None and got["intake_dauer_p90"] is None
    assert got["kontakte_je_intake"] is None
    assert rows(sec.tables[0])["abschluss_gesamt"] == 0


def test_leadership_gets_no_links(office, users, org):
    sec = section(users.leadership, "team", org.team_a)
    assert all(f.link is None for f in sec.figures)
    assert all(f.link is None for table in sec.tables for _, figs in table.rows for f in figs)


def _listed(client, link):
    response = client.get(link)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_team_lead_links_open_the_filtered_case_list(office, users, org, as_user):
    sec = section(users.team_lead, "team", org.team_a)
    link = sec.figure("faelle_neu").link
    query = parse_qsl(urlsplit(link).query)
    assert urlsplit(link).path == reverse("cases:list")
    assert ("districts", str(org.walle.pk)) in query and ("districts", str(org.westend.pk)) in query
    assert ("opened_after", "2025-03-01") in query and ("opened_before", "2025-05-31") in query
    client = as_user(users.team_lead)
    assert "Walle, Westend" in client.get(link).text  # the hidden district filter is named on the page
    # The list behind each figure holds exactly the cases the figure counts.
    for key in ("faelle_neu", "faelle_offen", "faelle_beendet"):
        fig = sec.figure(key)
        assert _listed(client, fig.link) == fig.value, key
    assert _listed(client, sec.figure("anteil_ohne_hilfe").link) == 2  # closed without help
    assert _listed(client, sec.figure("intake_dauer_median").link) == 3  # intakes decided
    for _label, (fig, _share) in sec.tables[0].rows:
        assert _listed(client, fig.link) == fig.value, fig.key


def test_district_link_uses_the_district_filter(office, users, org):
    link = section(users.team_lead, "stadtteil", org.walle).figure("faelle_offen").link
    assert parse_qsl(urlsplit(link).query) == [("district", str(org.walle.pk)), ("open_on", "2025-05-31")]


def test_case_list_open_on_and_decided_filters(office, users, as_user):
    client = as_user(users.case_manager)
    base = reverse("cases:list")
    assert _listed(client, base + "?open_on=2025-05-31") == 3  # a3, a5, a6 (b1 is team B's)
    assert _listed(client, base + "?decided_after=2025-06-01&decided_before=2025-06-01") == 1  # a6, in Berlin time
    assert _listed(client, base + "?reached_help=true") == 1  # a2
    assert _listed(client, base + "?closed_after=2025-05-31&closed_before=2025-06-01") == 2  # a4, a5
    assert _listed(client, base + "?close_reason=moved") == 1


def test_case_list_bad_filter_values_are_field_errors(office, users, as_user):
    client = as_user(users.case_manager)
    bad = "?open_on=31.13.2025&districts=999999&decided_after=x&close_reason=zz"
    response = client.get(reverse("cases:list") + bad)
    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) >= {"open_on", "districts", "close_reason"}
    assert "Stadtteile: Bitte eine gültige Auswahl treffen." in response.text  # the hidden field says so too


@pytest.mark.parametrize("extra", [0, 5])
def test_query_count_does_not_grow_with_cases(org, users, extra, django_assert_max_num_queries):
    """Four aggregate queries (counts, classification, intake, months); the viewer's roles are cached."""
    make(org.walle, users.case_manager, D(2025, 3, 10), [(C, at(D(2025, 3, 20))), (X, at(D(2025, 4, 1)))], "self_help",
         [("service", D(2025, 3, 11))], [at(D(2025, 3, 10), 10)])
    for n in range(extra):
        make(org.westend, users.case_manager, D(2025, 4, 1 + n), [(C, at(D(2025, 4, 20)))], "",
             [("grey", D(2025, 4, 2))], [at(D(2025, 4, 2), 10)])
    scope = resolve_scope(users.team_lead, "team", org.team_a.pk)
    ctx = Context(scope=scope, period=SPRING, user=users.team_lead)
    compute("cases", ctx)  # warm the user's role cache, as the dashboard's own checks do
    with django_assert_max_num_queries(4):
        sec = compute("cases", ctx)
    assert sec.figure("faelle_neu").value == 1 + extra
