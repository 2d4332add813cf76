"""Reference numbers: <year>/<district code>/<running number>, unique and gap-free per district and year."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from cases import services
from cases.models import Case, ReferenceCounter
from tests.cases.factories import make_case


def test_numbers_run_per_district_and_year(users, org):
    cm = users.case_manager
    a = make_case(cm, org.walle, opened_on=dt.date(2025, 12, 30))
    b = make_case(cm, org.walle, opened_on=dt.date(2025, 12, 31))
    c = make_case(cm, org.westend, opened_on=dt.date(2025, 12, 31))
    d = make_case(cm, org.walle, opened_on=dt.date(2026, 1, 2))
    assert [x.reference for x in (a, b, c, d)] == ["2025/334/0001", "2025/334/0002", "2025/333/0001", "2026/334/0001"]


def test_a_failed_creation_leaves_no_gap(users, org):
    cm = users.case_manager
    make_case(cm, org.walle, opened_on=dt.date(2026, 1, 5))
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(cm, org.walle, opened_on=dt.date(2026, 1, 6))
        raise RuntimeError("Abbruch nach dem Anlegen")
    third = make_case(cm, org.walle, opened_on=dt.date(2026, 1, 7))
    assert third.reference == "2026/334/0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_is_gap_free(org, users):
    """Eight threads on their own connections open cases in the same district at the same time."""
    workers, per_worker = 8, 5
    barrier = threading.Barrier(workers)
    errors: list[Exception] = []

    def work():
        try:
            barrier.wait()
            for _ in range(per_worker):
                make_case(users.case_manager, org.walle, opened_on=dt.date(2026, 3, 1))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Case.objects.filter(district=org.walle, year=2026).values_list("number", flat=True))
    assert numbers == list(range(1, workers * per_worker + 1))
    assert ReferenceCounter.objects.get(district=org.walle, year=2026).last_number == workers * per_worker


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_cases_of_a_year_do_not_collide_on_the_counter(org, users):
    """Two creations race to create the counter row itself (no counter exists yet)."""
    barrier = threading.Barrier(2)
    refs, errors = [], []

    def work():
        try:
            barrier.wait()
            refs.append(make_case(users.case_manager, org.westend, opened_on=dt.date(2026, 2, 1)).reference)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(refs) == ["2026/333/0001", "2026/333/0002"]


def test_next_reference_is_only_drawn_inside_a_case_creation(users, org):
    with transaction.atomic():
        number, ref = services.next_reference(district=org.walle, year=2030)
    assert (number, ref) == (1, "2030/334/0001")
