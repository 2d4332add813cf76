"""Benchmark of the micro-project pages at city scale; run with `./dev bench tests/perf/microprojects`.

Bremen runs about 82 projects at a time; over the years and with --scale the table grows. We
generate 2,000 and then 20,000 projects across 85 districts (INSERT … SELECT generate_series,
with districts, participation counts and reviews) and measure, as leadership (all districts) and
as a coordinator: the district overview, the project list, the worklist sections and one approval
against the locked budget row. The query counts must not grow with the data.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from microprojects import services, worklists
from microprojects.models import MicroProject, PreventionBudget, Status
from tests.benchtools import queries, samples
from tests.factories import DistrictFactory
from tests.microprojects.factories import make_project

pytestmark = pytest.mark.django_db
N_DISTRICTS = 85


def insert_projects(first: int, last: int, user_id: int, provider_id: int) -> None:
    statuses = "ARRAY['draft','submitted','approved','rejected','running','running','running','completed']"
    sql = f"""
        WITH d AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS idx FROM juwe_district),
             n AS (SELECT count(*) AS c FROM d)
        INSERT INTO microprojects_microproject (title, budget_district_id, category, provider_id, need_description,
            target_group, age_from, age_to, goals, start_date, end_date, requested_amount, approved_amount, budget_year,
            status, outcome, rejection_reason, over_budget, approval_note, created_by_id, created_at, version)
        SELECT 'Projekt ' || g, d.id,
               (ARRAY['case_spanning','institution','special_method','semi_professional'])[1 + g %% 4],
               %(provider)s, 'Bedarf aus Fällen', 'Familien', 0, 17, 'Ziele',
               date '2022-01-01' + (g %% 1400), date '2022-01-01' + (g %% 1400) + 365, 5000,
               CASE WHEN ({statuses})[1 + g %% 8] IN ('approved','running','completed') THEN 4000 END,
               CASE WHEN ({statuses})[1 + g %% 8] IN ('approved','running','completed')
                    THEN extract(year FROM date '2022-01-01' + (g %% 1400))::int END,
               ({statuses})[1 + g %% 8], CASE WHEN g %% 8 = 7 THEN 'continued' ELSE '' END, '', false, '',
               %(user)s, now(), 1
        FROM generate_series(%(first)s, %(last)s) g JOIN d ON d.idx = g %% (SELECT c FROM n);
        INSERT INTO microprojects_microproject_districts (microproject_id, district_id)
        SELECT id, budget_district_id FROM microprojects_microproject WHERE title ~ '^Projekt [0-9]+$'
        ON CONFLICT DO NOTHING;
        INSERT INTO microprojects_participationcount (project_id, year, quarter, referred_by_cm, low_threshold,
            recorded_by_id, recorded_at)
        SELECT p.id, extract(year FROM p.start_date)::int, q, 3 + p.id %% 5, p.id %% 4, %(user)s, now()
        FROM microprojects_microproject p CROSS JOIN generate_series(1, 4) q WHERE p.status IN ('running','completed')
        ON CONFLICT DO NOTHING;
        ANALYZE microprojects_microproject; ANALYZE microprojects_microproject_districts;
        ANALYZE microprojects_participationcount;
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"first": first, "last": last, "user": user_id, "provider": provider_id})


def timed(func, repeat: int = 10) -> float:
    return statistics.median(samples(func, repeat))


def scenarios(client, users, org):
    from django.test import Client

    clients = {}
    for user in (users.leadership, users.coordinator):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)

    def page(user, url, params=None):
        def run():
            assert clients[user.pk].get(url, params or {}).status_code == 200
        return run

    def sections():
        user = type(users.coordinator).objects.get(pk=users.coordinator.pk)
        return [section.rows(user) for section in worklists.SECTIONS]

    def approve():
        project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                               status=Status.SUBMITTED, requested="100.00")
        services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("100.00"))

    return {
        "overview, leadership, 85 districts": page(users.leadership, reverse("microprojects:district_overview"), {"year": 2024}),
        "list, leadership, page 1": page(users.leadership, reverse("microprojects:list")),
        "list, leadership, district + year": page(users.leadership, reverse("microprojects:list"), {"district": org.walle.pk, "year": 2024}),
        "list, coordinator": page(users.coordinator, reverse("microprojects:list")),
        "worklist sections, coordinator": sections,
        "approval (budget row locked)": approve,
    }


def test_microproject_pages_scale_from_2k_to_20k(client, org, users):
    for _ in range(N_DISTRICTS - 3):
        DistrictFactory(team=org.team_a)
    PreventionBudget.objects.bulk_create(
        [PreventionBudget(district_id=d, year=y, amount=Decimal("10000000.00"))
         for d in type(org.walle).objects.values_list("id", flat=True) for y in range(2022, 2030)]
    )
    insert_projects(1, 2_000, users.case_manager.pk, org.provider_a.pk)
    cases = scenarios(client, users, org)
    small = {k: timed(f) for k, f in cases.items()}
    small_q = {k: queries(f) for k, f in cases.items()}

    started = time.perf_counter()
    insert_projects(2_001, 20_000, users.case_manager.pk, org.provider_a.pk)
    print(f"\n18,000 projects generated in {time.perf_counter() - started:.1f} s "
          f"({MicroProject.objects.count():,} in all)")
    large = {k: timed(f) for k, f in cases.items()}
    large_q = {k: queries(f) for k, f in cases.items()}

    print(f"{'scenario':42} {'2k ms':>8} {'20k ms':>8} {'queries':>8}")
    for k in cases:
        print(f"{k:42} {small[k] * 1000:8.1f} {large[k] * 1000:8.1f} {large_q[k]:8d}")
    assert small_q == large_q, "query counts must not grow with the data"
    assert max(large.values()) < 2.0  # generous: two shared cores; typical figures are in the README request
