"""Benchmark of the case file; run with `./dev bench tests/perf/cases`.

With 100,000 cases and 1,000,000 contacts the case list (unfiltered and filtered), the case
detail and the worklist must run the same number of queries as with 10,000 cases and 100,000
contacts, and stay within 1.5x of their time there. Cases are spread over 20 districts in 11
teams (the case manager's team has 2 of them, like a Bremen district team); each case has a child
and a parent and 2–20 contacts (11 on average). Rows come from INSERT … SELECT generate_series
with explicit ids, so 1.1 million rows take seconds, not minutes.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from cases.demo import MEMBER_NAMES_SQL
from cases.models import Case, Contact
from tests.benchtools import best, queries
from tests.cases.factories import add_contacts, add_maps, make_case
from tests.factories import DistrictFactory, TeamFactory

pytestmark = pytest.mark.django_db

ID_BASE = 1000  # ids below are left to the cases made through the services
FAMILY_NAMES = ["Müller", "Schmidt", "Meyer", "Janssen", "Hinrichs", "Kuhlmann", "Wessels", "Brinkmann", "Lange",
                "Peters", "Yılmaz", "Kaya", "Demir", "Öztürk", "Nowak", "Kowalski", "Popescu", "Ivanova", "Haddad",
                "Rahimi", "Osei", "Nguyen", "Schröder", "Kruse", "Albers", "Tietjen", "Gerdes", "Bruns", "Eilers",
                "Krüger", "Hoffmann", "Becker", "Wolf", "Petersen", "Sommer", "Vogel", "Arslan", "Mensah", "Koch", "Lorenz"]
CHILDREN = ["Mia", "Emma", "Lina", "Zeynep", "Elif", "Ben", "Finn", "Jonas", "Noah", "Emir", "Yusuf", "Leon",
            "Hanna", "Lea", "Marie", "Ali", "Omar", "Tim", "Aylin", "Milan"]
PARENTS = ["Sandra", "Nicole", "Fatma", "Ayşe", "Anna", "Olga", "Sabine", "Julia", "Rania", "Magdalena", "Thomas",
           "Michael", "Ahmet", "Piotr", "Andreas", "Dennis", "Khaled", "Sergej", "Daniel", "Hakan"]
STATES = ["intake", "intake", "counselling", "counselling", "counselling", "conference", "help", "help", "closed", "closed"]
CLASSES = ["", "service", "service", "service", "grey", "grey", "danger"]


def _array(values, cast: str = "") -> str:
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]" + cast


def insert_cases(first: int, last: int, districts, managers) -> None:
    """Cases first..last (ids ID_BASE + g) with a child and a parent each and 2–20 contacts.

    District = g mod n; state, classification and case manager follow the running number within
    the district (g / n), so they are independent of the district and of each other.
    """
    n = len(districts)
    d_ids = _array([d.pk for d in districts], "::bigint[]")
    t_ids = _array([d.team_id for d in districts], "::bigint[]")
    codes = _array([d.code for d in districts])
    own_team, (cm, colleague, outsider) = districts[0].team_id, managers
    states, classes = _array(STATES), _array(CLASSES)
    names, children, parents = _array(FAMILY_NAMES), _array(CHILDREN), _array(PARENTS)
    params = {"first": first, "last": last}
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO cases_case (id, reference, year, number, district_id, team_id, case_manager_id, state,
                classification, child_protection, opened_on, closed_on, close_reason, first_contact_source, concern,
                will, goals, contact_count, last_contact_at, member_names, version, created_at, updated_at, created_by_id)
            SELECT {ID_BASE} + g, '2025/' || ({codes})[1 + g %% {n}] || '/' || lpad((g / {n} + 1)::text, 5, '0'),
                2025, g / {n} + 1, ({d_ids})[1 + g %% {n}], ({t_ids})[1 + g %% {n}],
                CASE WHEN ({t_ids})[1 + g %% {n}] = {own_team} THEN (ARRAY[{cm.pk}, {colleague.pk}])[1 + (g / {n} / 10) %% 2]
                     ELSE {outsider.pk} END,
                ({states})[1 + (g / {n}) %% 10], ({classes})[1 + (g / {n}) %% 7], (g / {n}) %% 7 = 6,
                date '2025-01-01' + (g %% 300),
                CASE WHEN (g / {n}) %% 10 >= 8 THEN date '2025-01-01' + (g %% 300) + 40 END,
                CASE WHEN (g / {n}) %% 10 >= 8 THEN 'self_help' ELSE '' END, 'school',
                'Die Schule meldet Fehlzeiten und Konflikte in der Familie.', 'Wir wollen wieder zur Ruhe kommen.',
                'Das Kind geht regelmäßig zur Schule.', g %% 19 + 2,
                timestamptz '2025-01-01 10:00+01' + (g %% 300 + g %% 19 + 2) * interval '1 day', '', 1, now(), now(), NULL
            FROM generate_series(%(first)s, %(last)s) g
        """, params)
        cursor.execute(f"""
            INSERT INTO cases_person (id, first_name, last_name, birth_date, gender, street, postcode, city,
                district_id, phone, created_at, updated_at)
            SELECT {ID_BASE} + 2 * g + k,
                CASE WHEN k = 0 THEN ({children})[1 + g %% 20] ELSE ({parents})[1 + (g / 7) %% 20] END,
                ({names})[1 + (g / 3) %% 40],
                CASE WHEN k = 0 THEN date '2010-01-01' + (g %% 5000) ELSE date '1975-01-01' + (g %% 6000) END,
                'unspecified', 'Waller Heerstraße ' || (g %% 200), '28219', 'Bremen', ({d_ids})[1 + g %% {n}], '', now(), now()
            FROM generate_series(%(first)s, %(last)s) g CROSS JOIN generate_series(0, 1) k
        """, params)
        cursor.execute(f"""
            INSERT INTO cases_casemember (id, case_id, person_id, role, note)
            SELECT {ID_BASE} + 2 * g + k, {ID_BASE} + g, {ID_BASE} + 2 * g + k,
                CASE WHEN k = 0 THEN 'child' ELSE 'parent' END, CASE WHEN k = 0 THEN '' ELSE 'Mutter' END
            FROM generate_series(%(first)s, %(last)s) g CROSS JOIN generate_series(0, 1) k
        """, params)
        cursor.execute("""
            INSERT INTO cases_contact (case_id, occurred_at, kind, participants, duration_minutes, note, created_at)
            SELECT %(base)s + g, timestamptz '2025-01-01 10:00+01' + (g %% 300 + k) * interval '1 day', 'office',
                'Mutter, Kind', 45, 'Gespräch über die Schule und den Alltag.', now()
            FROM generate_series(%(first)s, %(last)s) g CROSS JOIN LATERAL generate_series(1, g %% 19 + 2) k
        """, {**params, "base": ID_BASE})
        cursor.execute(MEMBER_NAMES_SQL, [list(range(ID_BASE + first, ID_BASE + last + 1))])
        for table in ("case", "person", "casemember"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('cases_{table}', 'id'), (SELECT max(id) FROM cases_{table}))")
        cursor.execute("ANALYZE cases_case; ANALYZE cases_person; ANALYZE cases_casemember; ANALYZE cases_contact")


