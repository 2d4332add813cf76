"""§ 8a pages: report form, assessment form (errors keep the input), measures, PDF, audit."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import ProtectionAssessment
from cases.protection import MSG_FOUR_EYES, MSG_PLAN_REQUIRED
from juwe.models import AuditEvent
from tests.cases.protection.factories import make_report, plan, record


def _form_data(users, **overrides) -> dict:
    data = {
        "professionals": [users.case_manager.pk, users.colleague.pk],
        "assessed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "home_visit": "yes",
        "home_visit_on": timezone.localdate().isoformat(),
        "harm": "Blaue Flecken am Oberarm",
        "danger": "Weitere Gewalt, wenn die Mutter überfordert ist",
        "complicating_factors": "Alleinerziehend",
        "working_well": "Oma hilft jeden Nachmittag",
        "next_steps": "Erziehungsberatung, Oma betreut",
        "safety_scale": "6",
        "result": "need_help",
        "family_court": "",
        "taken_into_care_note": "",
        "plan-TOTAL_FORMS": "4", "plan-INITIAL_FORMS": "0", "plan-MIN_NUM_FORMS": "0", "plan-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def test_report_form_records_the_report_and_shows_the_due_time(as_user, users, case):
    client = as_user(users.case_manager)
    url = reverse("cases:protection_report", args=[case.pk])
    assert client.get(url).status_code == 200
    received = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(url, {"received_at": received.strftime("%Y-%m-%dT%H:%M"), "reported_by": "Polizei Walle",
                                 "report": "Einsatz wegen häuslicher Gewalt, Kinder anwesend.", "urgency": "immediate"})
    a = ProtectionAssessment.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:protection_detail", args=[a.pk])
    assert a.due_at == a.received_at and a.created_by == users.case_manager


def test_report_form_keeps_the_input_on_errors(as_user, users, case):
    client = as_user(users.case_manager)
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:protection_report", args=[case.pk]),
                           {"received_at": future, "reported_by": "Nachbarin Frau Baumann", "report": "Schreie nachts", "urgency": "72h"})
    assert response.status_code == 422
    assert not ProtectionAssessment.objects.exists()
    assert "Nachbarin Frau Baumann" in response.text and "Schreie nachts" in response.text
    assert re.search(r'value="72h"[^>]*checked', response.text)
    assert 'class="form-errors error-summary"' in response.text


def test_single_professional_refused_on_the_page_keeps_everything_typed(as_user, users, case):
    a = make_report(case, users.case_manager)
    client = as_user(users.case_manager)
    data = _form_data(users, professionals=[users.case_manager.pk], result="endangerment", safety_scale="3",
                      **{"plan-0-measure": "Tägliche Kontrolle in der Kita", "plan-0-owner": "Kita Regenbogen",
                         "plan-0-due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat()})
    response = client.post(reverse("cases:protection_detail", args=[a.pk]), data)
    assert response.status_code == 422
    text = response.content.decode()
    assert str(MSG_FOUR_EYES) in text.replace("&#x27;", "'")
    for typed in ("Blaue Flecken am Oberarm", "Oma hilft jeden Nachmittag", "Tägliche Kontrolle in der Kita", "Kita Regenbogen"):
        assert typed in text
    a.refresh_from_db()
    assert a.is_open and not a.measures.exists() and not a.professionals.exists()


def test_endangerment_without_plan_shows_the_message_at_the_plan(as_user, users, case):
    a = make_report(case, users.case_manager)
    response = as_user(users.case_manager).post(reverse("cases:protection_detail", args=[a.pk]),
                                                _form_data(users, result="endangerment"))
    assert response.status_code == 422
    assert str(MSG_PLAN_REQUIRED) in response.content.decode()
    assert 'href="#plan"' in response.content.decode()


def test_recording_with_a_plan(as_user, users, case):
    a = make_report(case, users.case_manager)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = as_user(users.case_manager).post(
        reverse("cases:protection_detail", args=[a.pk]),
        _form_data(users, result="endangerment", safety_scale="2",
                   **{"plan-0-measure": "Kinderärztliche Untersuchung", "plan-0-owner": "Mutter", "plan-0-due_on": due,
                      "plan-2-measure": "Anti-Gewalt-Training", "plan-2-owner": "Vater", "plan-2-due_on": due}),
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.result == "endangerment" and a.safety_scale == 2 and a.home_visit is True
    assert sorted(a.measures.values_list("owner", flat=True)) == ["Mutter", "Vater"]


def test_half_filled_measure_row_is_refused(as_user, users, case):
    a = make_report(case, users.case_manager)
    response = as_user(users.case_manager).post(
        reverse("cases:protection_detail", args=[a.pk]),
        _form_data(users, result="endangerment", **{"plan-1-measure": "Kontrolle ohne Verantwortliche"}),
    )
    assert response.status_code == 422
    assert "Kontrolle ohne Verantwortliche" in response.content.decode()
    assert ProtectionAssessment.objects.get().is_open


def test_measure_done_and_its_errors(as_user, users, case):
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague, result="endangerment", measures=plan(2))
    m = a.measures.first()
    client = as_user(users.case_manager)
    url = reverse("cases:protection_measure_done", args=[a.pk, m.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"done_on": tomorrow})
    assert response.status_code == 422 and f'value="{tomorrow}"' in response.text
    assert client.post(url, {"done_on": timezone.localdate().isoformat()}).status_code == 302
    m.refresh_from_db()
    assert m.done_on == timezone.localdate()


def test_detail_and_pdf_are_audited(as_user, users, case):
    a = make_report(case, users.case_manager)
    record(a, users.case_manager, users.colleague, result="endangerment", measures=plan(), safety_scale=3)
    client = as_user(users.team_lead)
    response = client.get(reverse("cases:protection_detail", args=[a.pk]))
    assert response.status_code == 200
    assert "Signs of Safety" in response.text
    assert AuditEvent.objects.filter(name="cases.protection.viewed", object_id=str(a.pk), user=users.team_lead).exists()
    pdf = client.get(reverse("cases:protection_pdf", args=[a.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(name="cases.protection.printed", object_id=str(a.pk)).exists()
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert case.reference in text and "Tägliche Anwesenheitskontrolle" in text


def test_detail_query_count_is_constant(as_user, users, case, django_assert_max_num_queries):
    first = make_report(case, users.case_manager)
    record(first, users.case_manager, users.colleague, result="endangerment", measures=plan(1), safety_scale=2)
    client = as_user(users.case_manager)
    url = reverse("cases:protection_detail", args=[first.pk])
    # Overhead 6 + assessment with case, district, team, managers (1), professionals, measures,
    # the case's series (3), audit insert (1), the assessors for the form when open (0 here) = 11.
    with django_assert_max_num_queries(11) as small:
        assert client.get(url).status_code == 200
    for scale in (4, 6, 8):
        a = make_report(case, users.case_manager)
        record(a, users.case_manager, users.team_lead, result="endangerment", measures=plan(3), safety_scale=scale)
    with django_assert_max_num_queries(11) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_open_detail_query_count(as_user, users, case, django_assert_max_num_queries):
    a = make_report(case, users.case_manager)
    client = as_user(users.case_manager)
    # As above plus the team's assessors for the checkboxes = 12.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:protection_detail", args=[a.pk]))
    assert response.status_code == 200
    assert f'value="{users.case_manager.pk}"' in response.text and f'value="{users.other_case_manager.pk}"' not in response.text


@pytest.mark.parametrize("who", ["case_manager", "team_lead"])
def test_caseworkers_see_the_record_form(as_user, users, case, who):
    a = make_report(case, users.case_manager)
    assert "plan-TOTAL_FORMS" in as_user(getattr(users, who)).get(reverse("cases:protection_detail", args=[a.pk])).text


@pytest.mark.parametrize("received", ["0001-01-01T10:00", "1899-12-31T23:00", "9999-12-31T10:00"])
def test_report_dated_outside_1900_to_2100_is_a_form_error_not_a_server_error(as_user, users, case, received):
    response = as_user(users.case_manager).post(
        reverse("cases:protection_report", args=[case.pk]),
        {"received_at": received, "reported_by": "Schule", "report": "Blaue Flecken", "urgency": "24h"})
    assert response.status_code == 422
    assert "Bitte ein Datum zwischen 1900 und 2100 angeben." in response.text
    assert not ProtectionAssessment.objects.exists()
