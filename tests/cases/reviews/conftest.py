import pytest

from tests.cases.reviews.factories import case_in_help, make_contract


@pytest.fixture
def help_case(users, org):
    return case_in_help(users.case_manager, org.walle)


@pytest.fixture
def contract(help_case, org):
    """An active contract of team A with provider A, 90 days before its approval ends."""
    return make_contract(help_case, provider=org.provider_a)
