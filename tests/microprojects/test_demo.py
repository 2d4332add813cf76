"""The demo: Bremen's frame, the twelve example projects, about 80 running projects, every state."""

from decimal import Decimal
from io import StringIO

import datetime as _dt_mid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F, Q, Sum
from django.utils import timezone

from juwe.models import District
from microprojects import selectors
from microprojects.demo import EXAMPLES, split_frame
from microprojects.models import (
    ActionGrant, MicroProject, Outcome, ParticipationCount, PreventionBudget, ProjectPayment, QualityReview, Referral,
    Status, Supplement,
)

# Written for the middle of 2026 (the demo and the fixtures book into that year): frozen there, so
# the suite passes on any date – on 2 January the demo has booked nothing yet in the new year.
@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(_dt_mid.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield



@pytest.mark.django_db
def test_demo_has_examples_every_state_and_fits_the_frame():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    year = timezone.localdate().year
    assert PreventionBudget.objects.filter(year=year).aggregate(s=Sum("amount"))["s"] == Decimal("800000.00")
    titles = set(MicroProject.objects.values_list("title", flat=True))
    assert {e[0] for e in EXAMPLES} <= titles
    assert 80 <= MicroProject.objects.filter(status=Status.RUNNING).count() <= 90
    assert set(MicroProject.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(MicroProject.objects.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert MicroProject.objects.filter(extended_from__isnull=False).exists()
    assert ParticipationCount.objects.exists() and QualityReview.objects.exists() and ActionGrant.objects.exists()
    assert Referral.objects.exists()
    # only the projects leadership approved over budget overdraw a district's budget
    over = {(p.budget_district_id, p.budget_year) for p in MicroProject.objects.filter(over_budget=True)}
    for district in District.objects.all():
        for y in (year - 1, year):
            if (district.pk, y) not in over:
                assert selectors.prevention_budget_position(district, y).remaining >= 0
    _assert_money_within_approvals(year)
    _assert_grants_have_criteria_and_proofs()
    before = (MicroProject.objects.count(), ProjectPayment.objects.count(), Supplement.objects.count())
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert (MicroProject.objects.count(), ProjectPayment.objects.count(), Supplement.objects.count()) == before


def _assert_money_within_approvals(year):
    from budgets.models import CostEntry
    from juwe.models import User
    from microprojects.worklists import pending_supplement_rows

    # No approval above its request, no supplement above its request.
    assert not MicroProject.objects.filter(approved_amount__gt=F("requested_amount")).exists()
    assert not Supplement.objects.filter(approved_amount__gt=F("requested_amount")).exists()
    # Micro-project money is paid out of the prevention frame, never booked into a youth-help budget.
    assert not CostEntry.objects.filter(microproject__isnull=False).exists()
    supplements = dict(Supplement.objects.filter(status=Supplement.Status.APPROVED).values_list("project_id")
                       .annotate(s=Sum("approved_amount")))
    paid = dict(ProjectPayment.objects.values_list("project_id").annotate(s=Sum("amount")))
    approved = dict(MicroProject.objects.filter(pk__in=paid).values_list("pk", "approved_amount"))
    assert len(paid) > 50
    over = [pk for pk, total in paid.items() if total > approved[pk] + supplements.get(pk, 0)]
    assert over == [], "payments above the approval"
    assert ProjectPayment.objects.filter(project__status=Status.COMPLETED).exists()
    assert not ProjectPayment.objects.filter(Q(project__status__in=[Status.DRAFT, Status.SUBMITTED, Status.REJECTED])).exists()
    reversals = list(ProjectPayment.objects.filter(reverses__isnull=False).select_related("reverses"))
    assert reversals and all(r.amount == -r.reverses.amount for r in reversals)
    # Some supplements granted, one rejected, one awaiting the demo coordinator.
    statuses = list(Supplement.objects.values_list("status", flat=True))
    assert statuses.count(Supplement.Status.APPROVED) >= 3
    assert statuses.count(Supplement.Status.REJECTED) == 1 and statuses.count(Supplement.Status.REQUESTED) == 1
    assert len(pending_supplement_rows(User.objects.get(username="koordination"))) == 1
    # The frame's position counts supplements and payments.
    positions = selectors.prevention_budget_positions(District.objects.values_list("pk", flat=True), year)
    assert sum(p.paid for p in positions.values()) > 0


def _assert_grants_have_criteria_and_proofs():
    from juwe.models import User
    from microprojects.worklists import proof_rows

    today = timezone.localdate()
    granted = ActionGrant.objects.filter(status=ActionGrant.Status.GRANTED)
    assert granted.exists()
    assert not granted.filter(Q(criteria=[]) | Q(proof_due__isnull=True)).exists()
    assert granted.filter(proof_received_on__isnull=False).exists()
    assert granted.filter(proof_received_on__isnull=True, proof_due__gte=today).exists()  # due
    rows = proof_rows(User.objects.get(username="koordination"))
    assert [r["overdue"] for r in rows].count(True) == 1 and len(rows) >= 2  # one overdue, one due soon
    assert not ActionGrant.objects.exclude(status=ActionGrant.Status.GRANTED).exclude(criteria=[]).exists()


def test_frame_split_adds_up_to_the_cent():
    shares = split_frame(Decimal("800000.00"), {1: Decimal("3"), 2: Decimal("3"), 3: Decimal("3")})
    assert sum(shares.values()) == Decimal("800000.00")
    assert sorted(shares.values()) == [Decimal("266666.66"), Decimal("266666.67"), Decimal("266666.67")]
