import pytest
from django.db import DatabaseError, connection, transaction

from juwe.audit import Action, audit_log
from juwe.models import AuditEvent


@pytest.fixture
def event(users):
    return audit_log(action=Action.VIEW, name="juwe.district.viewed", user=users.case_manager)


def test_audit_event_cannot_be_updated_through_the_orm(event):
    event.name = "tampered"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_audit_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE juwe_auditevent SET name = 'tampered'", "DELETE FROM juwe_auditevent"],
)
def test_audit_table_rejects_update_and_delete_in_plain_sql(event, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).name == "juwe.district.viewed"


def test_audit_records_who_what_and_where(rf, users, org):
    request = rf.get("/organisation/stadtteile/334/", REMOTE_ADDR="10.1.2.3")
    request.user = users.case_manager
    e = audit_log(action=Action.VIEW, name="juwe.district.viewed", request=request, obj=org.walle)
    assert (e.username, e.action, e.object_type, e.object_id) == ("cm", "view", "juwe.district", str(org.walle.pk))
    assert e.path == "/organisation/stadtteile/334/"
    assert e.ip_address == "10.1.2.3"


def test_client_ip_behind_proxy(rf, settings):
    from juwe.audit import client_ip

    settings.JUWE_NUM_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    settings.JUWE_NUM_PROXIES = 2
    assert client_ip(request) == "203.0.113.9"
