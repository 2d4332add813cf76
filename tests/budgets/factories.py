"""Factories of the budgets tests. Budgets are created through the service so that every test
budget has its instalment plan, as in production."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from budgets import services
from budgets.models import Area, CostCategory, CostEntry


def make_budget(user, district, *, year=2026, area=Area.YOUTH_HELP, amount="1200000.00", provider=None, **kwargs):
    return services.budget_create(
        user=user, district=district, year=year, area=area, amount=Decimal(amount), provider=provider, **kwargs
    )


class CostEntryFactory(DjangoModelFactory):
    """Direct inserts for test data (bypasses the service, not its database guards)."""

    class Meta:
        model = CostEntry

    booking_date = factory.LazyAttribute(lambda o: date(o.budget.year, 3, 15))
    category = CostCategory.PERSONNEL
    amount = Decimal("1000.00")
    provider = factory.LazyAttribute(lambda o: o.budget.provider)
    invoice_number = factory.Sequence(lambda n: f"RE-{n:06d}")


def make_case(district, team, manager, *, number=1, opened_on=date(2026, 1, 10), closed_on=None):
    from cases.models import Case

    return Case.objects.create(
        reference=f"{opened_on.year}/{district.code}/{number}", year=opened_on.year, number=number, district=district,
        team=team, case_manager=manager, opened_on=opened_on, first_contact_source="self",
        **({"closed_on": closed_on, "state": "closed", "close_reason": "other"} if closed_on else {}),
    )
