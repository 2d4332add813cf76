"""The demo case files: every state, consistent counters, idempotent."""

from django.db.models import Count, F, Max

from cases import demo as cases_demo
from cases.models import Case, CaseState, Contact, NetworkPerson, ReferenceCounter, ResourceEntry
from juwe import demo as juwe_demo
from juwe.lib.seeding import SeedContext
from juwe.models import District, User
from tests.cases.factories import make_case


def test_demo_cases_cover_every_state_with_contacts_and_maps(db):
    ctx = SeedContext(quiet=True)
    juwe_demo.seed(ctx)
    cases_demo.seed(ctx)
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    walle = Case.objects.filter(team__code="walle").count()
    assert 250 <= walle <= 400
    assert Case.objects.filter(case_manager__username="fallmanagement", state="intake", contact_count__gte=5).exists()
    assert Contact.objects.count() > Case.objects.count() * 3
    assert ResourceEntry.objects.exists() and NetworkPerson.objects.exists()
    # The denormalised contact count matches the contacts.
    mismatched = Case.objects.annotate(n=Count("contacts")).exclude(n=F("contact_count"))
    assert not mismatched.exists()
    # Gap-free numbers, counters at the top: the next real case continues the sequence.
    for row in Case.objects.values("district_id", "year").annotate(top=Max("number"), n=Count("id")):
        assert row["top"] == row["n"]
        assert ReferenceCounter.objects.get(district_id=row["district_id"], year=row["year"]).last_number == row["top"]
    before = Case.objects.count()
    cases_demo.seed(SeedContext(quiet=True))
    assert Case.objects.count() == before  # idempotent

    cm = User.objects.get(username="fallmanagement")
    district = District.objects.filter(team=cm.team).first()
    latest = Case.objects.filter(district=district).order_by("-year", "-number").first()
    new = make_case(cm, district, opened_on=latest.opened_on)
    assert new.number == Case.objects.filter(district=district, year=new.year).count()

