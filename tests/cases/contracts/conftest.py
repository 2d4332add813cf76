import pytest

from tests.cases.contracts.factories import conference_case


@pytest.fixture
def case(users, org):
    """A case of team A (district Walle) in the case conference, ready for its contract."""
    return conference_case(users.case_manager, org.walle)
