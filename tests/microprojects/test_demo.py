"""The demo: Bremen's frame, the twelve example projects, about 80 running projects, every state."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from juwe.models import District
from microprojects import selectors
from microprojects.demo import EXAMPLES, split_frame
from microprojects.models import (
    ActionGrant, MicroProject, Outcome, ParticipationCount, PreventionBudget, QualityReview, Referral, Status,
)


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
    before = MicroProject.objects.count()
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert MicroProject.objects.count() == before


def test_frame_split_adds_up_to_the_cent():
    shares = split_frame(Decimal("800000.00"), {1: Decimal("3"), 2: Decimal("3"), 3: Decimal("3")})
    assert sum(shares.values()) == Decimal("800000.00")
    assert sorted(shares.values()) == [Decimal("266666.66"), Decimal("266666.67"), Decimal("266666.67")]
