"""Issue 13, item 10 (a): a checked import file waits for its confirmation in a table, stored once and
owned by the uploading user, referenced by id – not in the session, which was rewritten with the
whole file on every request. Another user's id answers 404; the content is gone after the confirm,
the row after a day."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from budgets import imports
from budgets.models import CostEntry, ImportUpload
from tests.budgets.factories import make_budget

pytestmark = pytest.mark.django_db
URL = reverse("budgets:cost_entry_import")


@pytest.fixture
def good(org, budget):
    return "\n".join([
        ";".join(imports.COLUMNS),
        f"15.01.2026;RE-1001;{org.provider_a.name};{org.walle.code};JH;Personal;12.345,67;;Gehalt Januar",
        f"31.01.2026;RE-1002;{org.provider_b.name};{org.walle.code};JH;HÜTN;4.200,00;;Wohngruppe",
    ]) + "\n"


def check(client, text, name="buchungen.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")})


def confirm(client, upload_id):
    return client.post(URL, {"confirm": "1", "upload": str(upload_id)})


def test_checked_file_is_stored_once_server_side_and_not_in_the_session(as_user, users, good):
    client = as_user(users.economic_aid)
    response = check(client, good)
    upload = ImportUpload.objects.get()
    assert (upload.owner, upload.filename, upload.text, upload.rows) == (users.economic_aid, "buchungen.csv", good, 2)
    assert f'name="upload" value="{upload.pk}"' in response.text
    session = client.session
    assert all("RE-1001" not in str(session[key]) for key in session.keys())
    client.get(reverse("budgets:cost_entry_list"))  # further requests leave it as it is
    assert ImportUpload.objects.get().text == good
    assert confirm(client, upload.pk).status_code == 302
    assert CostEntry.objects.count() == 2


def test_a_file_with_errors_is_not_stored(as_user, users, org, budget):
    bad = f"{';'.join(imports.COLUMNS)}\n15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Personal;abc;;\n"
    check(as_user(users.economic_aid), bad)
    assert not ImportUpload.objects.exists()


def test_another_users_upload_answers_404(client, users, good, scoped_economic_aid):
    client.force_login(users.economic_aid)
    check(client, good)
    upload = ImportUpload.objects.get()
    client.force_login(scoped_economic_aid)
    assert confirm(client, upload.pk).status_code == 404
    assert not CostEntry.objects.exists() and ImportUpload.objects.get().text == good


@pytest.mark.parametrize("value", ["abc", "", "12", "00000000-0000-0000-0000-000000000000"])
def test_a_wrong_or_unknown_upload_id_answers_404(as_user, users, value):
    assert confirm(as_user(users.economic_aid), value).status_code == 404


def test_confirm_deletes_the_content_and_a_second_confirm_says_it_was_imported(as_user, users, good):
    client = as_user(users.economic_aid)
    check(client, good)
    upload = ImportUpload.objects.get()
    assert confirm(client, upload.pk).status_code == 302
    upload.refresh_from_db()
    assert upload.text == "" and upload.imported_at is not None  # the bookings are in; the file is not kept
    response = confirm(client, upload.pk)
    assert response.status_code == 302
    assert "bereits importiert" in client.get(response.url).text
    assert CostEntry.objects.count() == 2


def test_the_data_changed_since_the_check_is_checked_again_on_confirm(as_user, users, org, good):
    client = as_user(users.economic_aid)
    check(client, good)
    upload = ImportUpload.objects.get()
    CostEntry.objects.create(budget=make_budget(users.leadership, org.walle, year=2025), booking_date="2025-05-01",
                             category="personnel", amount="1.00", provider=org.provider_a, invoice_number="RE-1001")
    response = confirm(client, upload.pk)
    assert response.status_code == 200
    assert "Zeile 2:" in response.text and "RE-1001" in response.text
    assert CostEntry.objects.count() == 1


def test_uploads_older_than_a_day_expire_and_are_deleted(client, users, good):
    client.force_login(users.economic_aid)
    check(client, good)
    upload = ImportUpload.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        client.force_login(users.economic_aid)
        response = confirm(client, upload.pk)
        assert response.status_code == 302 and not CostEntry.objects.exists()
        assert "erneut hoch" in client.get(response.url).text
        assert not ImportUpload.objects.exists()


def test_purge_command_deletes_uploads_older_than_a_day(client, users, good, scoped_economic_aid):
    client.force_login(users.economic_aid)
    check(client, good)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        call_command("purge_import_uploads", verbosity=0)
        assert ImportUpload.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        call_command("purge_import_uploads", verbosity=0)
        assert not ImportUpload.objects.exists()


def test_cancel_deletes_the_upload(as_user, users, good):
    client = as_user(users.economic_aid)
    check(client, good)
    upload = ImportUpload.objects.get()
    response = client.post(URL, {"discard": "1", "upload": str(upload.pk)})
    assert response.status_code == 302 and not ImportUpload.objects.exists()
    assert not CostEntry.objects.exists()