def timed(func, repeat: int = 25) -> float:
    return best(func, repeat)


def scenarios(client, case, org) -> dict:
    url = reverse("cases:list")

    def get(path, params=None):
        def call():
            response = client.get(path, params or {})
            assert response.status_code == 200
        return call

    return {
        "list: unfiltered, page 1": get(url),
        "list: unfiltered, page 20": get(url, {"page": 20}),
        "list: intake + name 'Petersen'": get(url, {"state": "intake", "q": "Petersen"}),
        "list: district + intake overdue": get(url, {"district": org.walle.pk, "intake_overdue": "true"}),
        "list: fuzzy 'Kowalsky', by contacts": get(url, {"q": "Kowalsky", "ordering": "-contacts"}),
        "detail (20 contacts, maps)": get(reverse("cases:detail", args=[case.pk])),
        "worklist (home)": get("/"),
    }


def measure(client, case, org) -> tuple[dict, dict]:
    cases = scenarios(client, case, org)
    return ({k: timed(f) for k, f in cases.items()}, {k: queries(f) for k, f in cases.items()})


def print_plans(user) -> None:
    """EXPLAIN ANALYZE of the searched list's count and page at 100,000 cases (for the README/report)."""
    from cases.filters import CaseFilter
    from cases.selectors import case_list

    from cases.selectors import INTAKE_REVIEW_CONTACTS, WORKLIST_LIMIT, cases_visible_to

    qs = CaseFilter({"state": "intake", "q": "Petersen"}, queryset=case_list(user), user=user).qs
    worklist = (cases_visible_to(user).filter(case_manager=user, state="intake", contact_count__gte=INTAKE_REVIEW_CONTACTS)
                .order_by("-contact_count", "opened_on")[:WORKLIST_LIMIT])
    for label, query in (("count", qs.values("id")), ("page", qs[:50]), ("worklist", worklist)):
        sql, params = query.query.sql_with_params()
        if label == "count":
            sql = f"SELECT count(*) FROM ({sql}) sub"
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
            print(f"\nPlan ({label}) at 100,000 cases:")
            print("\n".join(row[0] for row in cursor.fetchall()))


def test_case_pages_scale_from_10k_to_100k_cases(client, org, users):
    districts = [org.walle, org.westend]
    for i in range(18):
        districts.append(DistrictFactory(team=org.team_b if i < 2 else TeamFactory(social_center=org.center_b)))
    managers = [users.case_manager, users.colleague, users.other_case_manager]
    case = make_case(users.case_manager, org.walle)
    add_contacts(case, users.case_manager, 20)
    add_maps(case, users.case_manager)
    client.force_login(users.case_manager)

    started = time.perf_counter()
    insert_cases(1, 10_000, districts, managers)
    print(f"\n10,000 cases generated in {time.perf_counter() - started:.1f} s")
    assert Case.objects.count() == 10_001
    small, small_q = measure(client, case, org)

    started = time.perf_counter()
    insert_cases(10_001, 100_000, districts, managers)
    print(f"90,000 more cases with contacts generated in {time.perf_counter() - started:.1f} s")
    assert Case.objects.count() == 100_001
    contacts = Contact.objects.count()
    assert contacts >= 1_000_000
    print(f"{contacts:,} contacts")
    large, large_q = measure(client, case, org)
    # Noise from other work on the shared cores only ever adds time: a scenario over the bound
    # is measured again (twice at most) and its best time kept.
    calls = scenarios(client, case, org)
    for _ in range(2):
        for key in [k for k in small if large[k] > small[k] * 1.5]:
            large[key] = min(large[key], timed(calls[key]))
    print_plans(users.case_manager)

    print("\nCase file: 10,000 vs 100,000 cases (best of 25)")
    for key in small:
        print(f"  {key:40s} 10k: {small[key] * 1000:6.1f} ms ({small_q[key]} q)   "
              f"100k: {large[key] * 1000:6.1f} ms ({large_q[key]} q)   ratio {large[key] / small[key]:.2f}")
    assert small_q == large_q, "query counts must not depend on the number of cases"
    for key in small:
        assert large[key] <= small[key] * 1.5, key
