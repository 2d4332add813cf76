import pytest
from django.urls import reverse

from cases import contracts
from cases.models import ContractState
from tests.cases.contracts.factories import active_contract

pytestmark = pytest.mark.django_db


def test_contract_lifecycle_and_pages(case, users, as_user):
    contract = active_contract(case, users.case_manager, users.team_lead)
    assert contract.state == ContractState.ACTIVE
    client = as_user(users.case_manager)
    assert client.get(reverse("cases:contract_detail", args=[contract.pk])).status_code == 200
    assert client.get(reverse("cases:contract_create", args=[case.pk])).status_code == 200
    ended = contracts.contract_end(contract=contract, user=users.case_manager, ended_on=contract.approved_from, note="x")
    assert ended.state == ContractState.ENDED
