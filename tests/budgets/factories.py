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


def approved_contract(case, approver, *, help_type="31", provider=None, start=date(2026, 2, 1), until=date(2026, 7, 31),
                      ended_on=None, state=None, monthly_cost="1800.00"):
    """A contract of `case` approved by the team lead `approver` for start..until (a direct insert: the
    budgets tests need the legal basis of a booking, not the contract's talk, goals and tasks)."""
    from django.utils import timezone

    from cases.models import Contract

    state = state or ("ended" if ended_on else "active")
    approved = state in ("active", "ended")
    return Contract.objects.create(
        case=case, state=state, talk_on=start, talk_place="Bei der Familie zu Hause", help_type=help_type,
        provider=provider, approved_from=start, approved_until=until, monthly_cost=Decimal(monthly_cost),
        signed_on=start if state != "draft" else None, approved_at=timezone.now() if approved else None,
        approved_by=approver if approved else None, ended_on=ended_on, created_by=approver,
    )


def taking_into_care(case, user, *, received=date(2026, 3, 2)):
    """A § 8a assessment of `case` with a recorded taking into care (§ 42) after a report on `received`."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from cases.models import ProtectionAssessment

    at = timezone.make_aware(datetime.combine(received, time(10)))
    return ProtectionAssessment.objects.create(
        case=case, received_at=at, reported_by="Polizei", report="Kinder allein in der Wohnung.", urgency="immediate",
        due_at=at, assessed_at=at + timedelta(hours=2), result="endangerment", safety_scale=1, taken_into_care=True,
        taken_into_care_note="Inobhutnahme durch den Kinder- und Jugendnotdienst.", created_by=user,
    )
