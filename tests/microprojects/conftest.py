import pytest

from microprojects.models import Status
from tests.microprojects.factories import make_project, set_budget


@pytest.fixture
def budget(org):
    """Walle's prevention budget of the current year: 50,000 EUR."""
    return set_budget(org.walle, "50000.00")


@pytest.fixture
def submitted(org, users, budget):
    """A proposal of the case manager, submitted by her, in Walle (charged to Walle)."""
    return make_project(
        districts=[org.walle, org.westend], provider=org.provider_a, created_by=users.case_manager,
        status=Status.SUBMITTED, requested="20000.00",
    )
