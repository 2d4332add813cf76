"""Nothing with social data stays in a browser or proxy cache (issue 13, item 10): pages, exports and
PDFs answer `Cache-Control: no-store, private`; static files stay cacheable."""

import pytest
from django.urls import reverse

from tests.cases.factories import make_case
from tests.networks.factories import MeetingFactory, NetworkFactory


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_case_page_is_not_stored(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    response = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200 and no_store(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_not_stored(as_user, users, org, fmt):
    make_case(users.case_manager, org.walle)
    response = as_user(users.case_manager).get(reverse("cases:list"), {"format": fmt})
    assert response.status_code == 200 and no_store(response)


def test_pdf_is_not_stored(as_user, users, org):
    network = NetworkFactory(social_center=org.center_a, coordinator=users.coordinator, districts=[org.walle])
    meeting = MeetingFactory(network=network)
    response = as_user(users.coordinator).get(reverse("networks:meeting_invitation_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf" and no_store(response)


def test_login_and_error_pages_are_not_stored(client, as_user, users):
    assert no_store(client.get(reverse("login")))
    assert no_store(as_user(users.case_manager).get("/faelle/999999/"))  # 404 of an authenticated user


def test_static_files_stay_cacheable(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # the test run has no collected static files
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/juwe.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
