"""Provider staff see their provider's contracts from signing on – never drafts, other providers'
contracts, the case file or the office's internal note."""

import pytest
from django.urls import reverse

from cases.models import ContractState
from juwe.models import AuditEvent
from tests.cases.reviews.factories import INTERNAL_NOTE, case_in_help, make_contract


@pytest.fixture
def contracts(help_case, org, users):
    other_case = case_in_help(users.other_case_manager, org.vahr, child=("Ben", "Kaya", None), parent=None)
    return {
        "signed": make_contract(help_case, provider=org.provider_a, state=ContractState.SIGNED),
        "active": make_contract(help_case, provider=org.provider_a),
        "ended": make_contract(help_case, provider=org.provider_a, state=ContractState.ENDED),
        "draft": make_contract(help_case, provider=org.provider_a, state=ContractState.DRAFT),
        "other_provider": make_contract(other_case, provider=org.provider_b),
        "no_provider": make_contract(help_case),
    }


def test_provider_lists_own_signed_active_and_ended_contracts_only(as_user, users, contracts):
    response = as_user(users.provider_staff).get(reverse("cases:provider_contract_list"))
    assert response.status_code == 200
    shown = {c.pk for c in response.context["page"]}
    assert shown == {contracts[k].pk for k in ("signed", "active", "ended")}
    assert INTERNAL_NOTE not in response.text


@pytest.mark.parametrize("key", ["signed", "active", "ended"])
def test_provider_sees_own_contract_page_without_internal_note(as_user, users, contracts, key):
    response = as_user(users.provider_staff).get(reverse("cases:provider_contract_detail", args=[contracts[key].pk]))
    assert response.status_code == 200
    assert "Lina Petersen" in response.text  # the family's names: the provider works with them
    assert "Ziel 1: Lina geht gern zur Schule" in response.text
    assert "übt mit Lina die Morgenroutine" in response.text
    assert INTERNAL_NOTE not in response.text
    assert "Wochen nicht mehr zur Schule" not in response.text  # the case's concern stays in the file
    assert "2014" not in response.text  # no birth dates


@pytest.mark.parametrize("key", ["draft", "other_provider", "no_provider"])
def test_provider_gets_404_for_drafts_and_other_contracts(as_user, users, contracts, key):
    client = as_user(users.provider_staff)
    pk = contracts[key].pk
    assert client.get(reverse("cases:provider_contract_detail", args=[pk])).status_code == 404
    task = contracts[key].tasks.first()
    assert client.post(reverse("cases:task_note_add", args=[pk, task.pk]), {"text": "x"}).status_code == 404


def test_provider_never_reaches_the_case_file(as_user, users, contracts, help_case):
    client = as_user(users.provider_staff)
    assert client.get(reverse("cases:detail", args=[help_case.pk])).status_code == 404
    assert client.get(reverse("cases:review_record", args=[contracts["active"].pk])).status_code == 403


def test_provider_menu_and_worklist(as_user, users, contracts):
    response = as_user(users.provider_staff).get(reverse("home"))
    assert reverse("cases:provider_contract_list") in response.text
    assert reverse("cases:provider_contract_detail", args=[contracts["active"].pk]) in response.text
    assert reverse("cases:provider_contract_detail", args=[contracts["draft"].pk]) not in response.text
    assert reverse("cases:provider_contract_detail", args=[contracts["ended"].pk]) not in response.text
    assert INTERNAL_NOTE not in response.text


@pytest.mark.parametrize("who", ["coordinator", "economic_aid", "leadership", "admin", "nobody"])
def test_roles_without_contract_access_get_403(as_user, users, contracts, who):
    client = as_user(getattr(users, who))
    assert client.get(reverse("cases:provider_contract_list")).status_code == 403
    assert client.get(reverse("cases:provider_contract_detail", args=[contracts["active"].pk])).status_code == 403


def test_other_team_gets_404(as_user, users, contracts):
    client = as_user(users.other_case_manager)
    assert client.get(reverse("cases:provider_contract_detail", args=[contracts["active"].pk])).status_code == 404
    assert client.get(reverse("cases:review_record", args=[contracts["active"].pk])).status_code == 404


def test_caseworker_lists_the_teams_contracts_including_drafts(as_user, users, contracts):
    response = as_user(users.case_manager).get(reverse("cases:provider_contract_list"), {"state": "draft"})
    assert [c.pk for c in response.context["page"]] == [contracts["draft"].pk]


def test_list_filters_by_help_type_and_name(as_user, users, contracts):
    client = as_user(users.provider_staff)
    assert client.get(reverse("cases:provider_contract_list"), {"help_type": "34"}).context["page"].paginator.count == 0
    assert client.get(reverse("cases:provider_contract_list"), {"q": "Petersen"}).context["page"].paginator.count == 3


def test_every_view_is_audited(as_user, users, contracts):
    client = as_user(users.provider_staff)
    client.get(reverse("cases:provider_contract_detail", args=[contracts["active"].pk]))
    event = AuditEvent.objects.get(name="cases.contract.viewed")
    assert (event.user, event.object_id, event.data) == (users.provider_staff, str(contracts["active"].pk), {"part": "provider"})
    client.get(reverse("cases:provider_contract_list"))
    assert AuditEvent.objects.filter(name="cases.contract.listed", user=users.provider_staff).exists()


# Provider list: session, user, roles, session refresh (savepoint, update, release) = 6; count, page,
# the provider's name for the heading, the audit insert = 4 – the same for 3 or 30 contracts.
LIST_QUERIES = 10
# Provider page: 6 as above; contract, audit insert, family, goals, participants, tasks, their notes,
# review (its ratings only when reviewed) = 8 – independent of the number of tasks and notes.
DETAIL_QUERIES = 14


def test_list_query_count_is_constant(as_user, users, contracts, help_case, org, django_assert_max_num_queries):
    client = as_user(users.provider_staff)
    url = reverse("cases:provider_contract_list")
    for _ in range(10):
        make_contract(help_case, provider=org.provider_a)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(url).status_code == 200


def test_detail_query_count_is_constant(as_user, users, contracts, django_assert_max_num_queries):
    from cases.reviews import task_note_add

    contract = contracts["active"]
    for task in contract.tasks.all():
        for n in range(3):
            task_note_add(task=task, user=users.provider_staff, text=f"Notiz {n}")
    client = as_user(users.provider_staff)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(reverse("cases:provider_contract_detail", args=[contract.pk])).status_code == 200
