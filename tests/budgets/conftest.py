from decimal import Decimal

import pytest

from tests.budgets.factories import make_budget


@pytest.fixture
def budget(org, users):
    """Walle 2026, youth help, 1.2 million EUR, held by provider A (lead provider of Walle)."""
    return make_budget(users.leadership, org.walle, amount="1200000.00")


@pytest.fixture
def vahr_budget(org, users):
    return make_budget(users.leadership, org.vahr, amount=Decimal("800000.00"))


@pytest.fixture
def scoped_economic_aid(org):
    """Economic youth aid bound to social centre A (Walle, Westend) – unlike `users.economic_aid`, who has
    no social centre and sees the whole office. Budgets and cases of centre B (Vahr) are outside their scope."""
    from juwe.roles import Role
    from tests.factories import UserFactory

    return UserFactory(username="wjh-a", roles=[Role.ECONOMIC_AID], social_center=org.center_a)
