"""Demo § 8a assessments: every result, open ones on the demo worklists, consistent with the rules, idempotent."""

from django.db.models import Count, Q
from django.utils import timezone

from cases import demo as cases_demo
from cases import demo_protection
from cases.models import Case, ProtectionAssessment, ProtectionMeasure
from cases.protection import open_assessment_worklist_rows
from juwe import demo as juwe_demo
from juwe.lib.seeding import SeedContext
from juwe.models import Team, User


def test_demo_assessments(db):
    ctx = SeedContext(quiet=True)
    juwe_demo.seed(ctx)
    # The case files alone (cases_demo.seed would also run the other parts' seeders).
    teams = list(Team.objects.order_by("code"))
    cases_demo._insert(ctx, cases_demo._plan(ctx, teams, cases_demo._case_managers(teams)))
    demo_protection.seed(ctx)
    qs = ProtectionAssessment.objects.all()
    assert set(qs.exclude(result="").values_list("result", flat=True)) == {"none", "need_help", "endangerment"}
    assert qs.filter(case__team__code="walle").count() > qs.exclude(case__team__code="walle").count() / 3
    # several assessments on some cases, so the trend shows
    assert Case.objects.annotate(n=Count("protection_assessments")).filter(n__gte=2).exists()
    # the rules hold: four-eyes, a plan for every endangerment, home visits dated, due time from urgency
    done = qs.exclude(result="").annotate(pros=Count("professionals", distinct=True), plan=Count("measures", distinct=True))
    assert not done.filter(pros__lt=2).exists()
    assert not done.filter(result="endangerment", plan=0).exists()
    assert not done.filter(home_visit=True, home_visit_on__isnull=True).exists()
    assert not qs.filter(taken_into_care=True, taken_into_care_note="").exists()
    assert not qs.filter(assessed_at__gt=timezone.now()).exists()
    assert ProtectionMeasure.objects.filter(done_on__isnull=False).exists()
    # the mark: every open assessment's case carries it
    assert not Case.objects.filter(Q(protection_assessments__result=""), child_protection=False).exists()
    # the demo case manager's worklist: one late, one not yet due
    rows = open_assessment_worklist_rows(User.objects.get(username="fallmanagement"))
    assert any(r["overdue"] for r in rows) and any(not r["overdue"] for r in rows)
    assert open_assessment_worklist_rows(User.objects.get(username="referatsleitung"))

    before = (ProtectionAssessment.objects.count(), ProtectionMeasure.objects.count())
    demo_protection.seed(SeedContext(quiet=True))
    assert (ProtectionAssessment.objects.count(), ProtectionMeasure.objects.count()) == before
