"""Every case view, export and map print writes an audit event."""

from django.urls import reverse

from juwe.models import AuditEvent
from tests.cases.factories import make_case


def test_viewing_a_case_is_audited(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    as_user(users.colleague).get(reverse("cases:detail", args=[case.pk]))
    event = AuditEvent.objects.get(name="cases.case.viewed")
    assert (event.user, event.action, event.object_id, event.object_repr) == (users.colleague, "view", str(case.pk), case.reference)


def test_svg_and_offer_search_are_audited_as_case_views(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    client = as_user(users.case_manager)
    client.get(reverse("cases:network_svg", args=[case.pk]))
    client.get(reverse("cases:offers", args=[case.pk]))
    assert sorted(AuditEvent.objects.filter(name="cases.case.viewed").values_list("data__part", flat=True)) == ["network_map", "offers"]


def test_refused_view_writes_no_case_event(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    assert as_user(users.other_case_manager).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not AuditEvent.objects.filter(name="cases.case.viewed").exists()


def test_export_is_audited_with_its_filter(as_user, users, org):
    make_case(users.case_manager, org.walle)
    response = as_user(users.case_manager).get(reverse("cases:list"), {"state": "intake", "format": "csv"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(name="cases.case.exported")
    assert event.action == "export" and event.data["rows"] == 1 and event.data["filter"]["state"] == "intake"
