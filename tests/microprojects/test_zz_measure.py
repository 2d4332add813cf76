import datetime as dt
from decimal import Decimal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from microprojects import services, worklists
from microprojects.models import Status
from tests.microprojects.factories import make_project


def test_measure(as_user, org, users, budget):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.RUNNING, requested="40000.00", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    for i in range(5):
        services.payment_book(actor=users.economic_aid, project=project, paid_on=dt.date(2026, 3, 2), amount=Decimal("10"), invoice_number=f"R{i}")
    s = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("100"), reason="x")
    out = []
    for role in ("economic_aid", "coordinator", "case_manager", "provider_staff"):
        client = as_user(getattr(users, role))
        for name, args in [("microprojects:detail", [project.pk]), ("microprojects:payment_create", [project.pk]),
                           ("microprojects:supplement_decide", [project.pk, s.pk]), ("microprojects:supplement_request", [project.pk])]:
            with CaptureQueriesContext(connection) as ctx:
                code = client.get(reverse(name, args=args)).status_code
            out.append((role, name, code, len(ctx.captured_queries)))
    from budgets.models import Budget
    user = type(users.coordinator).objects.get(pk=users.coordinator.pk)
    with CaptureQueriesContext(connection) as ctx:
        [section.rows(user) for section in worklists.SECTIONS]
    out.append(("worklist", len(ctx.captured_queries)))
    for o in out:
        print(o)
    assert 0
