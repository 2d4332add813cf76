"""The case list: filters, fuzzy search, sorting, pagination, CSV export, constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from tests.cases.factories import add_contacts, add_maps, make_case

URL = "/faelle/"


def refs(response):
    return [c.reference for c in response.context["page"]]


@pytest.fixture
def cases(users, org):
    cm, colleague = users.case_manager, users.colleague
    a = make_case(cm, org.walle, child=("Lina", "Petersen", dt.date(2014, 5, 3)), opened_on=dt.date(2026, 1, 10))
    b = make_case(colleague, org.westend, child=("Jonas", "Kowalski", dt.date(2011, 2, 1)), parent=None, opened_on=dt.date(2026, 2, 10))
    c = make_case(cm, org.walle, child=("Aylin", "Demir", dt.date(2018, 9, 9)), parent=None, opened_on=dt.date(2026, 3, 10))
    add_contacts(a, cm, 10)
    services.case_classify(case=b, user=colleague, classification="grey", reason="Schule sorgt sich")
    services.case_transition(case=c, user=cm, to_state="counselling")
    return a, b, c


def test_default_order_is_newest_first(as_user, users, cases):
    a, b, c = cases
    assert refs(as_user(users.case_manager).get(URL)) == [c.reference, b.reference, a.reference]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"state": "counselling"}, [2]),
        ({"state": ["intake", "counselling"]}, [2, 1, 0]),
        ({"classification": "grey"}, [1]),
        ({"classification": "none"}, [2, 0]),
        ({"intake_overdue": "true"}, [0]),
        ({"opened_after": "2026-02-01", "opened_before": "2026-02-28"}, [1]),
        ({"ordering": "reference"}, [1, 0, 2]),
        ({"ordering": "-contacts"}, [0, 2, 1]),
    ],
)
def test_filters_and_sorting(as_user, users, cases, params, expected):
    assert refs(as_user(users.case_manager).get(URL, params)) == [cases[i].reference for i in expected]


def test_filter_by_district_team_and_case_manager(as_user, users, org, cases):
    client = as_user(users.case_manager)
    assert refs(client.get(URL, {"district": org.westend.pk})) == [cases[1].reference]
    assert refs(client.get(URL, {"case_manager": users.colleague.pk})) == [cases[1].reference]
    assert len(refs(client.get(URL, {"team": org.team_a.pk}))) == 3


def test_unknown_district_in_filter_is_a_german_error_not_a_leak(as_user, users, org, cases):
    response = as_user(users.case_manager).get(URL, {"district": org.vahr.pk})
    assert "Bitte eine gültige Auswahl treffen." in response.text


@pytest.mark.parametrize("query, index", [("Petersen", 0), ("Petersn", 0), ("kowalsky", 1), ("Aylin Demir", 2), ("/333/", 1)])
def test_search_by_reference_or_fuzzy_name(as_user, users, cases, query, index):
    assert refs(as_user(users.case_manager).get(URL, {"q": query})) == [cases[index].reference]


def test_csv_export_of_the_filtered_list(as_user, users, cases):
    response = as_user(users.case_manager).get(URL, {"state": "intake", "format": "csv"})
    body = response.content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Aktenzeichen;Status;Falleinordnung;Stadtteil")
    assert len(lines) == 3 and cases[2].reference not in body
    assert "Lina Petersen" in body


def test_pagination(as_user, users, org):
    for i in range(55):
        make_case(users.case_manager, org.walle, parent=None)
    client = as_user(users.case_manager)
    assert len(refs(client.get(URL))) == 50
    assert len(refs(client.get(URL, {"page": 2}))) == 5


def _more_cases(users, org, n):
    for _ in range(n):
        case = make_case(users.case_manager, org.walle)
        add_contacts(case, users.case_manager, 2)
        add_maps(case, users.case_manager)


# Request overhead: session, user, roles, idle-timeout session refresh (savepoint + UPDATE + release).
OVERHEAD = 6
# The case page's parts from case file II (cases/_<part>_panel.html), queries each adds:
CONFERENCE_PANEL = 2  # the case's conference items, their proposals (one prefetch)
CONTRACTS_PANEL = 1  # the case's contracts with their providers, one query however many
PROTECTION_PANEL = 1  # the case's assessments with their open measures (one query)
# The history also lists conference decisions, contracts and § 8a assessments: one query each.
HISTORY_CASE_FILE_II = 3
DETAIL = OVERHEAD + 12 + HISTORY_CASE_FILE_II + CONFERENCE_PANEL + CONTRACTS_PANEL + PROTECTION_PANEL


def test_case_list_query_count_is_constant(as_user, users, org, django_assert_max_num_queries):
    client = as_user(users.case_manager)
    _more_cases(users, org, 3)
    # + district scope, filter choices (districts, teams, case managers), count, page,
    # members with persons (one prefetch for the whole page), the read event of the page (audit insert)
    with django_assert_max_num_queries(OVERHEAD + 8) as small:
        client.get(URL, {"q": "Petersen", "state": "intake"})
    _more_cases(users, org, 20)
    with django_assert_max_num_queries(OVERHEAD + 8) as large:
        client.get(URL, {"q": "Petersen", "state": "intake"})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_case_detail_query_count_is_constant(as_user, users, org, django_assert_max_num_queries):
    case = make_case(users.case_manager, org.walle)
    client = as_user(users.case_manager)
    url = reverse("cases:detail", args=[case.pk])
    add_contacts(case, users.case_manager, 2)
    # + case with district/team/manager, members with persons, audit insert, contacts, state and
    # classification history (2), resources with their offers, network people, offer choices:
    # 9, plus the micro-project block from cases/_case_extras.html (the case's referrals, the
    # running projects of its district, the user's districts for the refer permission): 3 –
    # 12, however many contacts and map entries the case has.
    with django_assert_max_num_queries(DETAIL) as small:
        client.get(url)
    add_contacts(case, users.case_manager, 8)
    add_maps(case, users.case_manager)
    services.case_classify(case=case, user=users.case_manager, classification="grey", reason="Sorge")
    with django_assert_max_num_queries(DETAIL) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_worklist_query_count_is_constant(as_user, users, org, django_assert_max_num_queries):
    client = as_user(users.case_manager)
    case = make_case(users.case_manager, org.walle)
    add_contacts(case, users.case_manager, 5)
    # + one query for the intake section; other apps' sections add their own, so the bound
    # leaves room for them and the equality below pins ours.
    with django_assert_max_num_queries(OVERHEAD + 12) as small:
        client.get("/")
    for _ in range(5):
        add_contacts(make_case(users.case_manager, org.walle), users.case_manager, 6)
    with django_assert_max_num_queries(OVERHEAD + 12) as large:
        client.get("/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_every_date_input_of_the_filter_has_its_own_label(as_user, users, cases):
    """The two inputs of "Eröffnet zwischen" (and the other ranges) had no label (axe, issue 13):
    each date input is named by a label element pointing to it, in German."""
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.dates, self.labels, self._label = [], {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") == "date":
                self.dates.append(attrs["id"])
            elif tag == "label" and attrs.get("for"):
                self._label = attrs["for"]
                self.labels[self._label] = ""

        def handle_data(self, data):
            if self._label:
                self.labels[self._label] += data

        def handle_endtag(self, tag):
            if tag == "label":
                self._label = None

    parser = Inputs()
    parser.feed(as_user(users.case_manager).get(URL).text)
    assert {"id_opened_0", "id_opened_1", "id_closed_0", "id_closed_1", "id_decided_0", "id_decided_1"} <= set(parser.dates)
    assert [i for i in parser.dates if not parser.labels.get(i, "").strip()] == []
    assert parser.labels["id_opened_0"] == "Eröffnet von" and parser.labels["id_opened_1"] == "Eröffnet bis"
    assert 'for=""' not in as_user(users.case_manager).get(URL).text


def test_date_range_filter_still_filters(as_user, users, cases):
    a, b, c = cases
    response = as_user(users.case_manager).get(URL, {"opened_after": "2026-02-01", "opened_before": "2026-02-28"})
    assert refs(response) == [b.reference]
