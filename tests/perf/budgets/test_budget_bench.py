"""Benchmarks of the budgets app (run with `./dev bench tests/perf/budgets`, not part of `./dev test`).

1. Budget page and projection with 100,000 and then 1,000,000 cost entries in the database: the
   second must answer within 1.5x of the first. The measured budget holds a year of bookings of a
   large district (5,000 entries) in both runs; the other entries belong to the other districts'
   budgets of eleven years – the database grows by years and districts, one budget does not.
   A second figure puts 10 % of all rows into the measured budget (worst case, reported only).
2. Import of a 100,000-row CSV (check + save with COPY, with progress display) under a minute. A
   fifth of the rows are costs on 2,000 cases, each checked against the case's approved contracts
   (§ 36a SGB VIII; read for all cases at once), a hundred of them exceptions with a reason.

Rows are generated with INSERT … SELECT generate_series, not with the ORM.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets import imports
from budgets.models import Area, Budget, CostCategory, CostEntry
from budgets.selectors import positions
from juwe.models import District
from tests.benchtools import samples
from tests.factories import DistrictFactory, ProviderFactory

pytestmark = pytest.mark.django_db
YEARS = range(2016, 2027)
TODAY = date(2026, 9, 15)


def timed(func, repeat: int = 30) -> float:
    """Best of `repeat` runs; the median is kept for the printed report."""
    runs = samples(func, repeat)
    timed.medians.append(statistics.median(runs))
    return min(runs)


timed.medians = []


def make_budgets(org, n_districts: int = 40) -> Budget:
    districts = [org.walle] + [DistrictFactory(team=org.team_a) for _ in range(n_districts - 1)]
    provider = org.provider_a
    provider.lead_districts.add(*districts)
    Budget.objects.bulk_create(
        Budget(district=d, year=y, area=a, provider=provider, amount=1_000_000) for d in districts for y in YEARS
        for a in Area.values
    )
    return Budget.objects.get(district=org.walle, year=2026, area=Area.YOUTH_HELP)


def insert_entries(first: int, last: int, *, budget_id: int | None = None, exclude: int | None = None) -> None:
    """Entries numbered first..last; into one budget, or spread over all budgets except `exclude`."""
    categories = "ARRAY[" + ",".join(f"'{c}'" for c in CostCategory.values) + "]"
    where = "id = %(budget)s" if budget_id else "id <> %(exclude)s"
    # One row of arrays, cross-joined with the series: entry g goes to budget g mod n.
    sql = f"""
        WITH b AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(year ORDER BY id) AS years,
                          array_agg(provider_id ORDER BY id) AS providers, count(*)::int AS n
                   FROM budgets_budget WHERE {where})
        INSERT INTO budgets_costentry (budget_id, booking_date, category, amount, provider_id, invoice_number,
                                       note, created_at)
        SELECT b.ids[1 + g %% b.n], make_date(b.years[1 + g %% b.n], 1 + g %% 12, 1 + g %% 28),
               ({categories})[1 + g %% 7], ((g %% 500000) + 1) / 100.0, b.providers[1 + g %% b.n], 'B-' || g, '',
               now()
        FROM b, generate_series(%(first)s, %(last)s) g
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"budget": budget_id, "exclude": exclude, "first": first, "last": last})
        cursor.execute("ANALYZE budgets_costentry")
        cursor.execute("ANALYZE budgets_costmonthtotal")


