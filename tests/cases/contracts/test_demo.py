"""Demo contracts: every state, chains, due and overdue approvals, valid by the services' rules, idempotent."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from cases import demo as cases_demo
from cases import demo_contracts
from cases.models import SGB8_HELP_TYPES, SGB9_HELP_TYPES, Case, Contract, ContractState, HelpType, TaskParty
from juwe import demo as juwe_demo
from juwe.lib.seeding import SeedContext


def test_demo_contracts(db):
    ctx = SeedContext(quiet=True)
    juwe_demo.seed(ctx)
    cases_demo.seed(ctx)
    today = timezone.localdate()
    walle = Contract.objects.filter(case__team__code="walle")
    assert set(walle.values_list("state", flat=True)) == set(ContractState.values)
    assert walle.filter(state="active", approved_until__range=(today, today + dt.timedelta(days=28))).exists()
    assert walle.filter(state="active", approved_until__lt=today).exists()
    assert walle.filter(previous__isnull=False, previous__state="ended").exists()
    assert walle.filter(state="signed").exists()  # the team lead's worklist has something to approve
    # Every contract keeps the rules: goals, a family task and a professional task, a family participant.
    bad = Contract.objects.annotate(
        goals_n=Count("goals", distinct=True),
        family=Count("tasks", filter=Q(tasks__party=TaskParty.FAMILY), distinct=True),
        pro=Count("tasks", filter=Q(tasks__party__in=[TaskParty.OFFICE, TaskParty.PROVIDER]), distinct=True),
    ).filter(Q(goals_n=0) | Q(family=0) | Q(pro=0))
    assert not bad.exists()
    # Both legal areas have decided help: every district with cases in help has active contracts
    # under SGB VIII (so its youth-help budget has cases) and under SGB IX (its integration-help budget).
    active = Contract.objects.filter(state="active")
    assert active.filter(help_type=HelpType.INTEGRATION).exists()  # § 35a stays, as youth help
    in_help = Case.objects.filter(state="help", contracts__state="active")
    for district_id in set(in_help.values_list("district_id", flat=True)):
        if in_help.filter(district_id=district_id).distinct().count() >= 2:
            assert active.filter(case__district_id=district_id, help_type__in=SGB9_HELP_TYPES).exists(), district_id
            assert active.filter(case__district_id=district_id, help_type__in=SGB8_HELP_TYPES).exists(), district_id
    sgb9 = active.filter(help_type__in=SGB9_HELP_TYPES).count()
    assert 0.1 < sgb9 / active.count() < 0.4  # some children, not most
    before = Contract.objects.count()
    demo_contracts.seed(SeedContext(quiet=True))
    assert Contract.objects.count() == before  # idempotent
