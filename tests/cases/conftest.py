import pytest

from tests.cases.factories import make_case


@pytest.fixture
def case(users, org):
    """A case of team A (district Walle) managed by the case manager."""
    return make_case(users.case_manager, org.walle)