def page_buffers(client, url: str) -> int:
    """Shared buffers (8 kB pages) the page's SELECTs touch – a figure load on the machine cannot blur."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    total = 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]["Plan"]
            total += plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return total


def measure(client, budget) -> dict[str, float]:
    url = reverse("budgets:budget_detail", args=[budget.pk])
    current_year = list(Budget.objects.filter(year=2026).select_related("district"))
    return {
        "budget page": timed(lambda: client.get(url)),
        "projection (one budget)": timed(lambda: positions([budget], TODAY)),
        f"projection ({len(current_year)} budgets, worklist)": timed(lambda: positions(current_year, TODAY)),
    }


def report(title: str, small: dict, large: dict) -> None:
    medians = timed.medians[-2 * len(small):]
    print(f"\n{title} – best of 30 (median)")
    for i, key in enumerate(small):
        print(f"  {key:36s} 100k: {small[key] * 1000:6.1f} ms ({medians[i] * 1000:6.1f})   "
              f"1M: {large[key] * 1000:6.1f} ms ({medians[len(small) + i] * 1000:6.1f})   ratio {large[key] / small[key]:.2f}")


def test_budget_page_and_projection_scale_from_100k_to_1m(client, org, users):
    budget = make_budgets(org)
    client.force_login(users.economic_aid)
    insert_entries(1, 5_000, budget_id=budget.pk)
    insert_entries(5_001, 100_000, exclude=budget.pk)
    assert CostEntry.objects.count() == 100_000
    url = reverse("budgets:budget_detail", args=[budget.pk])
    small, small_buffers = measure(client, budget), page_buffers(client, url)
    started = time.perf_counter()
    insert_entries(100_001, 1_000_000, exclude=budget.pk)
    print(f"\n900,000 rows generated in {time.perf_counter() - started:.1f} s")
    assert CostEntry.objects.count() == 1_000_000
    large, large_buffers = measure(client, budget), page_buffers(client, url)
    report("Budget page and projection (measured budget: 5,000 entries)", small, large)
    print(f"  buffers touched by the budget page's queries: 100k {small_buffers}, 1M {large_buffers}")
    assert large_buffers <= small_buffers * 1.5
    for key in small:
        assert large[key] <= small[key] * 1.5, key


def test_worst_case_one_budget_holds_a_tenth_of_all_rows(client, org, users):
    budget = make_budgets(org, n_districts=5)
    client.force_login(users.economic_aid)
    insert_entries(1, 10_000, budget_id=budget.pk)
    insert_entries(10_001, 100_000, exclude=budget.pk)
    small = measure(client, budget)
    insert_entries(100_001, 190_000, budget_id=budget.pk)
    insert_entries(190_001, 1_000_000, exclude=budget.pk)
    large = measure(client, budget)
    report("Worst case (measured budget: 10,000 then 100,000 entries) – reported, not asserted", small, large)


def test_import_of_100k_rows_under_a_minute(tmp_path, org, users):
    districts = [org.walle] + [DistrictFactory(team=org.team_a) for _ in range(19)]
    org.provider_a.lead_districts.add(*districts)
    Budget.objects.bulk_create(Budget(district=d, year=2026, area=a, provider=org.provider_a, amount=1_000_000)
                               for d in districts for a in Area.values)
    others = [ProviderFactory(name=f"Träger {i} gGmbH") for i in range(10)]
    codes = list(District.objects.filter(pk__in=[d.pk for d in districts]).values_list("code", flat=True))
    cases = cases_with_contracts(districts, users, others)
    names = ["Personal", "Overhead", "Fremdrechnung", "HÜTN", "Vorwegabzug", "Fallunabhängig", "Sachkosten Fall"]
    lines = [";".join(imports.COLUMNS)]
    for i in range(100_000):
        provider = others[i % 10].name
        day = f"{1 + i % 28:02d}.{1 + i % 12:02d}.2026"
        amount = f"{1 + i % 9000},{i % 100:02d}"
        if i % 5 == 0:  # a cost on a case, inside its contract – or an exception before it
            ref, code = cases[(i // 5) % len(cases)]
            service, reason = ("15.12.2025", "Kontrakt nachträglich bewilligt") if i % 1000 == 0 else ("", "")
            lines.append(f"{day};R-{i:07d};{provider};{code};JH;{'Fremdrechnung' if i % 2 else 'Sachkosten Fall'};"
                         f"{amount};{ref};Rechnung {i};{service};{reason}")
            continue
        lines.append(f"{day};R-{i:07d};{provider};{codes[i % 20]};"
                     f"{'JH' if i % 3 else 'EGH'};{names[i % 7]};{amount};;Rechnung {i}")
    path = tmp_path / "buchungen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nCSV: {path.stat().st_size / 1e6:.1f} MB, 100,000 rows")
    started = time.perf_counter()
    call_command("import_cost_entries", str(path), user=users.economic_aid.username)
    elapsed = time.perf_counter() - started
    print(f"Import of 100,000 rows (check + COPY): {elapsed:.1f} s")
    assert CostEntry.objects.count() == 100_000
    assert CostEntry.objects.filter(contract__isnull=False).count() == 19_900
    assert CostEntry.objects.exclude(exception_reason="").count() == 100
    assert elapsed < 60


def cases_with_contracts(districts, users, providers, per_district: int = 100) -> list[tuple[str, str]]:
    """(reference, district code) of cases with two approved contracts of another provider each
    (January–June, July–December 2026), inserted in bulk."""
    from django.utils import timezone

    from cases.models import Case, Contract

    Case.objects.bulk_create(
        Case(reference=f"2026/{d.code}/{n}", year=2026, number=n, district=d, team_id=d.team_id, state="help",
             case_manager=users.case_manager, opened_on=date(2025, 11, 1), first_contact_source="self")
        for d in districts for n in range(1, per_district + 1)
    )
    cases = list(Case.objects.filter(district__in=districts).select_related("district").order_by("id"))
    now = timezone.now()
    Contract.objects.bulk_create(
        Contract(case=c, team_id=c.team_id, case_manager_id=c.case_manager_id, state="active", talk_on=start,
                 talk_place="zu Hause", help_type="31", provider=providers[c.pk % len(providers)], approved_from=start,
                 approved_until=until, monthly_cost=1800, signed_on=start, approved_at=now, approved_by=users.team_lead)
        for c in cases for start, until in ((date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 12, 31)))
    )
    return [(c.reference, c.district.code) for c in cases]
