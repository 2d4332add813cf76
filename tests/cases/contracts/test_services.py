"""Contract validation, state changes and the approval rule (services)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import contracts
from cases.contracts import default_approval_end
from cases.models import CaseState, Contract, ContractGoal, ContractState, ContractTask, StateChange
from tests.cases.contracts.factories import (
    active_contract,
    conference_case,
    contract_data,
    goals,
    make_contract,
    participants,
    sign,
    tasks,
)
from tests.cases.factories import make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _refused(case, user, msg, *, data=None, parts=None, goal_rows=None, task_rows=None) -> ValidationError:
    before = Contract.objects.count()
    with pytest.raises(ValidationError) as exc:
        contracts.contract_create(
            case=case, user=user, data=data or contract_data(), participants=parts if parts is not None else participants(),
            goals=goal_rows if goal_rows is not None else goals(), tasks=task_rows if task_rows is not None else tasks(),
        )
    assert Contract.objects.count() == before  # nothing saved
    assert msg in exc.value.messages
    return exc.value


def test_create_defaults_approval_to_six_months_from_the_talk(case, users):
    contract = make_contract(case, users.case_manager)
    talk = contract.talk_on
    assert contract.state == ContractState.DRAFT
    assert contract.approved_from == talk
    assert contract.approved_until == default_approval_end(talk)
    assert contract.goals.count() == 2 and contract.tasks.count() == 3 and contract.participants.count() == 4
    # tasks keep their goal
    assert list(contract.tasks.order_by("position").values_list("goal__position", flat=True)) == [1, 2, 1]


@pytest.mark.parametrize("start,end", [
    (dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
    (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),
    (dt.date(2026, 7, 15), dt.date(2027, 1, 14)),
    (dt.date(2026, 12, 1), dt.date(2027, 5, 31)),
])
def test_default_approval_end_follows_month_arithmetic(start, end):
    assert default_approval_end(start) == end


def test_no_contract_without_goals(case, users):
    _refused(case, users.case_manager, contracts.MSG_NEEDS_GOAL, goal_rows=[{"text": "  ", "indicator": "x"}],
             task_rows=tasks(3, 0))


def test_no_contract_without_family_task(case, users):
    rows = [t for t in tasks(6) if t["party"] != "family"]
    _refused(case, users.case_manager, contracts.MSG_NEEDS_FAMILY_TASK, task_rows=rows)


def test_no_contract_without_professional_task(case, users):
    rows = [t | {"party": p} for t, p in zip(tasks(2), ["family", "other"], strict=True)]
    _refused(case, users.case_manager, contracts.MSG_NEEDS_PROFESSIONAL_TASK, task_rows=rows)


def test_approval_end_before_start_refused(case, users):
    data = contract_data(approved_from=TODAY, approved_until=TODAY - dt.timedelta(days=1))
    _refused(case, users.case_manager, contracts.MSG_APPROVAL_ORDER, data=data)


@pytest.mark.parametrize("cost,msg", [
    (Decimal("-1.00"), contracts.MSG_COST_NEGATIVE),
    ("zwölf", contracts.MSG_COST_NOT_A_NUMBER),
    ("NaN", contracts.MSG_COST_NOT_A_NUMBER),
    (None, contracts.MSG_COST_NOT_A_NUMBER),
])
def test_bad_cost_refused(case, users, cost, msg):
    _refused(case, users.case_manager, msg, data=contract_data(monthly_cost=cost))


def test_proposal_of_another_case_refused(case, users, org):
    from cases.models import Conference, ConferenceItem, HelpProposal

    other = conference_case(users.case_manager, org.walle)
    conf = Conference.objects.create(team=org.team_a, starts_at=timezone.now())
    item = ConferenceItem.objects.create(conference=conf, case=other, status="decided")
    proposal = HelpProposal.objects.create(item=item, help_type="31", description="SPFH", provider=org.provider_a)
    _refused(case, users.case_manager, contracts.MSG_PROPOSAL_NOT_OF_CASE, data=contract_data(proposal=proposal))
    # for its own case the proposal fills help type and provider
    made = make_contract(other, users.case_manager, proposal=proposal, help_type="", own_proposal="")
    assert (made.help_type, made.provider) == ("31", org.provider_a)


def test_contract_needs_case_in_conference_or_help(users, org):
    intake = make_case(users.case_manager, org.walle)
    _refused(intake, users.case_manager, contracts.MSG_CASE_STATE)


def test_other_team_cannot_create(case, users):
    _refused(case, users.other_case_manager, contracts.MSG_NOT_YOUR_TEAM)


def test_talk_in_future_and_missing_place_refused(case, users):
    err = _refused(case, users.case_manager, contracts.MSG_TALK_IN_FUTURE,
                   data=contract_data(talk_on=TODAY + dt.timedelta(days=1), talk_place=""))
    assert contracts.MSG_TALK_PLACE in err.messages


def test_full_state_path_records_who_and_when(case, users):
    contract = make_contract(case, users.case_manager)
    signed = sign(contract, users.case_manager, TODAY)
    assert (signed.state, signed.signed_on, signed.signed_recorded_by) == (ContractState.SIGNED, TODAY, users.case_manager)
    assert signed.signed_recorded_at is not None
    assert not signed.participants.get(name="Oma Erika").signs
    active = contracts.contract_approve(contract=signed, user=users.team_lead)
    assert (active.state, active.approved_by) == (ContractState.ACTIVE, users.team_lead)
    case.refresh_from_db()
    assert case.state == CaseState.HELP
    assert StateChange.objects.filter(case=case, to_state=CaseState.HELP, changed_by=users.team_lead).exists()
    ended = contracts.contract_end(contract=active, user=users.case_manager, ended_on=TODAY, note="Ziele erreicht")
    assert (ended.state, ended.ended_on, ended.end_note) == (ContractState.ENDED, TODAY, "Ziele erreicht")


def test_illegal_state_changes_refused(case, users):
    contract = make_contract(case, users.case_manager)
    with pytest.raises(ValidationError, match="kann nicht .* werden"):
        contracts.contract_approve(contract=contract, user=users.team_lead)
    with pytest.raises(ValidationError, match="kann nicht .* werden"):
        contracts.contract_end(contract=contract, user=users.case_manager, ended_on=TODAY)
    signed = sign(contract, users.case_manager)
    with pytest.raises(ValidationError, match="kann nicht .* werden"):
        sign(signed, users.case_manager)
    with pytest.raises(ValidationError, match="kann nicht .* werden"):
        contracts.contract_end(contract=signed, user=users.case_manager, ended_on=TODAY)
    assert Contract.objects.get(pk=contract.pk).state == ContractState.SIGNED


def test_signed_contract_is_frozen(case, users):
    contract = sign(make_contract(case, users.case_manager), users.case_manager)
    with pytest.raises(ValidationError) as exc:
        contracts.contract_update(contract=contract, user=users.case_manager, version=None, data=contract_data(),
                                  participants=participants(), goals=goals(1), tasks=tasks(2, 1))
    assert contracts.MSG_NOT_DRAFT in exc.value.messages
    assert ContractGoal.objects.filter(contract=contract).count() == 2
    assert ContractTask.objects.filter(contract=contract).count() == 3


def test_update_draft_replaces_rows_and_checks_version(case, users):
    contract = make_contract(case, users.case_manager)
    updated = contracts.contract_update(contract=contract, user=users.case_manager, version=contract.version,
                                        data=contract_data(monthly_cost=Decimal("900")), participants=participants(),
                                        goals=goals(3), tasks=tasks(4, 3))
    assert (updated.goals.count(), updated.tasks.count(), updated.monthly_cost) == (3, 4, Decimal("900.00"))
    with pytest.raises(ValidationError) as exc:
        contracts.contract_update(contract=contract, user=users.case_manager, version=contract.version,
                                  data=contract_data(), participants=participants(), goals=goals(), tasks=tasks())
    assert exc.value.code == "stale"


def test_sign_date_rules(case, users):
    contract = make_contract(case, users.case_manager)
    ids = list(contract.participants.values_list("id", flat=True))
    for day, code in [(TODAY + dt.timedelta(days=1), "signed_future"),
                      (contract.talk_on - dt.timedelta(days=1), "signed_before_talk")]:
        with pytest.raises(ValidationError) as exc:
            contracts.contract_sign(contract=contract, user=users.case_manager, signed_on=day, signers=ids)
        assert [e.code for e in exc.value.error_dict["signed_on"]] == [code]
    office = contract.participants.filter(party="office").values_list("id", flat=True)
    with pytest.raises(ValidationError) as exc:
        contracts.contract_sign(contract=contract, user=users.case_manager, signed_on=TODAY, signers=office)
    assert contracts.MSG_NEEDS_FAMILY_SIGNATURE in exc.value.messages
    assert Contract.objects.get(pk=contract.pk).state == ContractState.DRAFT


def test_case_manager_cannot_approve(case, users):
    contract = sign(make_contract(case, users.case_manager), users.case_manager)
    with pytest.raises(ValidationError) as exc:
        contracts.contract_approve(contract=contract, user=users.case_manager)
    assert contracts.MSG_APPROVE_TEAM_LEAD in exc.value.messages
    assert Contract.objects.get(pk=contract.pk).state == ContractState.SIGNED


def test_team_lead_of_other_team_cannot_approve(case, users, org):
    from tests.factories import UserFactory
    from juwe.roles import Role

    lead_b = UserFactory(username="tl-b", roles=[Role.TEAM_LEAD], team=org.team_b)
    contract = sign(make_contract(case, users.case_manager), users.case_manager)
    with pytest.raises(ValidationError):
        contracts.contract_approve(contract=contract, user=lead_b)


def test_follow_up_ends_previous_the_day_before(case, users):
    first = active_contract(case, users.case_manager, users.team_lead,
                            talk_on=TODAY - dt.timedelta(days=170))
    start = TODAY - dt.timedelta(days=2)
    follow = make_contract(case, users.case_manager, talk_on=start, previous=first)
    contracts.contract_approve(contract=sign(follow, users.case_manager), user=users.team_lead)
    first.refresh_from_db()
    assert (first.state, first.ended_on) == (ContractState.ENDED, start - dt.timedelta(days=1))


def test_end_before_start_refused(case, users):
    contract = active_contract(case, users.case_manager, users.team_lead)
    with pytest.raises(ValidationError) as exc:
        contracts.contract_end(contract=contract, user=users.case_manager,
                               ended_on=contract.approved_from - dt.timedelta(days=1))
    assert "ended_on" in exc.value.message_dict
    assert Contract.objects.get(pk=contract.pk).state == ContractState.ACTIVE


def test_cost_is_rounded_to_the_cent_half_up(case, users):
    # The office's one rounding rule (juwe.lib.money): 0.005 goes up, not to the even cent.
    contract = make_contract(case, users.case_manager, monthly_cost="1250.005")
    assert contract.monthly_cost == Decimal("1250.01")
